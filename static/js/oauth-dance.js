// The dance page: recompute the PKCE challenge in the browser, so the learner sees that
// code_challenge = BASE64URL(SHA-256(code_verifier)) is nothing more than that.

function base64url(bytes) {
  let text = "";
  for (const byte of new Uint8Array(bytes)) text += String.fromCharCode(byte);
  return btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function checkPkce(box) {
  const output = box.querySelector("[data-pkce-output]");
  if (!window.crypto?.subtle) {
    output.textContent = "(this browser offers no Web Crypto here)";
    return;
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(box.dataset.verifier));
  const computed = base64url(digest);
  const same = computed === box.dataset.challenge;
  output.textContent = `${computed}: ${same ? "the same as the code_challenge sent" : "DIFFERENT from the code_challenge sent"}`;
  output.className = same ? "ok" : "bad";
}

for (const box of document.querySelectorAll("[data-pkce]")) checkPkce(box);
