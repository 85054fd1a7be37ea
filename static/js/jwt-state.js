// The JWT lab's memory: where this page keeps its tokens (JWT-7: in memory, never in the URL or
// in localStorage). Reload the page and they are gone, by design.

import { $ } from "./dom.js";

export const state = {
  username: null,
  access: null,
  refresh: null,
  previousRefresh: null, // the refresh token used up by the last refresh (for the replay demo)
  revoked: null, // the access token revoked by the last logout (for the replay demo)
  // Who the HttpOnly cookie names (cookie mode): the server put it in the header badge.
  cookieUser: initialCookieUser(),
};

function initialCookieUser() {
  const badge = $('[data-whoami="jwt"]');
  return badge && badge.closest(".badge").classList.contains("on") ? badge.textContent.trim() : null;
}

const listeners = new Set();

export function onChange(listener) {
  listeners.add(listener);
}

export function update(changes) {
  Object.assign(state, changes);
  for (const listener of listeners) listener(state);
}

export function bearer(token) {
  return { Authorization: `Bearer ${token}` };
}
