// The SPA's hops on the wire panel, as the browser's script saw them. The provider is another
// origin, so no server of this app records these exchanges: the page records them itself,
// and says what the browser keeps from it (headers it adds, headers CORS hides).

import { show } from "./wire.js";

// What a record may show of a credential, as the server's panel does it (wire/redact.py,
// LAB-2): a JWT keeps its readable parts, any other token its first 6 characters. The
// whole values sit in the page's memory, shown in "What this page holds".
const TOKEN_FIELDS = new Set(["access_token", "refresh_token", "token"]);

export function shortened(value) {
  const text = String(value);
  if (text.length <= 8) return text;
  const parts = text.split(".");
  if (parts.length === 3) return `${parts[0]}.${parts[1]}.… (signature, ${parts[2].length} characters, shortened on this page)`;
  return `${text.slice(0, 6)}… (${text.length} characters, shortened on this page)`;
}

function shortenedForm(body) {
  const params = new URLSearchParams(body);
  for (const [name, value] of params) if (TOKEN_FIELDS.has(name)) params.set(name, shortened(value));
  return decodeURIComponent(params.toString().replace(/\+/g, " "));
}

function shortenedJson(text) {
  try {
    const data = JSON.parse(text);
    if (data && typeof data === "object") {
      for (const name of TOKEN_FIELDS) if (typeof data[name] === "string") data[name] = shortened(data[name]);
      return JSON.stringify(data);
    }
  } catch {
    /* not JSON: shown as it came */
  }
  return text;
}

function shownHeader([name, value]) {
  return name.toLowerCase() === "authorization" ? [name, value.replace(/^(Bearer )(.+)$/, (_, s, t) => s + shortened(t))] : [name, value];
}

const NOTE =
  "Recorded by this page's script, not by a server: the request as the script made it (the " +
  "browser adds Origin, shown here, and its own User-Agent), and the response headers CORS " +
  "lets a script of another origin read (Content-Type and the few the provider exposes; the " +
  "rest are hidden from it). Sent with credentials: 'omit': no cookie of the provider goes with it.";

// Every record shown, in order: the page keeps the ones made before the redirect with the
// attempt, and shows them again on the callback page (they hold no token).
export const transcript = [];

function record(panel, entry) {
  transcript.push({ panel, entry });
  show(panel, entry);
}

// Show records made by the page before it was unloaded for the redirect.
export function replay(saved) {
  for (const { panel, entry } of saved || []) record(panel, { ...entry, hop: `${entry.hop}, before the redirect` });
}

// fetch() for the SPA's hops: cross-origin, without cookies, recorded on `panel` under `hop`.
// Returns {response, data}: data is the parsed JSON, or the text. The global fetch is looked
// up at each call, as any page script's would be: the injected-script demo hooks it.
export async function http(panel, hop, url, init = {}) {
  const headers = { Accept: "application/json", ...(init.headers || {}) };
  const request = {
    method: init.method || "GET",
    url,
    headers: [...Object.entries(headers).map(shownHeader), ["Origin", window.location.origin]],
    body: init.body ? shortenedForm(init.body) : "",
  };
  let response;
  try {
    response = await fetch(url, { ...init, headers, mode: "cors", credentials: "omit", cache: "no-store" });
  } catch (error) {
    // A CORS refusal and an unreachable server look alike to a script: the browser says no more.
    record(panel, {
      hop: `browser → provider (${hop})`,
      note: `The browser gave the script no answer (${error.message}): the provider is down, or it did not allow this origin (CORS, HDR-4).`,
      request,
      response: { status: "(no answer the script may read)", headers: [], body: "" },
    });
    throw error;
  }
  const text = await response.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch {
    /* not JSON: keep the text */
  }
  record(panel, {
    hop: `browser → provider (${hop})`,
    note: NOTE,
    request,
    response: { status: `${response.status} ${response.statusText}`, headers: [...response.headers], body: shortenedJson(text) },
  });
  return { response, data };
}

// A front-channel hop the script did not make but can see: the navigation that brought the
// browser here (its address bar), shown as one more record.
export function navigation(panel, hop, url, note) {
  record(panel, {
    hop,
    note,
    request: { method: "GET", url, headers: [], body: "" },
    response: { status: "200 OK (this page)", headers: [], body: "" },
  });
}
