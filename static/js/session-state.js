// The session lab's state lives on the server, not in the page (compare jwt-state.js): the
// browser holds only an id, in an HttpOnly cookie it cannot read. So this module asks the server
// what it holds for that id (GET /session/lab/record) and shows it: the record, the ids this page
// has seen, and the two clocks of the timeouts.

import { $, text, url } from "./dom.js";
import { setWhoami } from "./header.js";
import { summary, WIRE } from "./session-report.js";
import { send } from "./wire.js";

const seenIds = [];
let countdown = null;

// --- 2. What the server holds ---------------------------------------------------------------

export async function refreshRecord() {
  const response = await fetch(url("/session/lab/record"), { headers: { Accept: "application/json" } });
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

// --- 4. Timeouts: both clocks counted down here, enforced on the server ------------------------

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
      send(WIRE, url("/session/protected")).then(({ response, data }) => {
        node.textContent = `GET /session/protected → ${response.status}: ${summary(data)}`;
        refreshRecord();
      });
    }
  }, 1000);
}
