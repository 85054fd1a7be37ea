// Highlight the lines named in the address (#L12 or #L12-L30) and bring them into view.

function highlight() {
  for (const line of document.querySelectorAll(".line.hl")) line.classList.remove("hl");
  const match = /^#L(\d+)(?:-L(\d+))?$/.exec(window.location.hash);
  if (!match) return;
  const first = Number(match[1]);
  const last = Number(match[2] || match[1]);
  for (let n = first; n <= last; n += 1) document.getElementById(`L${n}`)?.classList.add("hl");
  document.getElementById(`L${first}`)?.scrollIntoView({ block: "center" });
}

window.addEventListener("hashchange", highlight);
if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", highlight);
else highlight();
