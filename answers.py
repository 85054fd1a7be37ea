"""The labs' answers: one JSON error shape for /jwt, /session and /oauth, and what a request submitted.

Every JSON error of the app has one shape, `{"error": ..., "description": ...}`, built here by
`api_error`: `error` is what a client branches on, `description` says it in a sentence for a
person. errors.py answers every JSON client through it too. What `error` holds is the
contract's (docs/contract.md, "JSON endpoints"), which follows each article example:

- /session (and /oauth) name the HTTP meaning, as the article's express-session example does:
  `{"error": "Unauthorized", "description": "No valid session: sign in first."}`;
- /jwt names why the token or the password was refused, in the words of the challenge's
  error_description (RFC 6750 §3): `{"error": "token expired 3 s ago", "description": ...}`,
  answered by `blueprints/jwt/tokens.refuse` and errors.error_response.

`api_error` answers JSON whatever the Accept header says: these routes are an API, and a script
that asked for JSON must not be handed an HTML page. (errors.error_response, which the JWT lab
uses, gives a page instead to a browser that asks for one.)
"""

from flask import jsonify, request

from bodies import json_body


def api_error(status, error, description=None, headers=None):
    """A JSON error in the app's one shape, whatever the Accept header says."""
    response = jsonify(error=error, description=description)
    response.status_code = status
    response.headers.update(headers or {})
    return response


def bad_request(description):
    return api_error(400, "Bad request", description)


def unauthorized(description):
    """401: who are you? No credentials, or ones that no longer name anybody."""
    return api_error(401, "Unauthorized", description)


def forbidden(description):
    """403: we know who you are, and you may not do this."""
    return api_error(403, "Forbidden", description)


def credentials():
    """The submitted form as a dict: a JSON object, or form fields; None when neither."""
    if request.is_json:
        body = json_body()
        return body if isinstance(body, dict) else None
    return request.form


def wants_page():
    """A form post from a lab page (answered with a page); JSON clients get JSON."""
    return not request.is_json and request.mimetype in {"application/x-www-form-urlencoded", "multipart/form-data"}
