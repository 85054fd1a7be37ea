// The article's express-jwt example, corrected (express-jwt v8, jsonwebtoken v9).
const crypto = require('node:crypto');
const express = require('express');
const jwt = require('jsonwebtoken');
const { expressjwt } = require('express-jwt'); // v7+: a named export, not the default

const app = express();
app.use(express.json());

// 256 random bits from the environment; refuse to start without them.
const SECRET = process.env.JWT_SECRET;
if (!SECRET || SECRET.length < 43) throw new Error('JWT_SECRET must hold >= 256 random bits');
const ISSUER = 'http://localhost:3000';
const AUDIENCE = 'authlab-api';

// Login lives OUTSIDE the JWT middleware: otherwise nobody could ever obtain a token.
app.post('/login', async (req, res) => {
  const user = await users.verify(req.body.username, req.body.password); // argon2id
  if (!user) return res.status(401).json({ error: 'Invalid username or password' });
  const accessToken = jwt.sign({ role: user.role, type: 'access' }, SECRET, {
    algorithm: 'HS256',
    expiresIn: '15m',
    subject: String(user.id),
    issuer: ISSUER,
    audience: AUDIENCE,
    jwtid: crypto.randomUUID(),
  });
  res.json({ access_token: accessToken, token_type: 'Bearer', expires_in: 900 });
});

// Verify per route, pin the algorithm, check iss/aud, and consult a blocklist:
// a short expiry limits damage but is not revocation.
const requireJwt = expressjwt({
  secret: SECRET,
  algorithms: ['HS256'],
  issuer: ISSUER,
  audience: AUDIENCE,
  isRevoked: async (req, token) => blocklist.has(token.payload.jti),
});

app.get('/protected', requireJwt, (req, res) => {
  res.json({ message: 'You are authenticated!' });
});

app.get('/admin', requireJwt, (req, res) => {
  if (req.auth.role !== 'admin') return res.status(403).json({ error: 'Forbidden' });
  res.json({ message: 'Welcome, admin!' });
});

app.post('/logout', requireJwt, async (req, res) => {
  await blocklist.add(req.auth.jti, req.auth.exp); // kept until the token would expire anyway
  res.status(204).end();
});

// A refused token is a 401 with WWW-Authenticate (RFC 6750), never a stack trace.
app.use((err, req, res, next) => {
  if (err.name !== 'UnauthorizedError') return next(err);
  res.set('WWW-Authenticate', `Bearer error="invalid_token", error_description="${err.message}"`);
  res.status(401).json({ error: err.message });
});

const PORT = 3000;
app.listen(PORT, () => console.log(`Server running on port ${PORT}`));
