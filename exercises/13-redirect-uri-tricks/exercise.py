"""Exercise 13: a provider's redirect_uri matcher that no URL trick gets past. Write the function."""

import re
from urllib.parse import urlsplit


def redirect_uri_matches(registered, presented):
    """True only if the authorization code may be sent to `presented`.

    `registered` is the client's list of redirect URIs, exactly as the client registered them;
    `presented` is the redirect_uri parameter of an authorization request, exactly as it came.
    The contract (RFC 9700 §2.1 and §4.1.3, RFC 8252 §7.3 and §8.3), every line tested by check.py:

    - `presented` must equal a registered URI character for character: no case folding, no
      default ports, no percent-decoding, no resolving of "." or "..", no trimming, nothing
      added (a query, a fragment, userinfo, a slash) and nothing left out.
    - One exception, for native apps that listen on a port the system gives them: when a
      registered URI is http:// on a loopback IP literal, http://127.0.0.1 or http://[::1],
      and names no port, the same URI with a port right after the host also matches. A port is
      1 to 65535 written in plain ASCII decimal, no sign, no leading zero.
    - Nothing else is an exception: not "localhost", not another spelling of the loopback
      address (127.1, 0x7f.0.0.1, [::ffff:127.0.0.1], ...), not https://, not another port for
      a registered URI that names one.
    - A presented value that is not a str gives False, never an exception.
    """
    # TODO(student): write it.
    raise NotImplementedError("exercise 13: redirect_uri_matches is yours to write")
