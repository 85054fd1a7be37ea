// The JWT lab page: sign in, call the API, watch the countdown, refresh, log out. Tokens stay in
// this module's memory (jwt-state.js) and travel in the Authorization header (JWT-7).

import { $, on, url } from "./dom.js";
import { setWhoami } from "./header.js";
import { send } from "./wire.js";
import * as attacks from "./jwt-attacks.js";
import * as inspector from "./jwt-inspector.js";
import * as keyring from "./jwt-keys.js";
import { bearer, onChange, state, update } from "./jwt-state.js";
import * as storage from "./jwt-storage.js";
import { claimRows, coloured, decode } from "./jwt-token.js";

const WIRE = "jwt-wire";
let countdownTimer = null;

function say(selector, text, ok) {
  const node = $(selector);
  node.textContent = text;
  node.classList.toggle("ok", ok === true);
  node.classList.toggle("bad", ok === false);
}

// A token pair says nothing of itself (POST /jwt/refresh answers with tokens, no message): say what came back.
function pairWords(data) {
  return `a new access token (for ${data.expires_in} s) and a new refresh token; the refresh token sent is used up`;
}

function describe(response, data) {
  const words = data?.access_token ? pairWords(data) : "";
  const body = typeof data === "object" && data ? data.message || data.error || words : String(data).slice(0, 120);
  // A throttled attempt (PW-6): the description says how long to wait, in words.
  if (response.status === 429 && data?.description) return `${response.status} ${response.statusText}: ${data.description}`;
  return `${response.status} ${response.statusText}: ${body}`;
}

async function signIn(event) {
  event.preventDefault();
  const form = event.target;
  const json = { username: form.username.value, password: form.password.value };
  // Sent as typed: the server clamps it to its bounds (signin.LAB_LIFETIME), and the answer's
  // expires_in says what was granted. The page repeats no bound of its own.
  const lifetime = parseInt(form.lifetime.value, 10);
  if (!Number.isNaN(lifetime)) json.lifetime = lifetime;
  const { response, data } = await send(WIRE, url("/jwt/login"), { method: "POST", json });
  if (!response.ok) {
    say("[data-jwt-status]", `Sign-in refused: ${describe(response, data)}`, false);
    return;
  }
  update({ username: json.username, access: data.access_token, refresh: data.refresh_token, previousRefresh: null, revoked: null });
  const clamped = json.lifetime !== undefined && json.lifetime !== data.expires_in ? ` (${json.lifetime} s asked: the server allows ${form.lifetime.min} to ${form.lifetime.max})` : "";
  say("[data-jwt-status]", `Signed in as ${json.username}: access token for ${data.expires_in} s${clamped}, refresh token kept in memory.`, true);
}

const CALLS = {
  protected: () => send(WIRE, url("/jwt/protected"), { headers: bearer(state.access) }),
  admin: () => send(WIRE, url("/jwt/admin"), { headers: bearer(state.access) }),
  async refresh() {
    const used = state.refresh;
    const result = await send(WIRE, url("/jwt/refresh"), { method: "POST", headers: bearer(used) });
    if (result.response.ok) update({ access: result.data.access_token, refresh: result.data.refresh_token, previousRefresh: used });
    return result;
  },
  "replay-refresh": () => send(WIRE, url("/jwt/refresh"), { method: "POST", headers: bearer(state.previousRefresh) }),
  async logout() {
    const result = await send(WIRE, url("/jwt/logout"), { method: "POST", headers: bearer(state.access), json: { refresh_token: state.refresh } });
    if (result.response.ok) update({ revoked: state.access, access: null, refresh: null, username: null });
    return result;
  },
  "replay-revoked": () => send(WIRE, url("/jwt/protected"), { headers: bearer(state.revoked) }),
};

async function call(name) {
  const { response, data } = await CALLS[name]();
  let text = `${name}: ${describe(response, data)}`;
  const challenge = response.headers.get("WWW-Authenticate");
  if (challenge) text += ` (WWW-Authenticate: ${challenge})`;
  say("[data-call-result]", text, response.ok);
}

function tick(exp) {
  // Rounded up: at zero the server's clock has passed exp too (it allows no leeway).
  const left = Math.ceil(exp - Date.now() / 1000);
  $("[data-countdown]").textContent = left > 0 ? `Expires in ${left} s (at ${new Date(exp * 1000).toLocaleTimeString()})` : `Expired ${-left} s ago: the next call gets a 401`;
  $("[data-countdown]").classList.toggle("bad", left <= 0);
  const windowNote = $("[data-stolen-window]");
  windowNote.textContent =
    left > 0
      ? `A stolen copy of your access token works for ${left} more seconds without a blocklist, however soon you notice. With the blocklist, it stops the moment you log out. Your refresh token would keep minting new ones for days, unless its family is revoked.`
      : "Your access token has expired: a stolen copy is now useless, blocklist or not.";
}

async function showToken() {
  const has = Boolean(state.access);
  $("[data-token-view]").hidden = !has;
  $("[data-token-empty]").hidden = has;
  clearInterval(countdownTimer);
  for (const button of document.querySelectorAll("[data-call]")) {
    const needs = { "replay-refresh": state.previousRefresh, "replay-revoked": state.revoked }[button.dataset.call];
    button.disabled = button.dataset.call in { "replay-refresh": 1, "replay-revoked": 1 } ? !needs : !has;
  }
  for (const button of document.querySelectorAll("[data-inspect-current], [data-store-local], [data-verify-jwks]")) button.disabled = !has;
  // The badge names the memory token's user, else the cookie's (they are independent).
  setWhoami("jwt", state.username || state.cookieUser);
  if (!has) {
    $("[data-stolen-window]").textContent = "Signed out: the revoked tokens are on the blocklist until their own exp.";
    return;
  }
  const { payload } = decode(state.access);
  $("[data-token-text]").replaceChildren(...coloured(state.access));
  claimRows($("[data-claims]"), payload);
  tick(payload.exp);
  countdownTimer = setInterval(() => tick(payload.exp), 1000);
  const result = await inspector.inspect(state.access);
  $("[data-token-checks]").replaceChildren(...inspector.checksList(result));
}

function init() {
  $("[data-jwt-login]").addEventListener("submit", signIn);
  on("[data-call]", (button) => call(button.dataset.call));
  onChange(showToken);
  inspector.init(() => state.access);
  keyring.init(WIRE);
  storage.init(WIRE);
  attacks.init("jwt-bench-wire"); // the bench, full width below, has a wire panel of its own
}

init();
