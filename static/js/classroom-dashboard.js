// The instructor's dashboard, live: every five seconds, the class's state as JSON, into the table.
// Text only (textContent): a display name is whatever a student typed, never markup.
const table = document.querySelector("[data-dashboard]");
const count = document.querySelector("[data-count]");

function cell(row, name, value) {
  const node = row.querySelector(`[data-${name}]`);
  if (node && node.textContent !== value) node.textContent = value;
}

function exercises(list) {
  return list.length ? list.map((e) => `#${e.exercise} ${e.passed}/${e.checks}`).join(", ") : "—";
}

async function refresh() {
  const answer = await fetch(table.dataset.stateUrl, { headers: { Accept: "application/json" } });
  if (!answer.ok) return;
  const state = await answer.json();
  const known = new Set(state.students.map((s) => s.handle));
  const rows = [...table.tBodies[0].rows].filter((row) => row.dataset.student);
  const missing = state.students.some((s) => !table.querySelector(`[data-student="${s.handle}"]`));
  if (missing || rows.some((row) => !known.has(row.dataset.student))) {
    window.location.reload(); // someone joined or left: the server renders the rows and their forms
    return;
  }
  count.textContent = String(state.students.length);
  for (const student of state.students) {
    const row = table.querySelector(`[data-student="${student.handle}"]`);
    cell(row, "solved-count", String(student.solved.length));
    cell(row, "solved", student.solved.map((c) => c.title).join(", ") || "—");
    cell(row, "hints", String(student.hints));
    cell(row, "exercises", exercises(student.exercises));
    cell(row, "last-seen", student.last_seen.slice(0, 16).replace("T", " "));
  }
}

if (table) setInterval(() => refresh().catch(() => {}), 5000);
