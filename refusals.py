"""Why the app refuses to start: the two exceptions every start-up step may raise.

Their own module, below everything else: the configuration, the stores and the models raise
them, and none of those has to import another to do so (no import circle). run.py prints the
message of either as one line, never a traceback.
"""


class CannotStart(RuntimeError):
    """The app cannot start (a folder it cannot write, a full disk); the message says why."""


class UnsafeConfiguration(CannotStart):
    """Raised when production settings would be insecure; the app refuses to start."""
