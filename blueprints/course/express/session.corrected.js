// The article's express-session example, corrected (express-session 1.18, connect-redis 8).
const express = require('express');
const session = require('express-session');
const { RedisStore } = require('connect-redis');
const { createClient } = require('redis');

const app = express();
app.use(express.json());
const redisClient = createClient({ url: process.env.REDIS_URL });
redisClient.connect();

app.use(session({
  secret: process.env.SESSION_SECRET, // from the environment, never in the code
  resave: false,
  saveUninitialized: false, // no stored session for every anonymous visitor
  store: new RedisStore({ client: redisClient }), // a real, shared store: Store is abstract
  cookie: {
    httpOnly: true, // script cannot read the id (XSS can still USE it)
    sameSite: 'lax', // other sites' POSTs and fetches do not carry it
    secure: process.env.NODE_ENV === 'production',
    maxAge: 30 * 60 * 1000,
  },
}));

// Login checks a password against a stored hash, then issues a NEW session id.
app.post('/login', async (req, res, next) => {
  const user = await users.verify(req.body.username, req.body.password); // argon2id
  if (!user) return res.status(401).json({ error: 'Invalid username or password' });
  req.session.regenerate((err) => { // the fixation defence the article's table asks for
    if (err) return next(err);
    req.session.user = { id: user.id, role: user.role };
    res.send('Login successful!');
  });
});

// Signed in is not enough for /admin: check the role.
app.get('/admin', (req, res) => {
  if (!req.session.user) return res.status(401).json({ error: 'Unauthorized' });
  if (req.session.user.role !== 'admin') return res.status(403).json({ error: 'Forbidden' });
  res.json({ message: `Welcome, ${req.session.user.role}!` });
});

// Logout deletes the server record and the cookie.
app.post('/logout', (req, res, next) => {
  req.session.destroy((err) => {
    if (err) return next(err);
    res.clearCookie('connect.sid', { httpOnly: true, sameSite: 'lax' });
    res.send('Logged out');
  });
});
// Cookie-authenticated POSTs also need a CSRF defence (an Origin check or a token).
