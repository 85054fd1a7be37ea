// Mallory picks a fresh id for each visit and writes it into the links she hands out.
const id = `mallory-${Math.random().toString(36).slice(2, 10)}`;
for (const node of document.querySelectorAll("[data-planted-id]")) node.textContent = id;
for (const link of document.querySelectorAll("[data-fixation-link]")) {
  const url = new URL(link.href);
  url.searchParams.set("sid", id);
  link.href = url.toString();
  link.textContent = url.toString();
}
