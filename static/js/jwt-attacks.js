// The attack bench: forge a token (as bob), send it to the naive verifier and to the real one,
// show both verdicts. The forging happens on the attacker's workbench (vulnerable/jwt_bench.py,
// one forger per attack in vulnerable/jwt_attacks.py), never on the naive server itself.

import { $, el, on, url } from "./dom.js";
import { decode } from "./jwt-token.js";
import { send } from "./wire.js";

function verdict(cell, response, data) {
  const accepted = response.ok;
  cell.replaceChildren();
  const tag = document.createElement("span");
  tag.className = `verdict ${accepted ? "fail" : "pass"}`;
  tag.textContent = accepted ? `${response.status}: fell for it` : `${response.status}: refused`;
  cell.append(tag, ` ${(data && (data.error || data.message)) || ""}`);
}

// A forged token, decoded as anyone can decode it (no key needed): what the attacker sent.
function decodedToken(title, token) {
  const { parts, header, payload } = decode(token);
  const json = (value) => (value === null ? "(not JSON)" : JSON.stringify(value, null, 2));
  const signature = parts[2] ? `signature: ${parts[2].length} characters` : "signature: none (empty)";
  return el(
    "div",
    { class: "forged-token" },
    el("h3", {}, title),
    el("h4", {}, "Header"),
    el("pre", { class: "decoded tok-header", tabindex: "0" }, json(header)),
    el("h4", {}, "Payload"),
    el("pre", { class: "decoded tok-payload", tabindex: "0" }, json(payload)),
    el("p", { class: "tok-signature" }, signature),
  );
}

function showForged(attack, data) {
  const row = $(`[data-forged="${attack}"]`);
  const tokens = el("div", { class: "columns two" }, decodedToken("Sent to the naive verifier", data.naive_token), decodedToken("Sent to this app", data.real_token));
  row.querySelector("[data-forged-tokens]").replaceChildren(el("details", { open: "" }, el("summary", {}, "The two forged tokens, decoded"), tokens));
  row.hidden = false;
}

// The bench's panel shows the last attack's exchanges only: ten attacks' worth is a wall.
function clearPanel(id) {
  document.getElementById(id)?.querySelector(".wire-list")?.replaceChildren();
}

// LAB-3: the workbench holds no account and no key of the real app. Bob signs in to the real
// API himself, with his own password and through its throttle, and brings his tokens to be
// edited. For "expired" he asks for a 5-second token and waits until it is past its exp.
async function bobsTokens(wire, attack) {
  const expiring = attack === "expired";
  const { response, data } = await send(wire, url("/jwt/login"), {
    method: "POST",
    json: { username: "bob", password: "thebuilder", ...(expiring ? { lifetime: 5 } : {}) },
  });
  if (!response.ok) throw new Error(`bob's sign-in at /jwt/login: ${response.status} ${(data && data.error) || ""}`);
  if (expiring) {
    $("[data-bench-note]").textContent = "Waiting 6 s for bob's 5-second token to expire…";
    await new Promise((resolve) => setTimeout(resolve, 6000));
  }
  const jwks = attack === "alg-confusion" ? await (await fetch(url("/jwt/.well-known/jwks.json"))).json() : undefined;
  return { access_token: data.access_token, refresh_token: data.refresh_token, jwks };
}

async function run(attack, wire) {
  const row = $(`[data-attack="${attack}"]`);
  clearPanel(wire);
  let tokens;
  try {
    tokens = await bobsTokens(wire, attack);
  } catch (error) {
    $("[data-bench-note]").textContent = error.message;
    return;
  }
  const forged = await fetch(url("/vulnerable/jwt/forge"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ attack, token: $("#foreign-token").value.trim(), ...tokens }),
  });
  const data = await forged.json();
  if (!forged.ok) {
    $("[data-bench-note]").textContent = data.error;
    return;
  }
  showForged(attack, data);
  const naive = await send(wire, url(`/vulnerable/jwt/${data.target}`), { headers: { Authorization: `Bearer ${data.naive_token}` } });
  verdict(row.querySelector("[data-naive]"), naive.response, naive.data);
  const real = await send(wire, url(`/jwt/${data.target}`), { headers: { Authorization: `Bearer ${data.real_token}` } });
  verdict(row.querySelector("[data-real]"), real.response, real.data);
  const { why, ...results } = data.notes || {};
  const notes = Object.entries(results).map(([who, note]) => `${who}: ${note}.`);
  $("[data-bench-note]").textContent = [why, ...notes].join(" ");
}

export function init(wire) {
  on("[data-attack-run]", (button) => run(button.dataset.attackRun, wire));
}
