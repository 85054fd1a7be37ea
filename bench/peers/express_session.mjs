// The article's second example (docs/article.md, section 2), made runnable for `make bench`:
// express 5, express-session 1, its memory store, one node process. What differs from the
// article, and why (each is one of the errata in docs/article.md):
// - The article's `store: new (require('express-session').Store)()` is the abstract base class,
//   not a working store. With no `store` given, express-session keeps sessions in its
//   MemoryStore: the article's "memory for demo".
// - The secret is 256 random bits from the environment (SESSION_SECRET, hex), never in the source.
// The rest is the article's, errata and all (`saveUninitialized: true`, no `regenerate()` at
// login: docs/article.md says why both are wrong); neither changes the measured GET /admin.
// /open answers without a session: make bench waits on it to know the server is up.
import express from 'express';
import session from 'express-session';

const secret = process.env.SESSION_SECRET ?? '';
if (Buffer.from(secret, 'hex').length < 32) {
  console.error('SESSION_SECRET must be 256 random bits, hex-encoded (64 characters)');
  process.exit(2);
}

const app = express();

app.get('/open', (req, res) => {
  res.json({ message: 'Open to everyone.' });
});

// Configure session store (memory: express-session's default store)
app.use(session({
  secret,
  resave: false,
  saveUninitialized: true,
}));

// Login route (simplified)
app.post('/login', (req, res) => {
  const user = { id: 123, role: 'admin' };
  req.session.user = user;
  res.send('Login successful!');
});

// Protected route
app.get('/admin', (req, res) => {
  if (req.session.user) {
    res.json({ message: `Welcome, ${req.session.user.role}!` });
  } else {
    res.status(401).json({ error: 'Unauthorized' });
  }
});

const PORT = Number(process.env.PORT ?? 3000);
app.listen(PORT, '127.0.0.1', () => console.log(`Server running on port ${PORT}`));
