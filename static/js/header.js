// The header's "who is signed in" badges. The server fills them on every page; a lab that
// signs in without a page load (a JWT kept in memory) updates its badge with setWhoami().

import { $ } from "./dom.js";

export function setWhoami(mechanism, username) {
  const label = $(`[data-whoami="${mechanism}"]`);
  if (!label) return;
  label.textContent = username || "signed out";
  const badge = label.closest(".badge");
  badge.classList.toggle("on", Boolean(username));
  badge.classList.toggle("off", !username);
}
