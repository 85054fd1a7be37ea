// Key rotation from the page: the keyring table, rotate (HS256 or RS256), retire a key, and an
// RS256 token verified right here in the browser with nothing but the published JWKS.

import { send } from "./wire.js";
import { bearer, onChange, state } from "./jwt-state.js";
import { toBytes } from "./b64url.js";
import { $, el, on, url } from "./dom.js";
import { decode } from "./jwt-token.js";

function say(text, ok) {
  const node = $("[data-keys-result]");
  node.textContent = text;
  node.classList.toggle("ok", ok === true);
  node.classList.toggle("bad", ok === false);
}

function renderKeyring(keys, wire) {
  const rows = keys.map((key) => {
    const action = el("td");
    if (key.state === "verifying" && key.quiet_from) {
      action.append(el("span", { class: "lab-note" }, `its last token expires by ${new Date(key.quiet_from).toLocaleString()}; retiring it earlier refuses those tokens. `));
    }
    if (key.state === "verifying") {
      const button = el("button", { type: "button", class: "small danger", "data-retire": key.kid }, "Retire");
      button.disabled = !state.access;
      button.addEventListener("click", () => retire(key.kid, wire));
      action.append(button);
    }
    return el("tr", {}, el("td", {}, el("code", {}, key.kid)), el("td", {}, key.alg), el("td", {}, key.state), el("td", {}, new Date(key.created_at).toLocaleString()), action);
  });
  $("[data-keyring]").replaceChildren(...rows);
}

async function reload(wire) {
  const response = await fetch(url("/jwt/api/keys"), { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const data = await response.json();
  renderKeyring(data.keys, wire);
  $("[data-blocklist-size]").textContent = `${data.blocklist_size} entr${data.blocklist_size === 1 ? "y" : "ies"} in ${data.store} right now`;
}

async function rotate(alg, wire) {
  const { response, data } = await send(wire, url("/jwt/api/keys/rotate"), { method: "POST", headers: bearer(state.access), json: { alg } });
  say(response.ok ? `${data.message} Sign in again (or refresh) to get a token signed with it; your current token still works.` : `${response.status}: ${data.error}`, response.ok);
  if (response.ok) renderKeyring(data.keys, wire);
}

async function retire(kid, wire) {
  const { response, data } = await send(wire, url("/jwt/api/keys/retire"), { method: "POST", headers: bearer(state.access), json: { kid } });
  say(response.ok ? `${data.message} Tokens that name ${kid} now get a 401.` : `${response.status}: ${data.error}`, response.ok);
  if (response.ok) renderKeyring(data.keys, wire);
}

// RS256: the signature checks out with the public key alone (WebCrypto, no library, no secret).
async function verifyWithJwks() {
  const { header, parts } = decode(state.access);
  if (header.alg !== "RS256") {
    say(`This token is ${header.alg}: verifying it needs the secret key, which is never published. Rotate to an RS256 key and sign in again.`, false);
    return;
  }
  const jwks = await (await fetch(url("/jwt/.well-known/jwks.json"))).json();
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (!jwk) {
    say(`No public key with kid ${header.kid} in the JWKS (retired?).`, false);
    return;
  }
  const key = await crypto.subtle.importKey("jwk", { kty: jwk.kty, n: jwk.n, e: jwk.e, alg: "RS256", ext: true }, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
  const valid = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, toBytes(parts[2]), new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
  say(valid ? `Signature valid: verified in this browser with the public key ${header.kid} from the JWKS. The browser could not have made it.` : "Signature invalid.", valid);
}

export function init(wire) {
  on("[data-rotate]", (button) => rotate(button.dataset.rotate, wire));
  $("[data-verify-jwks]").addEventListener("click", verifyWithJwks);
  onChange(() => {
    for (const button of document.querySelectorAll("[data-rotate], [data-retire]")) button.disabled = !state.access;
    reload(wire); // the blocklist grows at each logout or family revocation
  });
  reload(wire);
}
