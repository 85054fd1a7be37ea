"""The inventory API: a small resource server of this app, for the provider's access tokens.

A machine (the "Inventory job", machine.py) calls it with a token it got by client
credentials; the API cannot read an opaque token, so its guard asks the provider what the token
means (introspection.py, RFC 7662) on every call. Like httpbin's endpoints, each answer says
what the API received and decided: whose token it was (a client, and no user) and its scope.
"""

from flask import g, jsonify

from . import bp
from .introspection import introspected_token_required

# The stock the job reads. Nothing here belongs to a person: with no user in the token, the
# scope is the whole of what decides what the caller sees.
INVENTORY = (
    {"sku": "bolt-m4", "name": "M4 bolts", "count": 1200},
    {"sku": "nut-m4", "name": "M4 nuts", "count": 950},
    {"sku": "washer-m4", "name": "M4 washers", "count": 40},
)


def decided():
    """What the provider said about the token, as far as the caller may see it."""
    answer = g.introspection
    return {
        "checked_by": "introspection (RFC 7662)",
        "client_id": answer.get("client_id"),
        "sub": answer.get("sub"),
        "username": answer.get("username"),  # none for a machine: nobody signed in
        "scope": answer.get("scope"),
        "exp": answer.get("exp"),
    }


@bp.get("/api/inventory")
@introspected_token_required("inventory:read")
def inventory():
    """The stock list, for a token the provider calls active with inventory:read."""
    return jsonify(items=INVENTORY, token=decided())


# A change needs its own scope, which no lab client is registered for: the machine's
# inventory:read token is refused here with 403 insufficient_scope. (A bearer request is not
# CSRF-checked: no browser attaches an Authorization header on its own, security.py.)
@bp.post("/api/inventory")
@introspected_token_required("inventory:write")
def restock():
    """A restock order, for inventory:write only (a demo: nothing is stored)."""
    return jsonify(message="Restock accepted (a demo: nothing is stored).", token=decided()), 201
