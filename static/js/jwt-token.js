// Reading a token needs no key: header and payload are only base64url-encoded JSON. These helpers
// decode (without trusting) and display a token the way jwt.io taught everyone to read one.

import { toText } from "./b64url.js";
import { el } from "./dom.js";

function b64urlJson(segment) {
  try {
    return JSON.parse(toText(segment));
  } catch {
    return null;
  }
}

export function decode(token) {
  const parts = String(token || "").split(".");
  return { parts, header: b64urlJson(parts[0] || ""), payload: b64urlJson(parts[1] || "") };
}

// The token, coloured: header, payload, signature.
export function coloured(token) {
  const [header = "", payload = "", signature = ""] = String(token).split(".");
  return [
    el("span", { class: "tok-header" }, header),
    ".",
    el("span", { class: "tok-payload" }, payload),
    ".",
    el("span", { class: "tok-signature" }, signature),
  ];
}

export function localTime(seconds) {
  return new Date(seconds * 1000).toLocaleString();
}

// What each claim means, in plain words.
const MEANING = {
  iss: () => "issuer: who made the token (this app's URL). Checked.",
  aud: () => "audience: who the token is for (this app's API). Checked: a token for another API is refused.",
  sub: (v) => `subject: user id ${v}, a string as RFC 7519 requires.`,
  role: (v) => `the role at sign-in (${v}): /jwt/admin reads it. Only the key holder can write it.`,
  iat: (v) => `issued at ${localTime(v)}. A password change refuses every token issued before it.`,
  exp: (v) => `expires at ${localTime(v)}. After that: 401, no leeway.`,
  nbf: (v) => `not valid before ${localTime(v)}.`,
  jti: () => "the token's unique id: what logout puts on the blocklist.",
  type: (v) => `the kind of token (${v}): an access token cannot refresh, a refresh token cannot call the API.`,
  fam: () => "the refresh family (this sign-in): reusing a refresh token revokes the whole family.",
  gen: () => "which of the user's password changes the token came after: the next change refuses it.",
  auth_time: (v) => `signed in (password typed) at ${localTime(v)}. Refreshing never extends the sign-in past its limit.`,
  csrf: () => "cookie mode only: the double-submit value the page must echo in X-CSRF-TOKEN.",
};

export function claimRows(tbody, payload) {
  tbody.replaceChildren();
  for (const [name, value] of Object.entries(payload || {})) {
    const explain = MEANING[name] ? MEANING[name](value) : "a claim this app does not use.";
    tbody.append(el("tr", {}, el("th", { scope: "row" }, el("code", {}, name)), el("td", {}, el("code", {}, JSON.stringify(value))), el("td", {}, explain)));
  }
}
