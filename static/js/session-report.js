// How the session lab reports what happened: a verdict beside a result, a one-line summary of
// what the server answered, and a list of steps whose exchanges go to the wire panel.

import { show } from "./wire.js";

// The lab's wire panel (templates/macros/wire.html): every request the page sends shows there.
export const WIRE = "session-wire";

export function verdict(node, ok, message) {
  node.replaceChildren();
  const tag = document.createElement("span");
  tag.className = `verdict ${ok ? "pass" : "fail"}`;
  tag.textContent = ok ? "as expected" : "unexpected";
  node.append(tag, ` ${message}`);
}

export function summary(data) {
  if (data === null || data === undefined) return "";
  if (typeof data === "string") return data;
  if ("instance" in data && "user" in data) {
    return `the ${data.instance} ${data.user ? `knows the session: ${data.user}` : "knows nobody"} (${data.store || "its own store"})`;
  }
  return data.message || data.description || data.error || JSON.stringify(data);
}

// Steps the server ran for the page (the replay, the scale-out): one verdict each.
export function renderSteps(list, steps) {
  list.replaceChildren();
  for (const step of steps) {
    const item = document.createElement("li");
    verdict(item, step.expected, `${step.label} → ${step.status ?? "no answer"}: ${summary(step.body)}`);
    list.append(item);
    if (step.record) show(WIRE, step.record);
  }
}
