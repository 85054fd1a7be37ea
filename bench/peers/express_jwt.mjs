// The article's first example (docs/article.md, section 1), made runnable for `make bench`:
// express 5, express-jwt 8, jsonwebtoken 9, one node process. What differs from the article,
// and why (each is one of the errata in docs/article.md):
// - express-jwt 7 and later export `expressjwt`; the article's `require('express-jwt')` call is v6's.
// - The login route comes before the middleware: `app.use(jwt(...))` first would guard the login
//   too, and no client could ever get a token.
// - The secret is 256 random bits from the environment (JWT_SECRET, hex), never in the source.
// /open answers without authentication: the floor the app's /healthz is compared with.
import express from 'express';
import { expressjwt } from 'express-jwt';
import jwt from 'jsonwebtoken';

const secret = Buffer.from(process.env.JWT_SECRET ?? '', 'hex');
if (secret.length < 32) {
  console.error('JWT_SECRET must be 256 random bits, hex-encoded (64 characters)');
  process.exit(2);
}

const app = express();

app.get('/open', (req, res) => {
  res.json({ message: 'Open to everyone.' });
});

// Login route (simplified, as the article's session example: no password is checked; the
// benchmark needs a token, not an account). A 15-minute token, as the article advises.
app.post('/login', (req, res) => {
  const token = jwt.sign({ sub: '123', role: 'admin' }, secret, { algorithm: 'HS256', expiresIn: '15m' });
  res.json({ token });
});

// Middleware to verify JWT tokens: every route below this line needs one.
app.use(expressjwt({ secret, algorithms: ['HS256'] }));

// Example route that requires authentication
app.get('/protected', (req, res) => {
  res.json({ message: 'You are authenticated!' });
});

// express-jwt reports a missing or bad token as an error: a 401, not Express's HTML stack trace.
app.use((err, req, res, next) => {
  if (err.name !== 'UnauthorizedError') return next(err);
  res.status(401).json({ error: 'Unauthorized' });
});

const PORT = Number(process.env.PORT ?? 3000);
app.listen(PORT, '127.0.0.1', () => console.log(`Server running on port ${PORT}`));
