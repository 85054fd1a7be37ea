// Mallory picks one id and writes it into every link she hands out. The victim follows link 1
// and signs in; Mallory then follows link 3 with the same id. This page is never cached
// (Cache-Control: no-store), so Back and reload run this script again: the id it picked is kept
// in the address bar (#sid=...) and in this tab's sessionStorage, both on the attacker's own
// origin, so that link 3, followed after Back, still asks about the id the victim was given.
const KEY = "session-fixation-planted-id";
const SHAPE = /^mallory-[a-z0-9]{8}$/; // only an id this script made: nothing else is written into links

function freshId() {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return `mallory-${Array.from(bytes, (b) => "abcdefghijklmnopqrstuvwxyz0123456789"[b % 36]).join("")}`;
}

function keptId() {
  const inUrl = new URLSearchParams(location.hash.slice(1)).get("sid");
  if (inUrl && SHAPE.test(inUrl)) return inUrl;
  const stored = sessionStorage.getItem(KEY);
  return stored && SHAPE.test(stored) ? stored : null;
}

function plant(id) {
  sessionStorage.setItem(KEY, id);
  history.replaceState(null, "", `${location.pathname}${location.search}#sid=${id}`);
  for (const node of document.querySelectorAll("[data-planted-id]")) node.textContent = id;
  for (const link of document.querySelectorAll("[data-fixation-link]")) {
    const url = new URL(link.href);
    url.searchParams.set("sid", id);
    link.href = url.toString();
    link.textContent = url.toString();
  }
}

plant(keptId() || freshId());
// Running the demo again: a new id, which no session has adopted yet.
document.querySelector("[data-new-id]")?.addEventListener("click", () => plant(freshId()));
