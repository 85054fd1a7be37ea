// The contrast: Flask's default session keeps the data itself in a signed cookie on the client.
// Anyone can read it (base64url and JSON, no key needed); only the key holder can change it. The
// page edits the payload and keeps the signature; the server (blueprints/session/lab.py) refuses it.

import { fromText, toBytes, toText } from "./b64url.js";
import { $, on, text, url } from "./dom.js";
import { verdict } from "./session-report.js";

// --- 5. Flask's default session: a signed cookie, readable by anyone --------------------------

let signedCookie = null;

async function showClientCookie() {
  const response = await fetch(url("/session/lab/client-cookie"), { headers: { Accept: "application/json" } });
  const data = await response.json();
  signedCookie = data;
  const value = $("[data-client-value]");
  value.replaceChildren();
  for (const [part, cls] of [["payload", "tok-payload"], ["timestamp", "tok-header"], ["signature", "tok-signature"]]) {
    const span = document.createElement("span");
    span.className = cls;
    span.title = part;
    span.textContent = data.parts[part];
    if (value.childNodes.length) value.append(".");
    value.append(span);
  }
  value.hidden = false;
  text("[data-client-decoded]", JSON.stringify(data.decoded, null, 2));
  $("[data-forge]").disabled = false;
}

// A leading "." marks a payload itsdangerous compressed with zlib because that was shorter
// (a signed-out user's {"user": null, "role": null, ...} repeats itself): still no secret, the
// browser's own DecompressionStream reads it.
async function readPayload(payload) {
  if (!payload.startsWith(".")) return JSON.parse(toText(payload));
  const inflated = new Blob([toBytes(payload.slice(1))]).stream().pipeThrough(new DecompressionStream("deflate"));
  return JSON.parse(await new Response(inflated).text());
}

async function verifyCookie(cookie) {
  const response = await fetch(url("/session/lab/client-cookie/verify"), {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ cookie }),
  });
  return response.json();
}

async function forge() {
  const { payload, timestamp, signature } = signedCookie.parts;
  const data = await readPayload(payload);
  data.user = "mallory";
  data.role = "admin";
  const forged = [fromText(JSON.stringify(data)), timestamp, signature].join(".");
  const original = await verifyCookie(signedCookie.cookie);
  const edited = await verifyCookie(forged);
  const node = $("[data-forge-result]");
  verdict(
    node,
    original.valid && !edited.valid,
    `The original cookie: ${original.valid ? "accepted" : "refused"}. The edited one (${JSON.stringify(data)}, same signature): ${edited.valid ? "accepted" : `refused (${edited.reason})`}.`,
  );
}

export function init() {
  on("[data-client-cookie]", showClientCookie);
  on("[data-forge]", forge);
}
