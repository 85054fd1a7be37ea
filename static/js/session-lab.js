// The session lab's page script: buttons that send real requests, and what the server says. The
// page keeps no credential (the browser sends the HttpOnly cookie by itself); what the server
// holds is shown by session-state.js, and each other section of the page has a module of its own.
// Plain ES module, no dependencies, no inline script (the CSP forbids it).

import { $, on, text, url } from "./dom.js";
import * as attacks from "./session-attacks.js";
import * as clientCookie from "./session-client-cookie.js";
import { renderSteps, summary, verdict, WIRE } from "./session-report.js";
import * as scaleout from "./session-scaleout.js";
import { refreshRecord } from "./session-state.js";
import { send } from "./wire.js";

// --- 1. Sign in by JSON, 3. use the session ---------------------------------------------------

async function jsonLogin() {
  const form = $("[data-login-form]");
  const body = {
    username: form.elements.username.value,
    password: form.elements.password.value,
    timeouts: form.elements.timeouts.value,
    remember: form.elements.remember.checked,
  };
  const { response, data } = await send(WIRE, url("/session/login"), { method: "POST", json: body });
  verdict($("[data-call-result]"), response.ok, `POST /session/login → ${response.status}: ${summary(data)}`);
  await refreshRecord();
}

async function call(button) {
  const [method, path] = button.dataset.call.split(" ");
  const { response, data } = await send(WIRE, url(path), { method });
  const node = $("[data-call-result]");
  node.textContent = `${method} ${path} → ${response.status}: ${summary(data)}`;
  node.className = `verdict-line ${response.ok ? "ok" : "bad"}`;
  await refreshRecord();
}

async function replay() {
  const response = await fetch(url("/session/lab/replay"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: "{}",
  });
  const data = await response.json();
  if (!response.ok) {
    text("[data-call-result]", `${response.status}: ${summary(data)}`);
    return;
  }
  renderSteps($("[data-replay-steps]"), data.steps);
  await refreshRecord();
}

function init() {
  on("[data-json-login]", jsonLogin);
  on("[data-call]", call);
  on("[data-replay]", replay);
  on("[data-refresh-record]", refreshRecord);
  clientCookie.init();
  attacks.init();
  scaleout.init();
  refreshRecord();
}

init();
