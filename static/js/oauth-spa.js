// The SPA lab page: each hop of oauth-spa-protocol.js on a button, what it returned shown in
// its step, the sequence diagram filled in as the hops happen.
//
// Where things live, which is the lesson of the page:
// - the tokens: `memory` below, a variable of this module. Never localStorage, sessionStorage
//   or a cookie: a reload or a closed tab forgets them, and no other tab or later visit finds
//   them (OAuth 2.0 for Browser-Based Apps, "token storage").
// - the attempt (state, nonce, PKCE verifier), for the length of the redirect only: the page
//   is unloaded while the browser is at the provider, so memory cannot carry it across. It
//   waits in this tab's sessionStorage and is removed the moment the callback page reads it.
//   A verifier opens nothing by itself: only with the code that comes back, once.

import { $, el, on, text } from "./dom.js";
import { injectIntoBff, injectIntoSpa, removeFromSpa } from "./oauth-spa-injected.js";
import * as oauth from "./oauth-spa-protocol.js";
import { http, navigation, replay, transcript } from "./oauth-spa-wire.js";

const ATTEMPT_KEY = "authlab.spa.attempt";

const root = $("[data-spa]");
const settings = root && {
  issuer: root.dataset.issuer,
  clientId: root.dataset.clientId,
  redirectUri: root.dataset.redirectUri,
  scope: root.dataset.scope,
};

// This tab's state: the provider's metadata, the attempt in progress, and the tokens.
const memory = { metadata: null, attempt: null, code: null, tokens: null, claims: null, retired: null };

function hop(...names) {
  for (const name of names) {
    for (const node of document.querySelectorAll(`[data-hop="${name}"]`)) {
      node.classList.replace("waiting", "done");
      const said = node.querySelector("[data-hop-state]");
      if (said) said.textContent = "done";
    }
  }
}

const VERDICTS = { done: "verdict pass", current: "verdict", refused: "verdict fail" };

// A step's state: waiting, current (the next to do), done, or refused; and its verdict.
function step(name, state, message) {
  const section = $(`#spa-step-${name}`);
  if (!section) return;
  section.classList.remove("waiting", "current", "done");
  section.classList.add(state === "refused" ? "current" : state);
  const status = section.querySelector("[data-spa-status]");
  if (status && message !== undefined) {
    status.textContent = message;
    status.className = VERDICTS[state] || "verdict";
  }
}

// The next hop's button: enabled, and focused, so a keyboard user goes on with Enter.
function enable(action, focus = true) {
  const button = $(`[data-spa-action="${action}"]`);
  if (!button) return;
  button.disabled = false;
  if (focus) button.focus();
}

function disable(...actions) {
  for (const action of actions) {
    const button = $(`[data-spa-action="${action}"]`);
    if (button) button.disabled = true;
  }
}

function checksList(target, checks) {
  const list = $(target);
  list.replaceChildren(
    ...checks.map(([name, ok, detail]) =>
      el("li", {}, el("span", { class: `verdict ${ok ? "pass" : "fail"}` }, ok ? "pass" : "fail"), " ", el("code", {}, name), ` ${detail}`),
    ),
  );
}

function fail(error) {
  const box = $("[data-spa-failure]");
  const where = error instanceof oauth.FlowError ? error.step : "the network";
  if (error.checks?.length) checksList(`[data-spa-checks="${error.step}"]`, error.checks);
  box.textContent = `Stopped at ${where}: ${error.message} Nothing was kept.`;
  box.hidden = false;
  if (error instanceof oauth.FlowError) step(error.step, "refused", "refused");
  box.focus();
}

// Run a hop; a failure stops the page there and says why.
async function run(action, work) {
  disable(action);
  $("[data-spa-failure]").hidden = true;
  try {
    await work();
  } catch (error) {
    fail(error);
  }
}

function showMemory() {
  const tokens = memory.tokens || {};
  for (const name of ["access_token", "refresh_token", "id_token"]) {
    const slot = $(`[data-memory="${name}"]`);
    if (slot) slot.textContent = tokens[name] || "";
  }
  text("[data-memory-summary]", memory.tokens ? "This page holds these tokens, in a variable of its script:" : "This page holds no token.");
  const storage = Object.keys(sessionStorage).length + Object.keys(localStorage).length;
  text("[data-spa-storage]", storage ? `${storage} item(s) in this origin's storage.` : "Nothing in localStorage or sessionStorage.");
}

// --- Before the redirect ------------------------------------------------------------------

async function discover() {
  memory.metadata = await oauth.discover(http, settings.issuer);
  const list = $("[data-spa-endpoints]");
  for (const name of ["authorization_endpoint", "token_endpoint", "userinfo_endpoint", "jwks_uri", "revocation_endpoint"]) {
    if (memory.metadata[name]) list.append(el("dt", {}, el("code", {}, name)), el("dd", {}, el("code", {}, memory.metadata[name])));
  }
  hop("discovery");
  step("discovery", "done", "done");
  step("authorize", "current", "next");
  enable("authorize");
}

function showRequest(params, verifier) {
  for (const [name, value] of params) text(`[data-param="${name}"]`, value);
  text("[data-pkce-verifier]", verifier);
  text("[data-pkce-challenge]", Object.fromEntries(params).code_challenge);
}

async function buildRequest() {
  const request = await oauth.authorizationRequest(memory.metadata, settings);
  memory.attempt = request.attempt;
  showRequest(request.params, request.attempt.verifier);
  $("[data-spa-go]").href = request.url;
  $("[data-spa-go-box]").hidden = false;
  // The attempt waits for the callback in this tab's sessionStorage (see the top of this file),
  // with what the page showed so far (public: the metadata, the request, the discovery hop).
  const saved = { attempt: request.attempt, metadata: memory.metadata, params: request.params, transcript };
  sessionStorage.setItem(ATTEMPT_KEY, JSON.stringify(saved));
  showMemory();
  hop("authorize");
  step("authorize", "done", "built: follow the link to leave for the provider");
  $("[data-spa-go]").focus();
}

// --- After the redirect: the callback page --------------------------------------------------

function takeAttempt() {
  const saved = sessionStorage.getItem(ATTEMPT_KEY);
  sessionStorage.removeItem(ATTEMPT_KEY); // single use, whatever the callback holds (OC-2)
  try {
    return saved ? JSON.parse(saved) : null;
  } catch {
    return null;
  }
}

function callback() {
  const query = new URLSearchParams(window.location.search);
  const arrived = window.location.href;
  // OC-4 for a browser app: the code leaves the address bar and the history at once, before
  // anything else runs (a later script, an extension, a shared screen).
  window.history.replaceState(null, "", window.location.pathname);
  navigation(
    "wire-callback",
    "provider → browser → this page (front channel)",
    arrived,
    "The provider's 302 sent the browser here; this is the address it arrived at. The script " +
      "read code, state and iss from it, then removed them from the address bar (history.replaceState).",
  );
  const saved = takeAttempt();
  if (saved) {
    replay(saved.transcript);
    showRequest(saved.params || [], saved.attempt?.verifier || "");
  }
  showMemory();
  hop("discovery", "authorize", "provider", "callback");
  step("discovery", "done", "done before the redirect");
  step("authorize", "done", "done before the redirect");
  step("provider", "done", "done");
  if (saved) memory.metadata = saved.metadata;
  const { code, checks } = oauth.checkCallback(query, saved?.attempt, memory.metadata || {});
  memory.attempt = saved.attempt;
  memory.code = code;
  text("[data-callback-code]", code);
  text("[data-callback-state]", query.get("state"));
  text("[data-callback-iss]", query.get("iss") || "(not sent)");
  checksList('[data-spa-checks="callback"]', checks);
  step("callback", "done", "checked");
  step("token", "current", "next");
  enable("token");
}

async function exchange() {
  memory.tokens = await oauth.exchangeCode(http, memory.metadata, settings, memory.attempt, memory.code);
  memory.code = null; // spent
  text("[data-token-summary]", `token_type ${memory.tokens.token_type}, expires_in ${memory.tokens.expires_in} s, scope "${memory.tokens.scope}"; ` +
    (memory.tokens.refresh_token ? "a refresh token came too." : "no refresh token was issued."));
  showMemory();
  hop("token", "token-answer");
  step("token", "done", "done");
  step("id_token", "current", "next");
  enable("id_token");
}

async function verify() {
  const result = await oauth.verifyIdToken(http, memory.metadata, settings, memory.tokens, memory.attempt.nonce);
  memory.claims = result.payload;
  text("[data-jwt-header]", JSON.stringify(result.header, null, 2));
  text("[data-jwt-payload]", JSON.stringify(result.payload, null, 2));
  checksList('[data-spa-checks="id_token"]', result.checks);
  memory.attempt = null; // the nonce is spent too
  hop("jwks");
  step("id_token", "done", "verified");
  step("userinfo", "current", "next");
  enable("userinfo");
}

async function callUserinfo(panel) {
  const claims = await oauth.userinfo(http, memory.metadata, memory.tokens, memory.claims?.sub, panel);
  text("[data-spa-claims]", JSON.stringify(claims, null, 2));
  hop("preflight", "userinfo");
  step("userinfo", "done", "done");
  text("[data-spa-identity]", `The provider vouched for ${claims.preferred_username || claims.sub} to this page's script.`);
  return claims;
}

async function userinfoHop() {
  await callUserinfo("wire-userinfo");
  step("after", "current", "refresh, replay, revoke");
  for (const action of ["refresh", "again", "revoke", "forget"]) enable(action, action === "refresh");
  if (!memory.tokens.refresh_token) disable("refresh", "revoke");
}

// --- After the flow -------------------------------------------------------------------------

function outcome(message) {
  $("[data-spa-after]").append(el("li", {}, message));
}

async function refreshHop() {
  const old = memory.tokens.refresh_token;
  const fresh = await oauth.refresh(http, memory.metadata, settings, old);
  memory.tokens = { ...memory.tokens, ...fresh };
  const rotated = fresh.refresh_token && fresh.refresh_token !== old;
  if (rotated) memory.retired = old;
  showMemory();
  hop("refresh");
  outcome(rotated ? "Refreshed: a new access token and a new refresh token; the old refresh token is retired." : "Refreshed: a new access token; the provider kept the same refresh token.");
  for (const action of ["again", "revoke", "refresh"]) enable(action);
  if (memory.retired) enable("replay", false);
}

async function replayHop() {
  try {
    await oauth.refresh(http, memory.metadata, settings, memory.retired, "replay");
    outcome("The provider accepted the retired refresh token: no reuse detection.");
  } catch (error) {
    outcome(`Refused (${error.message}). A second use of a retired refresh token is what theft looks like, so the provider revokes the whole family: the current tokens die too. Try "Call the user API again".`);
  }
  enable("again");
}

async function againHop() {
  try {
    await callUserinfo("wire-after");
    outcome("The user API answered 200 with the access token in memory.");
  } catch (error) {
    outcome(`The user API refused the access token in memory: ${error.message}`);
  }
  enable("again");
}

async function revokeHop() {
  const status = await oauth.revoke(http, memory.metadata, settings, memory.tokens.refresh_token);
  outcome(`The provider answered ${status} to the revocation (RFC 7009): the grant and its tokens are gone.`);
  enable("again");
}

function forget() {
  memory.tokens = null;
  memory.retired = null;
  showMemory();
  outcome("Forgotten: the tokens were only in this page's memory. A reload does the same.");
  disable("refresh", "replay", "revoke");
  enable("again");
}

// --- The injected script ----------------------------------------------------------------------

function taker(list) {
  return (what, value) => list.append(el("li", {}, el("strong", {}, what), el("pre", { class: "token" }, String(value))));
}

function init() {
  // The BFF's half of the comparison works without the SPA's client.
  on('[data-inject="bff"]', () => {
    const take = taker($('[data-loot="bff"]'));
    injectIntoBff(take).catch((error) => take("fetch", `failed: ${error.message}`));
  });
  if (!root || !settings.clientId) return;
  on('[data-spa-action="discover"]', () => run("discover", discover));
  on('[data-spa-action="authorize"]', () => run("authorize", buildRequest));
  on('[data-spa-action="token"]', () => run("token", exchange));
  on('[data-spa-action="id_token"]', () => run("id_token", verify));
  on('[data-spa-action="userinfo"]', () => run("userinfo", userinfoHop));
  on('[data-spa-action="refresh"]', () => run("refresh", refreshHop));
  on('[data-spa-action="replay"]', () => run("replay", replayHop));
  on('[data-spa-action="again"]', () => run("again", againHop));
  on('[data-spa-action="revoke"]', () => run("revoke", revokeHop));
  on('[data-spa-action="forget"]', forget);
  on('[data-inject="spa"]', () => injectIntoSpa(taker($('[data-loot="spa"]'))));
  on('[data-uninject="spa"]', () => removeFromSpa(taker($('[data-loot="spa"]'))));
  showMemory();
  if (root.dataset.mode === "callback") {
    try {
      callback();
    } catch (error) {
      fail(error);
    }
  } else {
    step("discovery", "current", "next");
    enable("discover", false);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
