// Where to keep a token: the localStorage variant (an attack demo, labelled), cookie mode with
// its CSRF double-submit, and an XSS simulation showing what an injected script can reach.

import { $, url } from "./dom.js";
import { state, update } from "./jwt-state.js";
import { send } from "./wire.js";

// Attack demo only: the one place this app ever writes a token to localStorage (JWT-7).
const DEMO_KEY = "attack-demo-jwt";

function output(lines) {
  const node = $("[data-xss-output]");
  node.hidden = false;
  node.textContent = lines.join("\n");
}

function readCookie(name) {
  const found = document.cookie.split("; ").find((pair) => pair.startsWith(`${name}=`));
  return found ? decodeURIComponent(found.slice(name.length + 1)) : null;
}

// What an injected script does first: look for credentials it can read.
function injectedScript() {
  const stolen = localStorage.getItem(DEMO_KEY);
  const lines = ["// An injected script runs with this page's rights. It reads:"];
  lines.push(stolen ? `localStorage["${DEMO_KEY}"] = ${stolen.slice(0, 40)}... STOLEN: it works from anywhere until exp.` : "localStorage: nothing (put your token there first to see it stolen).");
  lines.push(`document.cookie = "${document.cookie}"`);
  lines.push(readCookie("csrf_access_token") ? "  (csrf_access_token is readable on purpose: it is only half of the double submit)" : "  (no cookie-mode sign-in yet)");
  lines.push("access_token_cookie: not visible. HttpOnly cookies are out of reach of page scripts.");
  lines.push("(It could still send requests from this page while it runs: HttpOnly stops theft, not XSS.)");
  output(lines);
}

export function init(wire) {
  // The localStorage demo exists only when the attack demos are on (development).
  $("[data-store-local]")?.addEventListener("click", () => {
    localStorage.setItem(DEMO_KEY, state.access);
    output([`Stored under localStorage["${DEMO_KEY}"]. Now run the injected script.`]);
  });
  $("[data-xss]").addEventListener("click", injectedScript);
  $("[data-cookie-login]").addEventListener("click", async () => {
    const form = $("[data-jwt-login]");
    const { response, data } = await send(wire, url("/jwt/cookie/login"), { method: "POST", json: { username: form.username.value, password: form.password.value } });
    if (response.ok) update({ cookieUser: form.username.value });
    // A throttled sign-in (429, PW-6) says how long to wait in its description.
    const said = response.status === 429 ? data.description : data.message || data.error;
    output([`${response.status}: ${said}`, "The Set-Cookie lines in the wire panel show the flags."]);
  });
  $("[data-cookie-forged]").addEventListener("click", async () => {
    const { response, data } = await send(wire, url("/jwt/cookie/logout"), { method: "POST" });
    output([`${response.status}: ${data.error || data.message}`, "The cookie went along (same site), but without the X-CSRF-TOKEN header the double-submit check refused the request."]);
  });
  $("[data-cookie-logout]").addEventListener("click", async () => {
    const csrf = readCookie("csrf_access_token") || "";
    const { response, data } = await send(wire, url("/jwt/cookie/logout"), { method: "POST", headers: { "X-CSRF-TOKEN": csrf } });
    if (response.ok) update({ cookieUser: null });
    output([`${response.status}: ${data.message || data.error}`, `X-CSRF-TOKEN: ${csrf || "(none: sign in with cookie mode first)"}`]);
    localStorage.removeItem(DEMO_KEY);
  });
}
