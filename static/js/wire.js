// The wire panel's browser half. `send()` makes a request and shows it in a panel exactly as
// the server saw it (the server records it when asked with `X-Wire: capture`; see wire/capture.py).
// Plain ES module, no dependencies, no inline script: the CSP forbids those.

import { el, url } from "./dom.js";

// Why the highlighted headers matter, in words a student can read during the demo.
const NOTES = {
  authorization: "Authorization: the credential itself. Whoever holds this value is you until it expires or is revoked.",
  cookie: "Cookie: sent automatically by the browser with every request to this site. That is convenient, and it is why CSRF exists.",
  "set-cookie": "Set-Cookie: the server asks the browser to store a cookie. Read the attributes:",
  "www-authenticate": "WWW-Authenticate: why a bearer token was refused (RFC 6750).",
  "cache-control": "Cache-Control: no-store keeps authenticated answers out of caches and the back button.",
  location: "Location: where the browser goes next (a redirect).",
};

const COOKIE_ATTRIBUTES = {
  httponly: "HttpOnly: page scripts cannot read it (document.cookie does not show it), so an XSS cannot steal it.",
  secure: "Secure: only sent over HTTPS.",
  "samesite=lax": "SameSite=Lax: not sent on cross-site POSTs, fetches or frames; only top-level GET navigations.",
  "samesite=strict": "SameSite=Strict: never sent from another site, not even on a link.",
  "samesite=none": "SameSite=None: sent on every cross-site request (needs Secure): CSRF's favourite.",
  path: "Path: the URL prefix the cookie is sent to.",
  expires: "Expires: a persistent cookie; without it the cookie dies with the browser.",
  "max-age": "Max-Age: lifetime in seconds; 0 deletes the cookie.",
  domain: "Domain: also sent to subdomains. Absent here on purpose: host-only is tighter.",
};

const HIGHLIGHT = { authorization: "hl-auth", cookie: "hl-cookie", "set-cookie": "hl-setcookie" };

// Why the server answered without recording (its X-Wire-Skipped header, see wire/store.py). The
// request itself was served normally: only the record is missing (LAB-1, HDR-7).
const SKIPPED = {
  throttled: "Too many captures from this address in the last minute: the server served the request but did not record it (LAB-1). Wait a moment.",
  "client-limit": "This address already has as many records as the server keeps for one client (LAB-1); they expire after 15 minutes.",
  "store-full": "The server's wire store is full (LAB-1): the request was served, not recorded. Records expire after 15 minutes.",
  "too-large": "This exchange was too large to record (LAB-1).",
  unrecordable: "The server could not make a record of this exchange; the request itself was served.",
  "store-unavailable": "The database was busy, so this exchange was served but not recorded.",
};


function cookieNotes(value) {
  const parts = value.split(";").slice(1).map((p) => p.trim().toLowerCase());
  const notes = [];
  for (const part of parts) {
    const key = part.startsWith("samesite") ? part.replace(/\s/g, "") : part.split("=")[0];
    if (COOKIE_ATTRIBUTES[key]) notes.push(COOKIE_ATTRIBUTES[key]);
  }
  if (!parts.includes("httponly")) notes.push("No HttpOnly: page scripts can read this cookie.");
  return notes;
}

function headerBlock(headers) {
  const box = el("div", { class: "wire-headers" });
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const line = el("div", HIGHLIGHT[key] ? { class: HIGHLIGHT[key] } : {}, `${name}: ${value}`);
    if (NOTES[key]) {
      line.append(el("span", { class: "wire-note" }, NOTES[key]));
      if (key === "set-cookie") {
        for (const note of cookieNotes(value)) line.append(el("span", { class: "wire-note" }, `• ${note}`));
      }
    }
    box.append(line);
  }
  return box;
}

function pretty(body) {
  if (!body) return "";
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

// Render one exchange ({hop, request, response}) in a panel: on top, or last in an in-order
// panel. A record may say who saw it (`seen_by`: the dance's raw hops come from the app and the
// provider) and carry an `anchor`, the id the dance diagram links to.
export function show(panel, record) {
  const target = typeof panel === "string" ? document.getElementById(panel) : panel;
  const { request, response } = record;
  const status = String(response.status);
  const attributes = { class: "wire-item" };
  // tabindex -1: a link to the hop moves the keyboard's focus there, not only the view.
  if (record.anchor) Object.assign(attributes, { id: record.anchor, tabindex: "-1" });
  const heading = el("h3", {}, el("span", { class: "wire-hop" }, record.hop || "browser"));
  if (record.seen_by) heading.append(el("span", { class: "wire-seen" }, record.seen_by));
  heading.append(`${request.method} ${request.url} → `, el("span", { class: `wire-status s${status[0]}` }, status));
  const item = el("li", attributes, heading);
  if (record.note) item.append(el("p", { class: "wire-note" }, record.note));
  item.append(el("h4", {}, "Request headers"), headerBlock(request.headers || []));
  // A body scrolls past its max-height: tabindex lets the keyboard reach it and scroll it.
  if (request.body) item.append(el("h4", {}, "Request body"), el("pre", { class: "wire-body", tabindex: "0" }, pretty(request.body)));
  item.append(el("h4", {}, "Response headers"), headerBlock(response.headers || []));
  if (response.body) item.append(el("h4", {}, "Response body"), el("pre", { class: "wire-body", tabindex: "0" }, pretty(response.body)));
  target.querySelector(".wire-empty")?.setAttribute("hidden", "");
  target.querySelector(".wire-list").append(item);
  return item;
}

// Make a request and show it. Returns {response, data} where data is parsed JSON or text.
export async function send(panel, address, { method = "GET", headers = {}, json, body, credentials = "same-origin" } = {}) {
  const init = { method, headers: { ...headers, "X-Wire": "capture", Accept: "application/json" }, credentials };
  if (json !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  const response = await fetch(address, init);
  const text = await response.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  const id = response.headers.get("X-Wire-Id");
  let record = null;
  if (id && panel) {
    const recorded = await fetch(url(`/wire/${encodeURIComponent(id)}`), { headers: { Accept: "application/json" } });
    if (recorded.ok) record = await recorded.json();
  }
  if (!record) {
    // Not recorded by this server (another origin, or a bound reached): show what the browser
    // itself can see, and why the server kept no record.
    const skipped = response.headers.get("X-Wire-Skipped");
    record = {
      hop: "browser (as the page sees it)",
      note: skipped ? SKIPPED[skipped] || `Not recorded by the server: ${skipped}.` : "",
      // A body the server declined to record is not shown either: it may hold a password.
      request: { method, url: address, headers: Object.entries(init.headers), body: skipped ? "" : init.body || "" },
      response: { status: `${response.status} ${response.statusText}`, headers: [...response.headers], body: text },
    };
  }
  if (panel) show(panel, record);
  return { response, data };
}

// Panels wired up on page load: Clear buttons, and exchanges the server embedded as JSON data.
function init() {
  for (const panel of document.querySelectorAll("[data-wire-panel]")) {
    panel.querySelector("[data-wire-clear]")?.addEventListener("click", () => {
      panel.querySelector(".wire-list").replaceChildren();
      panel.querySelector(".wire-empty")?.removeAttribute("hidden");
    });
    const data = panel.querySelector("script[data-wire-records]");
    if (data) for (const record of JSON.parse(data.textContent)) show(panel, record);
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
