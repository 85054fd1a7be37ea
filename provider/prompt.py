"""What an authorization request asks of the sign-in and the consent (OpenID Connect Core
§3.1.2.1): `prompt`, `max_age`, and the consent a silent request (`prompt=none`) relies on.

views.authorize asks next_step() what to do with a request authlib has validated (client,
redirect URI, scope, PKCE, nonce): show the sign-in page, show the consent page, or issue the
code at once. No page is rendered here, and nothing here reads the cookie: the view passes
in who is signed in, since when, and whether that sign-in was made for this very request.
"""

import time

from authlib.oauth2.rfc6749.errors import InvalidRequestError
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oidc.core.errors import ConsentRequiredError, LoginRequiredError

from .issued import Grant
from .models import db

# The answers of next_step().
SIGN_IN, CONSENT, ISSUE = "sign in", "consent", "issue"

# The prompt values this provider acts on (advertised as prompt_values_supported). Any other
# value is ignored, as OIDC Core §3.1.2.1 leaves unknown values to the provider ("create", of
# Initiating User Registration, among them: this provider registers no users on the web).
PROMPT_VALUES = ["none", "login", "consent", "select_account"]

# How long a sign-in made for a request counts as "the re-authentication it asked for": the
# time it takes to come back from the sign-in page. Past that, prompt=login asks again.
REAUTHENTICATION_WINDOW = 300


def prompts(grant):
    """The prompt values of the request, as a set; `none` with any other is invalid_request."""
    values = set((grant.request.payload.data.get("prompt") or "").split())
    # OIDC Core §3.1.2.1: "If this parameter contains none with any other value, an error is
    # returned." Asking for no interaction and for a sign-in at once cannot both be honoured.
    if "none" in values and len(values) > 1:
        raise refusal(grant, InvalidRequestError, "prompt=none cannot be combined with other prompt values.")
    return values


def max_age(grant):
    """The request's max_age in seconds, or None; anything but a non-negative integer is invalid."""
    value = grant.request.payload.data.get("max_age")
    if not value:  # RFC 6749 §3.1: a parameter sent without a value is as if omitted
        return None
    if not value.isascii() or not value.isdigit() or len(value) > 12:
        raise refusal(grant, InvalidRequestError, "max_age must be a whole number of seconds (0 or more).")
    return int(value)


def next_step(grant, user, signed_in_at, signed_in_for_this_request):
    """SIGN_IN, CONSENT or ISSUE for this validated request; a prompt=none request that would
    need a page gets its error instead (login_required, consent_required), sent to the client."""
    asked = prompts(grant)
    oldest = max_age(grant)
    silent = "none" in asked

    if user is None:
        # OIDC Core §3.1.2.6: prompt=none and nobody signed in: "login_required", no page.
        if silent:
            raise refusal(grant, LoginRequiredError, "Nobody is signed in at the provider.")
        return SIGN_IN

    # AS-14, OIDC Core §3.1.2.1: prompt=login (and select_account: choosing an account here
    # means signing in as it) asks for a new sign-in even though one exists; max_age asks for
    # one when the existing sign-in is older than that many seconds (max_age=0: always). A
    # sign-in made a moment ago for this very request satisfies either, or the sign-in page
    # would send the browser back here to be asked again, forever.
    age = time.time() - signed_in_at
    just_now = signed_in_for_this_request and age <= REAUTHENTICATION_WINDOW
    too_old = oldest is not None and age > oldest
    if (asked & {"login", "select_account"} or too_old) and not just_now:
        if silent:
            raise refusal(grant, LoginRequiredError, "The sign-in here is older than max_age allows.")
        return SIGN_IN

    if silent:
        # OIDC Core §3.1.2.1: with prompt=none the provider "MUST NOT display any
        # authentication or consent user interface pages". A code is issued only if this user
        # already approved this client for every scope asked; otherwise "consent_required".
        if not remembered_consent(user, grant.client, grant.request.scope):
            raise refusal(grant, ConsentRequiredError, "This client has not been approved for these scopes.")
        return ISSUE

    # Every interactive request shows the consent page (AS-7), prompt=consent or not: the
    # user sees each time which application asks for what. Consent is remembered only so
    # that prompt=none, which may show no page, can be answered.
    return CONSENT


def remembered_consent(user, client, scope):
    """True if the user approved this client, for all of these scopes, in a grant still standing.

    Each approval is a Grant row (grants.save_authorization_code); revoking it in the console,
    or a replay that revokes its token family, withdraws it, and prompt=none then gets
    consent_required again.
    """
    wanted = set(scope_to_list(scope) or [])
    given = db.session.execute(
        db.select(Grant.scope).filter_by(user_id=user.id, client_id=client.client_id, revoked_at=None)
    ).scalars()
    return any(wanted <= set(scope_to_list(scopes) or []) for scopes in given)


def refusal(grant, error_class, description):
    """An error for the client, redirected to the redirect URI authlib has already checked (AS-1)."""
    return error_class(description, state=grant.request.payload.state, redirect_uri=grant.redirect_uri)
