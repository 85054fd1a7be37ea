// "What an injected script can take": the same few lines an XSS payload would run, run on
// purpose in this page, for the SPA and for the BFF. Nothing leaves the page: what the
// script "takes" is only listed under its button. (The CSP keeps real injected scripts out:
// no inline script, scripts from this origin only. This module plays one that got in anyway.)

import { url } from "./dom.js";

// Everything any script of this origin can read without asking: cookies that are not
// HttpOnly, both storages, and the page itself.
function lyingAround(take, page) {
  take("document.cookie", document.cookie || "(empty: the session cookie is HttpOnly, so no script can read it)");
  for (const [name, storage] of [
    ["localStorage", localStorage],
    ["sessionStorage", sessionStorage],
  ]) {
    const keys = Object.keys(storage);
    take(name, keys.length ? keys.map((key) => `${key} = ${storage.getItem(key)}`).join("\n") : "(empty)");
  }
  if (!page) return;
  const shown = [...document.querySelectorAll("[data-memory]")].map((node) => node.textContent).filter(Boolean);
  take("the page's own text", shown.length ? shown.join("\n") : "(no token shown in this page)");
}

let original = null;

// The SPA: its tokens are in memory, in a module's variable no other script can name. That
// is no defence: a script in the page wraps fetch (or JSON.parse, or Response.prototype.json)
// and reads every token on its way in or out, for as long as the tab is open, refresh
// tokens included. It could as well run a flow of its own: it is the app, to the provider.
export function injectIntoSpa(take) {
  lyingAround(take, true);
  if (original) return;
  original = window.fetch;
  window.fetch = async (input, init = {}) => {
    const address = String(input);
    const authorization = new Headers(init.headers).get("Authorization");
    if (authorization) take(`Authorization header sent to ${address}`, authorization);
    if (typeof init.body === "string" && init.body.includes("refresh_token=")) take(`request body sent to ${address}`, init.body);
    const response = await original(input, init);
    const text = await response.clone().text();
    if (/"(access|refresh|id)_token"/.test(text)) take(`answer from ${address}`, text);
    return response;
  };
  take("window.fetch", "wrapped: every later request and answer of this page passes through the injected script");
}

export function removeFromSpa(take) {
  if (!original) return;
  window.fetch = original;
  original = null;
  take("window.fetch", "restored (a real injected script would never leave)");
}

// The BFF: the provider's tokens never reached the browser (OC-4), so there is none to take.
// What the script can do is ride the session: the browser adds the HttpOnly cookie to its
// same-origin requests, so it acts as you, from this tab, while the tab is open.
export async function injectIntoBff(take) {
  lyingAround(take, false);
  const response = await fetch(url("/oauth/protected"), { credentials: "same-origin", headers: { Accept: "application/json" } });
  const answer = `${response.status}: ${await response.text()}`;
  const hint = response.status === 401 ? "\n(Nobody is signed in through the BFF: sign in through it, then inject again.)" : "";
  take("fetch('/oauth/protected'), riding the session cookie", answer + hint);
  take("the provider's tokens", "none in this page: the app's server-side session holds them, out of every script's reach");
}
