"""Call a WSGI app directly with a prepared request: no sockets, no test-client bookkeeping."""

from werkzeug.test import EnvironBuilder


class DirectCall:
    """One prepared request to one app; calling it runs the app and returns the status."""

    def __init__(self, app, path, method="GET", headers=None, base_url=None):
        builder = EnvironBuilder(
            path=path,
            method=method,
            headers=headers or {},
            base_url=base_url,
            environ_base={"REMOTE_ADDR": "127.0.0.1"},  # as the test client and a loopback client
        )
        self.environ = builder.get_environ()
        builder.close()
        self.app = app
        self.status = None

    def _start_response(self, status, headers, exc_info=None):
        self.status = status

    def __call__(self):
        body = self.app(dict(self.environ), self._start_response)
        try:
            for _ in body:
                pass
        finally:
            close = getattr(body, "close", None)
            if close:
                close()
        return self.status

    def check(self, expected="200"):
        """Run once and fail loudly if the request is not what we mean to measure."""
        status = self()
        if not status.startswith(expected):
            raise RuntimeError(f"{self.environ['PATH_INFO']} answered {status}, expected {expected}")
        return self
