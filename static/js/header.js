// The header's "who is signed in" badges. The server fills them on every page; a lab that
// signs in without a page load (a JWT kept in memory) updates its badge with setWhoami().

import { $ } from "./dom.js";

export function setWhoami(mechanism, username) {
  const label = $(`[data-whoami="${mechanism}"]`);
  if (!label) return;
  label.textContent = username || "signed out";
  const badge = label.closest(".badge");
  badge.classList.remove("unknown");
  badge.classList.toggle("on", Boolean(username));
  badge.classList.toggle("off", !username);
}

// A page that answers another site's form post was sent without this app's cookies (they are
// SameSite=Lax), so its server could not tell who is signed in, and its badges say "cookie not
// sent" (came_from.py). Asked again from this page, which is the app's own origin, the browser
// sends the cookies: the badges then show the truth instead of a "signed out" that is not.
async function recheck() {
  const root = $("[data-whoami-recheck]");
  if (!root) return;
  try {
    const response = await fetch(root.dataset.whoamiRecheck, { headers: { Accept: "application/json" }, credentials: "same-origin" });
    if (!response.ok) return;
    const who = await response.json();
    for (const mechanism of ["jwt", "session", "oauth"]) setWhoami(mechanism, who[mechanism]);
    root.removeAttribute("data-whoami-recheck");
    root.dataset.whoamiRechecked = "";
  } catch {
    // The app did not answer: the badges keep saying that this page could not see.
  }
}

recheck();
