// A token's claims in words, for the workbench (templates/jwt/workbench.html): what each
// registered claim means (RFC 7519 §4.1, OpenID Connect, RFC 9068, and this app's own), and its
// times readable, in UTC and from now. Nothing here is trusted: it explains, it does not check.

import { el } from "./dom.js";

// The times a token may carry, NumericDates: seconds since 1970-01-01 UTC (RFC 7519 §2).
const TIMES = new Set(["iat", "nbf", "exp", "auth_time"]);
// The largest NumericDate a Date can show (the last second of year 9999).
const LAST_DATE = 253402300799;

const MEANING = {
  iss: "issuer: who made the token. A verifier compares it exactly with the one issuer it trusts.",
  sub: "subject: whom the token is about (a user id, as a string).",
  aud: "audience: who the token is for. A verifier refuses a token meant for another API or client.",
  exp: "expires: from this second on, the token is refused (this app allows no leeway).",
  nbf: "not before: refused until this second.",
  iat: "issued at: when the token was made. A whole number of seconds.",
  jti: "the token's unique id: what a logout puts on the blocklist.",
  auth_time: "when the user last typed their password (OpenID Connect).",
  nonce: "the value the client sent with its sign-in request, echoed back against replay (OpenID Connect).",
  azp: "authorized party: the client the token was issued to (OpenID Connect).",
  client_id: "the client the access token was issued to (RFC 9068).",
  scope: "what the access token allows, space-separated (RFC 9068).",
  sid: "the provider's session id, for signing out everywhere (OpenID Connect).",
  at_hash: "half a hash of the access token issued with this id_token (OpenID Connect).",
  role: "this app's role claim: /jwt/admin reads it. Only the key holder can change it, by signing anew.",
  type: "this app's kind of token, access or refresh: neither is accepted where the other is expected.",
  fam: "this app's refresh family (one sign-in): a refresh token used twice revokes the whole family.",
  gen: "this app's credentials generation: the user's next password change refuses every token naming it.",
  csrf: "this app's cookie mode only: the double-submit value the page echoes in X-CSRF-TOKEN.",
};

const UNITS = [
  ["year", 31536000],
  ["month", 2592000],
  ["day", 86400],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];
const RELATIVE = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

// "in 4 minutes", "3 minutes ago": the largest unit that fits, rounded.
export function fromNow(seconds, now = Date.now() / 1000) {
  const delta = seconds - now;
  const [unit, size] = UNITS.find(([, size]) => Math.abs(delta) >= size) || UNITS[UNITS.length - 1];
  return RELATIVE.format(Math.round(delta / size), unit);
}

// "2026-05-01 10:00:00 UTC (in 4 minutes)", or why the value is no time.
export function readableTime(value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return "not a number: no verifier can read it as a time";
  if (Math.abs(value) > LAST_DATE) return "beyond the year 9999: no date at all";
  const utc = new Date(Math.trunc(value) * 1000).toISOString().replace("T", " ").replace(".000Z", " UTC");
  const whole = Number.isInteger(value) ? "" : " Not a whole number of seconds: many verifiers drop the fraction.";
  return `${utc} (${fromNow(value)}).${whole}`;
}

export function meaning(name, value) {
  const words = MEANING[name] || "a claim with no registered meaning: whatever the issuer and the verifier agree on.";
  return TIMES.has(name) ? `${words} ${readableTime(value)}` : words;
}

// Fill a table body with one row per claim: name, value as JSON, meaning in words.
export function claimRows(tbody, payload) {
  const rows = Object.entries(payload || {}).map(([name, value]) =>
    el(
      "tr",
      { "data-claim": name },
      el("th", { scope: "row" }, el("code", {}, name)),
      el("td", {}, el("code", {}, JSON.stringify(value))),
      el("td", {}, meaning(name, value)),
    ),
  );
  tbody.replaceChildren(...rows);
}
