// Scale-out from the page: the server forwards this browser's own credential to the app and to
// its replica, as a load balancer would (blueprints/session/scaleout.py), and returns each hop
// for the wire panel. Three cases: a store per instance, the shared store, JWT on both.

import { $, on, url } from "./dom.js";
import { renderSteps, summary, verdict } from "./session-report.js";

// --- 7. Scale-out -------------------------------------------------------------------------------

const EXPECTED = {
  "per-instance": "The app knows the session; the replica, with a store of its own, has never heard of it.",
  shared: "Both instances read the same store: either can serve you.",
  jwt: "Both verify the token with no shared state; after logout on the app the replica refuses it too, through the shared blocklist.",
};

async function scale(button) {
  const kind = button.dataset.scale;
  const node = $("[data-scale-result]");
  // Each case's steps replace the last one's: a result left from (b) must not stand under (c).
  $("[data-scale-steps]").replaceChildren();
  node.textContent = `${button.textContent}: running…`;
  // (c) signs in at /jwt/login when a password is typed in the sign-in form. After a form
  // sign-in the reload has emptied that field: then the server issues a token to the user the
  // session already names (blueprints/session/scaleout.py, issued_to_session_user).
  const form = $("[data-login-form]");
  const password = form.elements.password.value;
  const body = kind === "jwt" && password ? { username: form.elements.username.value, password } : {};
  const response = await fetch(url(`/session/scaleout/${kind}`), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  if (!response.ok) {
    node.textContent = `${button.textContent}: ${response.status}: ${summary(data)}`;
    return;
  }
  renderSteps($("[data-scale-steps]"), data.steps);
  verdict(node, data.steps.every((s) => s.expected), `${button.textContent}: ${EXPECTED[kind]}`);
}

export function init() {
  on("[data-scale]", scale);
}
