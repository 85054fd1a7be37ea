"""Extensions, created once without an app and bound to it in create_app().

(The OAuth client registry is made per app in blueprints/oauth/client.py: authlib's registry
remembers a single app, and one process may hold several, the app beside its replica.)
"""

from flask_jwt_extended import JWTManager
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from throttle import Throttle

# The embedded store: users, the JWT blocklist, server-side sessions (session_store.py).
db = SQLAlchemy()

# Session-based login (the article's express-session example).
login_manager = LoginManager()

# Bearer tokens (the article's express-jwt example). Not `jwt`: that name is PyJWT's, and the
# JWT demo's package (blueprints/jwt) is named for the lab.
jwt_manager = JWTManager()

# Synchronizer tokens for forms (PW-5); csrf.py decides which requests must carry one.
csrf = CSRFProtect()

# Throttling of failed sign-ins and token requests, per account and per address, counted in a
# store every worker shares (PW-3, PW-6: throttle.py). The routes it guards say so above them.
limiter = Throttle()
