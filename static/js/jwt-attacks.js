// The attack bench: forge a token (as bob), send it to the naive verifier and to the real one,
// show both verdicts. The forging happens on the naive server's workbench (vulnerable/naive_jwt.py).

import { send } from "./wire.js";

const $ = (selector) => document.querySelector(selector);

function verdict(cell, response, data) {
  const accepted = response.ok;
  cell.replaceChildren();
  const tag = document.createElement("span");
  tag.className = `verdict ${accepted ? "fail" : "pass"}`;
  tag.textContent = accepted ? `${response.status}: fell for it` : `${response.status}: refused`;
  cell.append(tag, ` ${(data && (data.error || data.message)) || ""}`);
}

async function run(attack, wire) {
  const row = document.querySelector(`[data-attack="${attack}"]`);
  const forged = await fetch("/vulnerable/jwt/forge", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ attack, token: $("#foreign-token").value.trim() }),
  });
  const data = await forged.json();
  if (!forged.ok) {
    $("[data-bench-note]").textContent = data.error;
    return;
  }
  const naive = await send(wire, `/vulnerable/jwt/${data.target}`, { headers: { Authorization: `Bearer ${data.naive_token}` } });
  verdict(row.querySelector("[data-naive]"), naive.response, naive.data);
  const real = await send(wire, `/jwt/${data.target}`, { headers: { Authorization: `Bearer ${data.real_token}` } });
  verdict(row.querySelector("[data-real]"), real.response, real.data);
  const { why, ...results } = data.notes || {};
  const notes = Object.entries(results).map(([who, note]) => `${who}: ${note}.`);
  $("[data-bench-note]").textContent = [why, ...notes].join(" ");
}

export function init(wire) {
  for (const button of document.querySelectorAll("[data-attack-run]")) button.addEventListener("click", () => run(button.dataset.attackRun, wire));
}
