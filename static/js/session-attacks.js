// The session lab's attack bench (the page has it only when the attack demos are on, in
// development): what an injected script can and cannot do with an HttpOnly cookie, and how
// quickly counted ids on the naive twin (vulnerable/naive_session.py) are guessed.

import { $, on, text, url } from "./dom.js";
import { WIRE } from "./session-report.js";
import { refreshRecord } from "./session-state.js";
import { send } from "./wire.js";

// --- 6. Attack bench: the "injected" script, and guessing counted ids -------------------------

async function injectedScript() {
  const cookies = document.cookie;
  const { response } = await send(WIRE, url("/session/note"), { method: "POST", json: { note: "written by the injected script" } });
  text(
    "[data-xss-result]",
    [
      `document.cookie = ${JSON.stringify(cookies)}`,
      cookies.includes("naive_sid=") ? "  The naive twin's id is readable: the script can send it anywhere." : "  (sign in on the naive twin to see its readable id here)",
      "  The real session cookie is not in it: HttpOnly.",
      `POST /session/note from the same script → ${response.status}`,
      response.ok
        ? "  ...and it worked: the browser attached the HttpOnly cookie. HttpOnly stops theft, not the XSS."
        : "  (sign in above first: then this request succeeds, HttpOnly or not)",
    ].join("\n"),
  );
  await refreshRecord();
}

async function naiveLogin(username, password) {
  // credentials: "omit": a browser of its own, with no cookie, so the twin counts a new id.
  const response = await fetch(url("/vulnerable/session/login"), {
    method: "POST",
    body: new URLSearchParams({ username, password }),
    headers: { Accept: "application/json" },
    credentials: "omit",
  });
  return response.json();
}

async function guessNeighbours() {
  const out = $("[data-guess-result]");
  const alice = await naiveLogin("alice", "wonderland");
  const mallory = await naiveLogin("bob", "thebuilder");
  const lines = [
    `alice signs in on her laptop: the naive twin gives her id ${alice.sid}`,
    `Mallory signs in as bob on hers: id ${mallory.sid}`,
  ];
  for (let n = Number(mallory.sid) - 1; n >= Math.max(1, Number(mallory.sid) - 2); n -= 1) {
    const other = await (await fetch(url(`/vulnerable/session/whoami?sid=${n}`), { credentials: "omit" })).json();
    lines.push(`Mallory tries id ${n} → ${other.user ? `signed in as ${other.user}: taken over` : "nobody"}`);
  }
  lines.push("Real ids are 256 random bits: there is no neighbour to guess (2^256 possibilities).");
  out.textContent = lines.join("\n");
}

export function init() {
  on("[data-xss]", injectedScript);
  on("[data-guess]", guessNeighbours);
}
