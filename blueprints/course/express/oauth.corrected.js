// The article's "GitHub OAuth client", corrected: GitHub's endpoints, state, PKCE (Node 18+).
const crypto = require('node:crypto');
const express = require('express');

const app = express();
// ... express-session configured as in the session example (regenerate, httpOnly, sameSite).

const GITHUB = {
  authorize: 'https://github.com/login/oauth/authorize',
  token: 'https://github.com/login/oauth/access_token', // not Google's token endpoint
  user: 'https://api.github.com/user',
};
const REDIRECT_URI = 'http://localhost:3000/callback'; // registered exactly at GitHub
const b64url = (bytes) => Buffer.from(bytes).toString('base64url');

// 1. Build the authorization URL: a fresh state and PKCE verifier for this attempt.
app.get('/login', (req, res) => {
  const state = b64url(crypto.randomBytes(32));
  const verifier = b64url(crypto.randomBytes(32));
  const challenge = b64url(crypto.createHash('sha256').update(verifier).digest());
  req.session.oauth = { state, verifier }; // bound to this browser's session
  const url = new URL(GITHUB.authorize);
  url.search = new URLSearchParams({
    client_id: process.env.GITHUB_CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'read:user user:email', // least privilege; GitHub has no "user:full"
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  res.redirect(url);
});

// 2-3. The callback: check state (single use), then exchange the code with the verifier.
async function getTokens(req) {
  const expected = req.session.oauth;
  delete req.session.oauth;
  if (!expected || req.query.state !== expected.state) throw new Error('invalid state');
  const response = await fetch(GITHUB.token, {
    method: 'POST',
    headers: { Accept: 'application/json' },
    body: new URLSearchParams({
      client_id: process.env.GITHUB_CLIENT_ID,
      client_secret: process.env.GITHUB_CLIENT_SECRET,
      code: req.query.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: expected.verifier,
    }),
  });
  const tokens = await response.json();
  if (!tokens.access_token) throw new Error(tokens.error || 'code exchange failed');
  return tokens;
}

// 4. Call the API with the access token; it stays on the server.
async function getUserInfo(tokens) {
  const response = await fetch(GITHUB.user, {
    headers: { Authorization: `Bearer ${tokens.access_token}`, Accept: 'application/vnd.github+json' },
  });
  return response.json();
}

app.get('/callback', async (req, res) => {
  try {
    const user = await getUserInfo(await getTokens(req));
    req.session.regenerate(() => {
      req.session.user = { id: user.id, login: user.login };
      res.redirect('/');
    });
  } catch (err) {
    res.status(400).send('Sign-in failed: ' + err.message);
  }
});
