"""The peers `make bench` measures the app against, each the smallest honest version of its example.

- `express_jwt.mjs`: the article's express-jwt example (GET /protected, POST /login, GET /open);
- `express_session.mjs`: the article's express-session example (GET /admin, POST /login, GET /open);
- `bare_flask_jwt.py`: flask-jwt-extended's own `@jwt_required()` route, nothing else.

The Express pair runs on Node with the packages pinned in package-lock.json (`make bench`
installs them with `npm ci` when npm is there); the Flask one under the app's own gunicorn
settings. bench/versus.py starts them beside the app and compares, A B A B.
"""
