// The TV page's timer: poll /oauth/device/poll at the interval the provider asked for, show
// each answer (and its exchange on the wire panel), and "Poll too fast" to see slow_down.
// The polls themselves are made by this app's server (blueprints/oauth/device.py): the
// device_code never reaches this page. Without script, "Poll once now" is a plain form.

import { $, el, text } from "./dom.js";
import { show } from "./wire.js";

const root = $("[data-device]");
let timer = null;
let stopped = false;
let interval = root ? Number(root.dataset.interval) : 5;

function secondsLeft() {
  return Math.max(0, Math.round(Number(root.dataset.expiresAt) - Date.now() / 1000));
}

function mark(hop) {
  const node = $(`[data-hop="${hop}"]`);
  if (!node) return;
  node.classList.replace("waiting", "done");
  const said = node.querySelector("[data-hop-state]");
  if (said) said.textContent = "done";
}

function addRow(poll) {
  $("[data-device-polls]").append(
    el("tr", {}, el("td", {}, String(poll.n)), el("td", {}, el("code", {}, poll.status), poll.detail ? ` ${poll.detail}` : ""), el("td", {}, `${poll.interval} s`)),
  );
}

// One poll through the app. `fast` says the learner pressed "Poll too fast": the same request,
// sent before the interval is up.
async function poll(fast) {
  clearTimeout(timer);
  const response = await fetch(root.dataset.pollUrl, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ fast: Boolean(fast) }),
    credentials: "same-origin",
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) {
    text("[data-device-status]", answer.description || `The app answered ${response.status}.`);
    if (response.status === 429) schedule();
    return;
  }
  for (const record of answer.wire || []) show("wire-poll", record);
  addRow(answer);
  interval = answer.interval;
  text("[data-device-interval]", String(interval));
  const grew = answer.interval > answer.interval_before ? ` The interval is now ${answer.interval} s.` : "";
  text("[data-device-status]", `Poll ${answer.n}: ${answer.explanation}${grew}`);
  mark(answer.status === "slow_down" ? "slow_down" : "pending");
  if (answer.finished) {
    // The tokens and the user API are drawn by the server: show the page again, at step 4.
    window.location.assign(`${window.location.pathname}#step-tokens`);
    window.location.reload();
    return;
  }
  schedule();
}

// RFC 8628 §3.5: wait `interval` seconds between polls, the current interval (slow_down
// makes it longer). Expired codes are not polled any more.
function schedule() {
  clearTimeout(timer);
  if (stopped || secondsLeft() === 0) return;
  timer = setTimeout(() => poll(false).catch(failed), interval * 1000);
}

function failed(error) {
  text("[data-device-status]", `The poll failed: ${error.message}. Is the app running?`);
}

function tick() {
  const left = secondsLeft();
  text("[data-device-expiry]", left ? `${left} s` : "0 s: expired. Start again.");
  if (left) setTimeout(tick, 1000);
  else clearTimeout(timer);
}

function init() {
  if (!root || root.dataset.finished) return;
  const fast = $("[data-device-fast]");
  const toggle = $("[data-device-toggle]");
  $("[data-device-script-only]").hidden = false;
  $("[data-device-controls]").addEventListener("submit", (event) => {
    event.preventDefault();
    poll(false).catch(failed);
  });
  fast.addEventListener("click", () => poll(true).catch(failed));
  toggle.addEventListener("click", () => {
    stopped = !stopped;
    toggle.textContent = stopped ? "Resume polling" : "Stop polling";
    if (stopped) clearTimeout(timer);
    else schedule();
  });
  tick();
  schedule();
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
else init();
