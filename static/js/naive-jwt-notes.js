// DELIBERATELY VULNERABLE: the naive notes app's own script (vulnerable/naive_jwt_notes.py).
// It does what too many single-page apps do: it keeps the tokens in localStorage, where every
// script of this origin can read them, a note's injected script included. (The real JWT lab
// keeps its token in page memory, or in an HttpOnly cookie no script can read.)

import { $, on, text } from "./dom.js";

const ACCESS = "naive_jwt_token";
const REFRESH = "naive_jwt_refresh";
const endpoints = document.body.dataset;

function claimsOf(token) {
  try {
    const payload = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    return JSON.parse(atob(payload));
  } catch {
    return {};
  }
}

function showWho() {
  const token = localStorage.getItem(ACCESS);
  $("[data-notes-signed-out]").hidden = Boolean(token);
  $("[data-notes-signed-in]").hidden = !token;
  text("[data-notes-user]", token ? String(claimsOf(token).sub) : "");
}

async function post(url, body, token) {
  const headers = { "Content-Type": "application/json" };
  if (token) headers.Authorization = `Bearer ${token}`;
  const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
  const answer = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, answer };
}

function keep(pair) {
  localStorage.setItem(ACCESS, pair.access_token);
  localStorage.setItem(REFRESH, pair.refresh_token);
}

$("[data-notes-login]").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = await post(endpoints.login, { username: form.get("username"), password: form.get("password") });
  if (!result.ok) return text("[data-notes-status]", `Sign-in refused: ${result.answer.error || result.status}`);
  keep(result.answer);
  location.reload(); // the board again, now signed in
});

$("[data-notes-write]").addEventListener("submit", async (event) => {
  event.preventDefault();
  const note = new FormData(event.target).get("text");
  const result = await post(endpoints.notes, { text: note }, localStorage.getItem(ACCESS));
  if (!result.ok) return text("[data-notes-status]", `Note refused: ${result.answer.error || result.status}`);
  location.reload();
});

on("[data-notes-refresh]", async () => {
  const result = await post(endpoints.refresh, {}, localStorage.getItem(REFRESH));
  if (!result.ok) return text("[data-notes-status]", `Refresh refused: ${result.answer.error || result.status}`);
  keep(result.answer);
  text("[data-notes-status]", "Refreshed: a new access token and a new refresh token are in localStorage.");
});

on("[data-notes-sign-out]", () => {
  localStorage.removeItem(ACCESS);
  localStorage.removeItem(REFRESH);
  showWho();
  text("[data-notes-status]", "Signed out: the tokens are gone from localStorage (the server never knew).");
});

on("[data-notes-clear]", async () => {
  const result = await post(endpoints.clear, {});
  if (!result.ok) return text("[data-notes-status]", `Not deleted: ${result.answer.error || result.status}`);
  location.reload();
});

showWho();
