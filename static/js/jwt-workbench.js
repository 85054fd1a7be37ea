// The token workbench's page script (templates/jwt/workbench.html): decode a token into its
// header and payload, edit them, then sign and verify through the server's JSON API
// (POST /jwt/workbench/keys, /sign, /verify: blueprints/jwt/workbench.py). Tokens and keys
// travel in POST bodies, never in a URL. Decoding needs no key and no server.

import { toText } from "./b64url.js";
import { $, el, on, text, url } from "./dom.js";
import { claimRows } from "./jwt-claims.js";
import { coloured } from "./jwt-token.js";

const token = $("#wb-token");
const header = $("#wb-header");
const payload = $("#wb-payload");
const alg = $("#wb-alg");
const signKind = $("#wb-sign-kind");
const signKey = $("#wb-sign-key");
const verifyKind = $("#wb-verify-kind");
const verifyKey = $("#wb-verify-key");

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ error: `${response.status} ${response.statusText}` }));
  return { ok: response.ok, status: response.status, answer };
}

function refusal({ status, answer }) {
  return `${status}: ${answer.error}${answer.description && answer.description !== answer.error ? ` (${answer.description})` : ""}`;
}

function status(selector, message, ok) {
  const node = $(selector);
  node.textContent = message;
  node.classList.toggle("ok", ok === true);
  node.classList.toggle("bad", ok === false);
}

// ### 1 and 2: the token, and its header and payload as JSON

function showToken(value) {
  const shown = $("[data-wb-coloured]");
  shown.replaceChildren(...coloured(value));
  shown.hidden = !value;
}

function decode() {
  const parts = token.value.trim().replace(/^Bearer\s+/i, "").split(".");
  if (parts.length !== 3) return status("[data-wb-token-status]", `${parts.length} part(s) separated by dots, not 3: not a JWT`, false);
  try {
    const [head, body] = parts.slice(0, 2).map((part) => JSON.parse(toText(part)));
    header.value = JSON.stringify(head, null, 2);
    payload.value = JSON.stringify(body, null, 2);
  } catch {
    return status("[data-wb-token-status]", "The header or the payload is not base64url-encoded JSON", false);
  }
  showToken(parts.join("."));
  edited();
  if (ALGORITHMS.has(JSON.parse(header.value).alg)) alg.value = JSON.parse(header.value).alg;
  status("[data-wb-token-status]", "Decoded, without any key and without trusting it: nothing here is verified yet.", true);
}

const ALGORITHMS = new Set([...alg.options].map((option) => option.value));

// The header and payload as objects, or a message saying which one is not a JSON object.
function parsed() {
  const objects = {};
  for (const [name, area] of [["header", header], ["payload", payload]]) {
    try {
      objects[name] = JSON.parse(area.value);
    } catch (error) {
      return { problem: `The ${name} is not JSON: ${error.message}` };
    }
    if (typeof objects[name] !== "object" || objects[name] === null || Array.isArray(objects[name])) {
      return { problem: `The ${name} must be a JSON object ({...})` };
    }
  }
  return objects;
}

function edited() {
  const { problem, payload: claims } = parsed();
  status("[data-wb-json-status]", problem || "", problem ? false : undefined);
  if (!problem) claimRows($("[data-wb-claims]"), claims);
}

// The algorithm menu writes the header's alg (as jwt.io's does), and suggests the kind of key.
function chooseAlgorithm() {
  const { problem, header: head } = parsed();
  if (!problem) header.value = JSON.stringify({ ...head, alg: alg.value }, null, 2);
  signKind.value = alg.value.startsWith("HS") ? "secret" : "jwk";
  edited();
}

// ### 3: sign

async function generate() {
  status("[data-wb-sign-status]", `Generating a ${alg.value} key…`);
  const result = await post(url("/jwt/workbench/keys"), { alg: alg.value });
  if (!result.ok) return status("[data-wb-sign-status]", refusal(result), false);
  const made = result.answer;
  if (made.secret) {
    signKind.value = verifyKind.value = "secret";
    signKey.value = verifyKey.value = made.secret;
  } else {
    signKind.value = verifyKind.value = "jwk";
    signKey.value = JSON.stringify(made.private_jwk, null, 2);
    verifyKey.value = JSON.stringify(made.public_jwk, null, 2);
  }
  keyFieldState();
  const kid = made.kid ? ` Its kid (RFC 7638 thumbprint) is ${made.kid}: put it in the header to pick it from a JWK Set.` : "";
  status("[data-wb-sign-status]", `A new ${made.alg} key, made for this answer and kept nowhere but this page.${kid} The verify box holds its public half.`, true);
}

function keySpec(kind, value) {
  if (kind === "app" || kind === "provider") return { builtin: kind };
  return { [kind]: value };
}

async function sign(event) {
  event.preventDefault();
  const objects = parsed();
  if (objects.problem) return status("[data-wb-sign-status]", objects.problem, false);
  const result = await post(url("/jwt/workbench/sign"), { header: objects.header, payload: objects.payload, key: keySpec(signKind.value, signKey.value) });
  const warnings = $("[data-wb-warnings]");
  warnings.replaceChildren();
  warnings.hidden = true;
  if (!result.ok) return status("[data-wb-sign-status]", `Not signed: ${refusal(result)}`, false);
  token.value = result.answer.token;
  showToken(result.answer.token);
  status("[data-wb-sign-status]", `Signed with ${result.answer.alg} and ${result.answer.key}. The token above is new.`, true);
  warnings.append(...result.answer.warnings.map((warning) => el("li", {}, el("span", { class: "verdict fail" }, "weak"), ` ${warning}`)));
  warnings.hidden = result.answer.warnings.length === 0;
}

// ### 4 and 5: verify, and show every check

function keyFieldState() {
  const builtin = verifyKind.value === "app" || verifyKind.value === "provider";
  verifyKey.disabled = builtin;
  if (builtin) verifyKey.value = "";
}

function checks(list, name) {
  const items = list.map((check) =>
    el("li", {}, el("span", { class: `verdict ${check.verdict}` }, check.verdict), " ", el("strong", {}, check.check), `: ${check.detail}`),
  );
  return el("ol", { class: "checks", [name]: "" }, ...items);
}

function lesson(result) {
  const [yours, app] = [result.signature.valid, result.app.accepted];
  if (yours && !app) {
    return "Your key verifies this token, yet this app refuses it: it checks the signature with its own keys, the one check a forger cannot pass. Every other rule is only as good as the signature before it.";
  }
  if (!yours && app) return "This app accepts the token with its own key; the key you chose is not that key. Which key verifies is the whole question.";
  if (!yours) return "The signature does not verify with this key: no claim of this token can be believed, whatever it says.";
  return "This key verifies the token, and so does this app's verifier: the token is this app's, and the key you chose is its key (or, from a JWKS, its public half, which verifies and cannot sign).";
}

function render(result) {
  const signature = result.signature;
  const failed = signature.checks.find((check) => check.verdict === "fail");
  const signatureLine = signature.valid ? `Signature valid, with ${signature.key}` : `Signature refused at the ${failed.check} check: ${failed.detail}`;
  $("[data-wb-result]").replaceChildren(
    el("h3", {}, "The signature, with your key"),
    checks(signature.checks, "data-wb-signature"),
    el("p", { class: `final ${signature.valid ? "ok" : "bad"}`, "data-wb-signature-final": "" }, signatureLine),
    el("h3", {}, "This app's other rules, each on its own"),
    checks(result.rules, "data-wb-rules"),
    el("h3", {}, "This app's verifier, with its own keys"),
    el("p", { class: `final ${result.app.accepted ? "ok" : "bad"}`, "data-wb-app-final": "" }, `${result.app.accepted ? "Accepted" : "Refused"}: ${result.app.reason}`),
    el("p", { class: "lesson", "data-wb-lesson": "" }, lesson(result)),
  );
}

async function verify(event) {
  event.preventDefault();
  status("[data-wb-verify-status]", "Verifying…");
  const result = await post(url("/jwt/workbench/verify"), { token: token.value, key: keySpec(verifyKind.value, verifyKey.value) });
  if (!result.ok) return status("[data-wb-verify-status]", `Not verified: ${refusal(result)}`, false);
  status("[data-wb-verify-status]", `Verified with ${result.answer.signature.key}: every check is below.`, true);
  render(result.answer);
}

$("[data-wb-decode-form]").addEventListener("submit", (event) => {
  event.preventDefault();
  decode();
});
$("[data-wb-json-form]").addEventListener("submit", (event) => event.preventDefault());
$("[data-wb-sign-form]").addEventListener("submit", sign);
$("[data-wb-verify-form]").addEventListener("submit", verify);
// An edit makes new bytes: the token above still carries the old ones until it is signed again.
function editedByHand() {
  edited();
  if (!parsed().problem && token.value) status("[data-wb-json-status]", "Edited: the token above still carries the old header and payload. Sign to make a token of these.");
}

header.addEventListener("input", editedByHand);
payload.addEventListener("input", editedByHand);
alg.addEventListener("change", chooseAlgorithm);
verifyKind.addEventListener("change", keyFieldState);
on("[data-wb-generate]", generate);
edited();
text("[data-wb-token-status]", "Paste a token and decode it, or start from the example header and payload below.");
