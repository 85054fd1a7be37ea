// The session lab's page script: buttons that send real requests, and what the server says.
// Plain ES module, no dependencies, no inline script (the CSP forbids it).
import { send, show } from "./wire.js";
import { setWhoami } from "./header.js";

const WIRE = "session-wire";
const $ = (selector) => document.querySelector(selector);
const seenIds = [];
let countdown = null;

function text(selector, value) {
  const node = $(selector);
  if (node) node.textContent = value;
}

function verdict(node, ok, message) {
  node.replaceChildren();
  const tag = document.createElement("span");
  tag.className = `verdict ${ok ? "pass" : "fail"}`;
  tag.textContent = ok ? "as expected" : "unexpected";
  node.append(tag, ` ${message}`);
}

function summary(data) {
  if (data === null || data === undefined) return "";
  if (typeof data === "string") return data;
  if ("instance" in data && "user" in data) {
    return `the ${data.instance} ${data.user ? `knows the session: ${data.user}` : "knows nobody"} (${data.store || "its own store"})`;
  }
  return data.message || data.description || data.error || JSON.stringify(data);
}

// --- 2. What the server holds ---------------------------------------------------------------

export async function refreshRecord() {
  const response = await fetch("/session/lab/record", { headers: { Accept: "application/json" } });
  const state = await response.json();
  text("[data-record-user]", state.user ? `${state.user} (${state.role})${state.remembered ? ", restored by remember-me" : ""}` : "nobody");
  text("[data-record-sid]", state.session_id || "none: no record on the server (an unknown id is never adopted)");
  if (state.session_id && seenIds.at(-1) !== state.session_id) {
    seenIds.push(state.session_id);
    const item = document.createElement("li");
    item.textContent = `${state.session_id}${state.user ? ` (signed in as ${state.user})` : " (anonymous)"}`;
    $("[data-id-history]")?.append(item);
  }
  const record = state.record;
  text("[data-record-key]", record ? record.key : "none");
  text("[data-record-expires]", record ? `${record.expires || "never"} (the store deletes it then)` : "none");
  text("[data-record-data]", record ? JSON.stringify(record.data, null, 2) : "(no record)");
  text("[data-record-format]", record ? `${state.store}: ${record.format}.` : "");
  text("[data-record-raw]", record ? record.raw.match(/.{1,64}/g).join("\n") : "");
  text("[data-store]", state.store);
  for (const input of document.querySelectorAll('input[name="csrf_token"]')) input.value = state.csrf_token;
  setWhoami("session", state.user);
  startCountdown(state.timeouts);
  return state;
}

function startCountdown(timeouts) {
  clearInterval(countdown);
  const node = $("[data-countdown]");
  if (!node) return;
  if (!timeouts) {
    node.textContent = "Signed out: no clocks are running.";
    return;
  }
  let { idle_left: idle, absolute_left: absolute } = timeouts;
  const render = () => {
    node.textContent = `${timeouts.profile} timeouts: the idle timeout ends this session in ${idle} s without a request, the absolute one in ${absolute} s whatever happens.`;
  };
  render();
  countdown = setInterval(() => {
    idle = Math.max(0, idle - 1);
    absolute = Math.max(0, absolute - 1);
    render();
    if (idle === 0 || absolute === 0) {
      clearInterval(countdown);
      node.textContent = "Time is up: the next request finds the session ended on the server.";
      send(WIRE, "/session/protected").then(({ response, data }) => {
        node.textContent = `GET /session/protected → ${response.status}: ${summary(data)}`;
        refreshRecord();
      });
    }
  }, 1000);
}

// --- 1. Sign in by JSON, 3. use the session ---------------------------------------------------

async function jsonLogin() {
  const form = $("[data-login-form]");
  const body = {
    username: form.elements.username.value,
    password: form.elements.password.value,
    timeouts: form.elements.timeouts.value,
    remember: form.elements.remember.checked,
  };
  const { response, data } = await send(WIRE, "/session/login", { method: "POST", json: body });
  verdict($("[data-call-result]"), response.ok, `POST /session/login → ${response.status}: ${summary(data)}`);
  await refreshRecord();
}

async function call(button) {
  const [method, url] = button.dataset.call.split(" ");
  const { response, data } = await send(WIRE, url, { method });
  const node = $("[data-call-result]");
  node.textContent = `${method} ${url} → ${response.status}: ${summary(data)}`;
  node.className = `verdict-line ${response.ok ? "ok" : "bad"}`;
  await refreshRecord();
}

function renderSteps(list, steps) {
  list.replaceChildren();
  for (const step of steps) {
    const item = document.createElement("li");
    verdict(item, step.expected, `${step.label} → ${step.status ?? "no answer"}: ${summary(step.body)}`);
    list.append(item);
    if (step.record) show(WIRE, step.record);
  }
}

async function replay() {
  const response = await fetch("/session/lab/replay", {
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

// --- 5. Flask's default session: a signed cookie, readable by anyone --------------------------

let signedCookie = null;

function b64urlDecode(part) {
  const padded = part.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (part.length % 4)) % 4);
  return new TextDecoder().decode(Uint8Array.from(atob(padded), (c) => c.charCodeAt(0)));
}

function b64urlEncode(textValue) {
  const bytes = new TextEncoder().encode(textValue);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function showClientCookie() {
  const response = await fetch("/session/lab/client-cookie", { headers: { Accept: "application/json" } });
  const data = await response.json();
  signedCookie = data;
  const value = $("[data-client-value]");
  value.replaceChildren();
  for (const [part, cls] of [["payload", "tok-payload"], ["timestamp", "tok-header"], ["signature", "tok-signature"]]) {
    const span = document.createElement("span");
    span.className = cls;
    span.title = part;
    span.textContent = data.parts[part];
    if (value.childNodes.length) value.append(".");
    value.append(span);
  }
  value.hidden = false;
  text("[data-client-decoded]", JSON.stringify(data.decoded, null, 2));
  $("[data-forge]").disabled = data.cookie.startsWith(".");
}

async function verifyCookie(cookie) {
  const response = await fetch("/session/lab/client-cookie/verify", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ cookie }),
  });
  return response.json();
}

async function forge() {
  const { payload, timestamp, signature } = signedCookie.parts;
  const data = JSON.parse(b64urlDecode(payload));
  data.user = "mallory";
  data.role = "admin";
  const forged = [b64urlEncode(JSON.stringify(data)), timestamp, signature].join(".");
  const original = await verifyCookie(signedCookie.cookie);
  const edited = await verifyCookie(forged);
  const node = $("[data-forge-result]");
  verdict(
    node,
    original.valid && !edited.valid,
    `The original cookie: ${original.valid ? "accepted" : "refused"}. The edited one (${JSON.stringify(data)}, same signature): ${edited.valid ? "accepted" : `refused (${edited.reason})`}.`,
  );
}

// --- 6. Attack bench: the "injected" script, and guessing counted ids -------------------------

async function injectedScript() {
  const cookies = document.cookie;
  const { response } = await send(WIRE, "/session/note", { method: "POST", json: { note: "written by the injected script" } });
  text(
    "[data-xss-result]",
    [
      `document.cookie = ${JSON.stringify(cookies)}`,
      cookies.includes("naive_sid=") ? "  The naive twin's id is readable: the script can send it anywhere." : "  (sign in on the naive twin to see its readable id here)",
      "  The real session cookie is not in it: HttpOnly.",
      `POST /session/note from the same script → ${response.status}`,
      response.ok
        ? "  ...and it worked: the browser attached the HttpOnly cookie. HttpOnly stops theft, not the XSS."
        : "  (sign in above first: then this request succeeds, HttpOnly or not)",
    ].join("\n"),
  );
  await refreshRecord();
}

async function naiveLogin(username, password) {
  // credentials: "omit": a browser of its own, with no cookie, so the twin counts a new id.
  const response = await fetch("/vulnerable/session/login", {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    headers: { Accept: "application/json" },
    credentials: "omit",
  });
  return response.json();
}

async function guessNeighbours() {
  const out = $("[data-guess-result]");
  const alice = await naiveLogin("alice", "wonderland");
  const mallory = await naiveLogin("bob", "thebuilder");
  const lines = [
    `alice signs in on her laptop: the naive twin gives her id ${alice.sid}`,
    `Mallory signs in as bob on hers: id ${mallory.sid}`,
  ];
  for (let n = Number(mallory.sid) - 1; n >= Math.max(1, Number(mallory.sid) - 2); n -= 1) {
    const other = await (await fetch(`/vulnerable/session/whoami?sid=${n}`, { credentials: "omit" })).json();
    lines.push(`Mallory tries id ${n} → ${other.user ? `signed in as ${other.user}: taken over` : "nobody"}`);
  }
  lines.push("Real ids are 256 random bits: there is no neighbour to guess (2^256 possibilities).");
  out.textContent = lines.join("\n");
}

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

function on(selector, handler) {
  for (const node of document.querySelectorAll(selector)) node.addEventListener("click", () => handler(node));
}

on("[data-json-login]", jsonLogin);
on("[data-call]", call);
on("[data-replay]", replay);
on("[data-refresh-record]", refreshRecord);
on("[data-client-cookie]", showClientCookie);
on("[data-forge]", forge);
on("[data-xss]", injectedScript);
on("[data-guess]", guessNeighbours);
on("[data-scale]", scale);
refreshRecord();
