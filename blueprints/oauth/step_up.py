"""Silent sign-in and step-up: the `prompt` and `max_age` of an OpenID Connect sign-in.

prompt=none asks the provider to answer without showing anything (signed in there already and
consented: a code at once; otherwise an error, never a page). prompt=login and max_age ask it
to check the password again, now or when the last sign-in is older than max_age seconds
(a step-up before something sensitive). OIDC Core §3.1.2.1; the id_token's auth_time then
says when that sign-in happened, and id_token.check_auth_time holds the provider to it.
"""

from dataclasses import dataclass

PROMPTS = ("none", "login", "consent", "select_account")
MAX_AGE_LIMIT = 366 * 24 * 3600  # a year: any longer is no step-up

# What each prompt=none refusal means (OIDC Core §3.1.2.6), for the page that shows it.
SILENT_ERRORS = {
    "login_required": "You are not signed in at the provider, so it cannot answer without asking for your "
    "password: a silent sign-in is impossible. Sign in normally once, then try again.",
    "consent_required": "You are signed in at the provider, but have not yet allowed this app the scopes it "
    "asks for, and consent needs a page. Sign in normally once to consent, then try again.",
    "interaction_required": "The provider needs to show you a page (a form to fill, a choice to make), "
    "which prompt=none forbids. Sign in normally.",
    "account_selection_required": "You are signed in at the provider with more than one account, and it "
    "needs you to pick one. Sign in normally to choose.",
}


class BadOption(ValueError):
    """A prompt or max_age this client does not send: the sign-in is refused with a 400."""


@dataclass(frozen=True)
class Options:
    prompt: str | None = None
    max_age: int | None = None


def read(args, provider):
    """The sign-in options of /oauth/login?prompt=&max_age=, checked (BadOption otherwise)."""
    prompt = args.get("prompt") or None
    max_age = args.get("max_age") or None
    if (prompt or max_age) and not provider.openid:
        raise BadOption(f"prompt and max_age are OpenID Connect parameters; {provider.label} is OAuth 2.0 only.")
    if prompt is not None and prompt not in PROMPTS:
        raise BadOption(f"prompt must be one of {', '.join(PROMPTS)} (OIDC Core §3.1.2.1).")
    if max_age is not None:
        if not (max_age.isascii() and max_age.isdigit() and len(max_age) <= 9 and int(max_age) <= MAX_AGE_LIMIT):
            raise BadOption(f"max_age must be a whole number of seconds from 0 to {MAX_AGE_LIMIT}.")
        max_age = int(max_age)
    return Options(prompt, max_age)


# OIDC Core §11: offline access (a refresh token that outlives the sign-in) is asked for with
# prompt=consent, and providers such as oidc-provider drop offline_access without it. A silent
# sign-in cannot show consent, so it asks without (and gets no refresh token).
def authorization_params(provider, options):
    """The extra parameters of the authorization request for these options."""
    prompts = [options.prompt] if options.prompt else []
    if "offline_access" in provider.scope.split() and options.prompt not in ("none", "consent"):
        prompts.append("consent")
    params = {"prompt": " ".join(prompts)} if prompts else {}
    if options.max_age is not None:
        params["max_age"] = str(options.max_age)
    return params


def explain(error):
    """What a provider's refusal of a silent sign-in means, or None for other errors."""
    return SILENT_ERRORS.get(error)
