"""The lab page, and the JSON helpers its scripts call: inspector, keyring, JWKS."""

from datetime import timedelta

from flask import current_app, jsonify, render_template, request

import storage
from bodies import json_object
from errors import error_response

from . import blocklist, bp, inspector, keys, tokens
from .guards import role_required
from .signin import LAB_LIFETIME


@bp.get("/")
def lab():
    """The JWT lab page."""
    return render_template("jwt/lab.html", **lab_context())


# Another lab (the OAuth lab's "inspect this id_token") posts a token here in a form body,
# never in the URL, where it would land in logs, history and Referer headers.
@bp.post("/inspect")
def inspect_form():
    """The lab page with the inspector filled in with a posted token."""
    token = request.form.get("token", "")
    return render_template("jwt/lab.html", inspected=inspector.inspect(token), **lab_context())


@bp.post("/api/inspect")
def inspect_api():
    """The inspector's verdicts on {"token": ...}, as JSON."""
    token = json_object().get("token")
    if not isinstance(token, str):
        return error_response(400, 'send JSON {"token": "<a JWT>"}')
    return jsonify(inspector.inspect(token))


def lab_context():
    config = current_app.config
    return {
        "access_lifetime": tokens.lifetime("access"),
        "refresh_lifetime": tokens.lifetime("refresh"),
        "lab_lifetime": LAB_LIFETIME,
        "issuer": config["JWT_DECODE_ISSUER"],
        "audience": config["JWT_DECODE_AUDIENCE"],
        "store": storage.store_name(),
        "blocklist_size": blocklist.size(),
        "keyring": keyring_state(),
    }


def keyring_state():
    """The keyring as the page shows it: which key signs, which only verify, which are retired.

    A key stops signing when a newer one is made; the last token it signed expires at most one
    refresh-token lifetime later. From then on retiring it logs nobody out (`quiet_from`).
    """
    signing = keys.signing_key()
    ring, successor_created = [], None
    for key in keys.all_keys():  # newest first
        quiet_from = successor_created + timedelta(seconds=tokens.lifetime("refresh")) if successor_created else None
        ring.append(
            {
                "kid": key.kid,
                "alg": key.alg,
                "state": "retired" if key.retired_at else ("signing" if key.kid == signing.kid else "verifying"),
                "created_at": key.created_at.isoformat() + "Z",
                "retired_at": key.retired_at.isoformat() + "Z" if key.retired_at else None,
                "quiet_from": quiet_from.isoformat() + "Z" if quiet_from else None,
            }
        )
        successor_created = key.created_at
    return ring


@bp.get("/api/keys")
def keyring():
    """The keyring and the blocklist's size."""
    return jsonify(keys=keyring_state(), store=storage.store_name(), blocklist_size=blocklist.size())


# Rotating or retiring a key changes what every user's token is worth: admins only, and by
# bearer token (a JSON API another site cannot call from a victim's browser).
@bp.post("/api/keys/rotate")
@role_required("admin")
def rotate():
    """Add a key (HS256 or RS256); new tokens are signed with it, older keys keep verifying."""
    alg = json_object().get("alg", current_app.config["JWT_ALGORITHM"])
    if alg not in keys.ALGORITHMS:
        return error_response(400, f"alg must be one of {', '.join(keys.ALGORITHMS)}")
    key = keys.create(alg)
    return jsonify(message=f"New signing key {key.kid} ({alg}).", keys=keyring_state())


@bp.post("/api/keys/retire")
@role_required("admin")
def retire():
    """Retire a verifying key: every token it signed is refused from now on."""
    kid = json_object().get("kid")
    if keys.find(kid) is not None and kid == keys.signing_key().kid:
        return error_response(400, "rotate first: the signing key cannot be retired")
    key = keys.retire(kid)
    if key is None:
        return error_response(404, "no such live key")
    return jsonify(message=f"Key {key.kid} retired: its tokens are refused.", keys=keyring_state())


# RS256 mode: anyone may verify our tokens with only the public keys, published here as a JWK
# Set (RFC 7517). HMAC keys are never published: whoever can verify an HS256 token can sign one.
@bp.get("/.well-known/jwks.json")
def jwks():
    """The public keys of the live RS256 keys."""
    return jsonify(keys.jwks())
