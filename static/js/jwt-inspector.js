// The token inspector's browser half: sends a token to POST /jwt/api/inspect (in the body, never
// in a URL) and renders the server's verdicts in the shape of templates/jwt/macros.html.

import { $, el, url } from "./dom.js";
import { coloured } from "./jwt-token.js";

export async function inspect(token) {
  const response = await fetch(url("/jwt/api/inspect"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ token }),
  });
  return response.json();
}

export function checksList(result) {
  const list = el("ol", { class: "checks", "data-checks": "" });
  for (const check of result.checks) {
    list.append(el("li", {}, el("span", { class: `verdict ${check.verdict}` }, check.verdict), " ", el("strong", {}, check.check), `: ${check.detail}`));
  }
  const final = el("p", { class: `final ${result.accepted ? "ok" : "bad"}`, "data-final": "" }, `${result.accepted ? "Accepted" : "Refused"}: ${result.reason}`);
  return result.lesson ? [list, final, lesson(result.lesson)] : [list, final];
}

// Another issuer's token (the OAuth lab's id_token): why its refusal is the defence (foreign.py).
function lesson({ title, points }) {
  return el("div", { class: "lesson", "data-lesson": "" }, el("h3", {}, title), el("ul", {}, ...points.map((point) => el("li", {}, point))));
}

function decodedBlock(title, value) {
  return el("div", {}, el("h3", {}, title), el("pre", { class: "decoded", tabindex: "0" }, value === null ? "(could not be decoded)" : JSON.stringify(value, null, 2)));
}

export function render(container, result) {
  const children = [];
  if (result.parts.length === 3) children.push(el("p", { class: "token", "data-inspected-token": "" }, ...coloured(result.parts.join("."))));
  children.push(el("div", { class: "columns two" }, decodedBlock("Header (decoded, not trusted)", result.header), decodedBlock("Payload (decoded, not trusted)", result.payload)));
  children.push(...checksList(result));
  container.replaceChildren(...children);
}

export function init(getCurrentToken) {
  const form = $("[data-inspect-form]");
  const container = $("[data-inspect-result]");
  const textarea = form.querySelector("textarea");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    render(container, await inspect(textarea.value));
  });
  $("[data-inspect-current]").addEventListener("click", async () => {
    textarea.value = getCurrentToken() || "";
    render(container, await inspect(textarea.value));
  });
}
