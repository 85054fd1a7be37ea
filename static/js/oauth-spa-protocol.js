// The browser app's OAuth client (OAuth 2.0 for Browser-Based Apps): the authorization code
// flow with PKCE, run by page script straight against the provider, as a PUBLIC client (RFC
// 6749 §2.1: no secret; anything shipped to a browser is readable by whoever runs it). The
// protocol only, one exported function per hop; oauth-spa.js runs them and shows what each
// returned. `http(panel, hop, url, init)` is the recording fetch of oauth-spa-wire.js.

import { fromBytes, toBytes, toText } from "./b64url.js";

// An id_token's clock tolerance in seconds, as the app's own client allows (id_token.py).
const LEEWAY = 30;

// A hop that failed a check: the page shows why, and stops there.
export class FlowError extends Error {
  constructor(step, reason, checks = []) {
    super(reason);
    this.step = step;
    this.checks = checks;
  }
}

// OC-1 (RFC 7636 §4.1, §7.1): 32 bytes from the browser's CSPRNG, base64url: 43 characters of
// 256 random bits. The same for state and nonce: nobody can guess what this tab sent.
export function randomValue() {
  return fromBytes(crypto.getRandomValues(new Uint8Array(32)));
}

// RFC 7636 §4.2: code_challenge = BASE64URL(SHA-256(ASCII(code_verifier))), by WebCrypto.
export async function challengeOf(verifier) {
  return fromBytes(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
}

// Hop 1. The provider's metadata (OIDC Discovery; RFC 8414), fetched cross-origin: the provider
// answers CORS here for origins its clients registered (HDR-4). RFC 8414 §3.3: the document
// must name the issuer it was fetched for, or every endpoint in it is suspect (mix-up).
export async function discover(http, issuer) {
  const { response, data } = await http("wire-discovery", "discovery", `${issuer}/.well-known/openid-configuration`);
  if (!response.ok || typeof data !== "object") {
    throw new FlowError("discovery", `The provider answered ${response.status} without its metadata.`);
  }
  if (data.issuer !== issuer) {
    throw new FlowError("discovery", `The document names the issuer ${data.issuer}, not ${issuer} (RFC 8414 §3.3).`);
  }
  for (const name of ["authorization_endpoint", "token_endpoint", "jwks_uri"]) {
    if (typeof data[name] !== "string") throw new FlowError("discovery", `The document has no ${name}.`);
  }
  return data;
}

// Hop 2. The authorization request, built in the browser. What the callback must find again
// (state, nonce, verifier) is the attempt; oauth-spa.js keeps it for the redirect's duration.
export async function authorizationRequest(metadata, settings) {
  const attempt = { state: randomValue(), nonce: randomValue(), verifier: randomValue(), issuer: metadata.issuer };
  const params = new URLSearchParams({
    response_type: "code",
    client_id: settings.clientId,
    redirect_uri: settings.redirectUri,
    scope: settings.scope,
    state: attempt.state,
    nonce: attempt.nonce,
    code_challenge: await challengeOf(attempt.verifier),
    code_challenge_method: "S256",
  });
  return { attempt, params: [...params], url: `${metadata.authorization_endpoint}?${params}` };
}

// Hop 4. The callback, read by the script. OC-2: the state must be the one this tab sent (a
// foreign one is a forged callback: login CSRF); RFC 9207: iss must name the provider this
// attempt began with (mix-up); only then is the code looked at.
export function checkCallback(query, attempt, metadata) {
  const checks = [];
  if (!attempt) {
    throw new FlowError("callback", "No sign-in was started in this tab, so there is no state to match: refused (login CSRF?).");
  }
  const stateOk = Boolean(query.get("state")) && query.get("state") === attempt.state;
  checks.push(["state", stateOk, "matches the one this tab sent, and is now used up"]);
  if (!stateOk) throw new FlowError("callback", "The state is missing or is not the one this tab sent (login CSRF?).", checks);
  if (metadata.authorization_response_iss_parameter_supported || query.has("iss")) {
    const issOk = query.get("iss") === attempt.issuer;
    checks.push(["iss", issOk, `names ${attempt.issuer} (RFC 9207)`]);
    if (!issOk) throw new FlowError("callback", `The response's iss is ${query.get("iss")}, not ${attempt.issuer}.`, checks);
  }
  if (query.has("error")) {
    throw new FlowError("callback", `The provider answered ${query.get("error")}: ${query.get("error_description") || ""}`, checks);
  }
  const code = query.get("code") || "";
  if (!(code.length > 0 && code.length <= 512)) throw new FlowError("callback", "The callback carries no usable code.", checks);
  checks.push(["code", true, "present; single-use, minutes to live, useless without this tab's verifier"]);
  return { code, checks };
}

function formPost(body) {
  return {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(body).toString(),
  };
}

async function tokenRequest(http, panel, hop, metadata, body) {
  const { response, data } = await http(panel, hop, metadata.token_endpoint, formPost(body));
  if (!response.ok || typeof data !== "object" || !data.access_token) {
    const error = typeof data === "object" ? `${data.error}: ${data.error_description || ""}` : `HTTP ${response.status}`;
    throw new FlowError("token", `The provider refused: ${error}`);
  }
  return data;
}

// Hop 5. The code for tokens, from the browser. No client secret: the PKCE verifier is what
// proves this is the party that started the flow (OC-1), and client_id says which client.
export function exchangeCode(http, metadata, settings, attempt, code) {
  return tokenRequest(http, "wire-token", "token", metadata, {
    grant_type: "authorization_code",
    code,
    redirect_uri: settings.redirectUri,
    code_verifier: attempt.verifier,
    client_id: settings.clientId,
  });
}

function decodePart(part) {
  return JSON.parse(toText(part));
}

// The left half of the access token's SHA-256, base64url (OIDC Core §3.1.3.8, for RS256).
async function halfHash(value) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  return fromBytes(digest.slice(0, digest.length / 2));
}

// Hop 6. OC-3, in the browser: the id_token counts only once its RS256 signature verifies
// with a key of the provider's JWKS (picked by kid) and iss, aud, exp, nonce (and at_hash,
// when present) hold. Until then it is decoded for the page and nothing in it is believed.
export async function verifyIdToken(http, metadata, settings, tokens, nonce) {
  const parts = String(tokens.id_token || "").split(".");
  if (parts.length !== 3) throw new FlowError("id_token", "The provider sent no id_token although openid was asked for.");
  const header = decodePart(parts[0]);
  const payload = decodePart(parts[1]);
  const checks = [];
  const { data: jwks } = await http("wire-jwks", "id_token", metadata.jwks_uri);
  const jwk = (jwks?.keys || []).find((key) => key.kid === header.kid && key.kty === "RSA");
  let signed = false;
  if (header.alg === "RS256" && jwk) {
    const key = await crypto.subtle.importKey("jwk", jwk, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, false, ["verify"]);
    const input = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    signed = await crypto.subtle.verify("RSASSA-PKCS1-v1_5", key, toBytes(parts[2]), input);
  }
  checks.push(["signature", signed, `${header.alg} with key ${header.kid} from the provider's JWKS`]);
  checks.push(["iss", payload.iss === metadata.issuer, `equals ${metadata.issuer}`]);
  const audiences = [].concat(payload.aud);
  const audOk = audiences.includes(settings.clientId) && (audiences.length === 1 || payload.azp === settings.clientId);
  checks.push(["aud", audOk, `is this client, ${settings.clientId}`]);
  const now = Date.now() / 1000;
  checks.push(["exp", typeof payload.exp === "number" && payload.exp > now - LEEWAY, "is in the future"]);
  checks.push(["nonce", payload.nonce === nonce, "equals the nonce this tab sent"]);
  if (payload.at_hash !== undefined) {
    const atOk = payload.at_hash === (await halfHash(tokens.access_token));
    checks.push(["at_hash", atOk, "is the left half of SHA-256(access_token): the two came together"]);
  }
  const verified = checks.every(([, ok]) => ok);
  if (!verified) throw new FlowError("id_token", "The id_token failed verification.", checks);
  return { header, payload, checks };
}

// Hop 7. The user API with the access token as a bearer credential (RFC 6750 §2.1). The
// Authorization header makes this a non-simple request: the browser first asks the provider
// with a preflight (OPTIONS) whether this origin may send it. OIDC Core §5.3.2: its sub must
// be the id_token's.
export async function userinfo(http, metadata, tokens, sub, panel = "wire-userinfo") {
  const { response, data } = await http(panel, "userinfo", metadata.userinfo_endpoint, {
    headers: { Authorization: `Bearer ${tokens.access_token}` },
  });
  if (!response.ok) throw new FlowError("userinfo", `The user API answered ${response.status}.`);
  if (sub && String(data.sub) !== String(sub)) throw new FlowError("userinfo", "The user API names another user than the id_token.");
  return data;
}

// After: refresh. A public client's refresh token is the prize of any script in the page, so
// the provider rotates it at every use and treats a second use of an old one as theft,
// revoking the whole family (RFC 9700 §4.14.2; OAuth 2.0 for Browser-Based Apps).
export function refresh(http, metadata, settings, refreshToken, hop = "refresh") {
  return tokenRequest(http, "wire-after", hop, metadata, {
    grant_type: "refresh_token",
    refresh_token: refreshToken,
    client_id: settings.clientId,
  });
}

// After: revoke (RFC 7009 §2.1): a public client names itself with client_id only.
export async function revoke(http, metadata, settings, token) {
  if (!metadata.revocation_endpoint) throw new FlowError("revoke", "The provider advertises no revocation endpoint.");
  const { response } = await http(
    "wire-after",
    "revoke",
    metadata.revocation_endpoint,
    formPost({ token, token_type_hint: "refresh_token", client_id: settings.clientId }),
  );
  return response.status;
}
