"""DELIBERATELY VULNERABLE code for the attack benches. Development only.

Each module here is a naive twin of a real defence elsewhere in the app, written the way
tutorials (and the article) too often do it, so that a student can send the same attack to
both and see one fall and the other hold. create_app() imports this package only when
ENABLE_ATTACK_DEMOS is on, which production forces off (config.ProductionConfig).

LAB-3: the twins have their own state, so attacking them reaches nothing real: their own demo
accounts (accounts.py), their own session table, cookies and session keys, their own keys.
"""


def init_app(app):
    from . import naive_jwt, naive_oauth, naive_session

    for module in (naive_jwt, naive_session, naive_oauth):
        app.register_blueprint(module.bp)
