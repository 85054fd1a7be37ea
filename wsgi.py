"""Production entry points for granian (`make serve`, serve.py): `wsgi:app` and `wsgi:provider`.

Behind a TLS-terminating reverse proxy, set TRUSTED_PROXY_HOPS=1 so the app sees the
original scheme and host (https), and only from that many proxies: X-Forwarded-* headers
from anyone else are ignored.
"""

import os

from dotenv import load_dotenv
from werkzeug.middleware.proxy_fix import ProxyFix

load_dotenv()


def behind_proxy(wsgi_app):
    hops = int(os.environ.get("TRUSTED_PROXY_HOPS", "0"))
    return ProxyFix(wsgi_app, x_for=hops, x_proto=hops, x_host=hops) if hops else wsgi_app


def __getattr__(name):
    # Built on first access, so `wsgi:app` does not also build the provider (and vice versa).
    if name == "app":
        from app import create_app

        application = create_app()
    elif name == "provider":
        from provider import create_app as create_provider

        application = create_provider()
    else:
        raise AttributeError(name)
    application.wsgi_app = behind_proxy(application.wsgi_app)
    globals()[name] = application
    return application
