// Scale-out from the page: the server forwards this browser's own credential to the app and to
// its replica, as a load balancer would (blueprints/session/scaleout.py), and returns each hop
// for the wire panel. Three cases: a store per instance, the shared store, JWT on both.

import { $, on, text } from "./dom.js";
import { renderSteps, summary, verdict } from "./session-report.js";

// --- 7. Scale-out -------------------------------------------------------------------------------

const EXPECTED = {
  "per-instance": "The app knows the session; the replica, with a store of its own, has never heard of it.",
  shared: "Both instances read the same store: either can serve you.",
  jwt: "Both verify the token with no shared state; after logout on the app the replica refuses it too, through the shared blocklist.",
};

async function scale(button) {
  const kind = button.dataset.scale;
  const form = $("[data-login-form]");
  const body = kind === "jwt" ? { username: form.elements.username.value, password: form.elements.password.value } : {};
  if (kind === "jwt" && !body.password) {
    text("[data-scale-result]", "Type a username and password in the sign-in form first: the JWT login needs them.");
    form.elements.password.focus();
    return;
  }
  const response = await fetch(`/session/scaleout/${kind}`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  const node = $("[data-scale-result]");
  if (!response.ok) {
    node.textContent = `${response.status}: ${summary(data)}`;
    return;
  }
  renderSteps($("[data-scale-steps]"), data.steps);
  verdict(node, data.steps.every((s) => s.expected), EXPECTED[kind]);
}

export function init() {
  on("[data-scale]", scale);
}
