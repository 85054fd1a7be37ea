// base64url (RFC 4648 §5) without padding, as JWTs, PKCE and Flask's signed cookies use it:
// written once for every page script, as b64url.py is for the server. It is an encoding, not
// encryption: anyone can decode what it carries.

// base64url text -> bytes (padding restored first; atob throws on anything that is not base64).
export function toBytes(segment) {
  const base64 = segment.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

// bytes (an ArrayBuffer or a typed array) -> base64url text.
export function fromBytes(bytes) {
  let binary = "";
  for (const byte of new Uint8Array(bytes)) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

// base64url text <-> UTF-8 text.
export const toText = (segment) => new TextDecoder().decode(toBytes(segment));
export const fromText = (value) => fromBytes(new TextEncoder().encode(value));
