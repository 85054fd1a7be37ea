"""DELIBERATELY VULNERABLE code for the attack benches. Development only.

Each module here is a naive twin of a real defence elsewhere in the app, written the way
tutorials (and the article) too often do it, so that a student can send the same attack to
both and see one fall and the other hold. create_app() imports this package only when
ENABLE_ATTACK_DEMOS is on, which production forces off (config.ProductionConfig).

One shape per lab: `naive_X.py` is only the twin, `X_bench.py` only the attacker's bench (with
`jwt_attacks.py`, `oauth_attacks.py`, `oauth_browser.py` and `oauth_wire.py` beside it). The session twin's
attacks come from the attacker's site (attacker/), so it has no bench here. The twins' pages are
in templates/vulnerable/ here, never in the real app's template folders.

LAB-3: the twins have their own state, so attacking them reaches nothing real: their own demo
accounts (accounts.py), their own session table, cookies and session keys, their own keys.
"""


def init_app(app):
    """Register each twin, then each attack bench (each on a blueprint of its own)."""
    from . import jwt_bench, naive_jwt, naive_jwt_notes, naive_jwt_refresh, naive_oauth, naive_session, oauth_bench

    for module in (naive_jwt, naive_jwt_refresh, naive_jwt_notes, naive_session, naive_oauth, jwt_bench, oauth_bench):
        app.register_blueprint(module.bp)
