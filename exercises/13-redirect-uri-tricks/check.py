"""Checks for exercise 13: exact redirect_uri matching, one loopback-port exception, and no lookalike."""

import pytest

# One client's registered redirect URIs: a web app, a native app on both loopback addresses,
# the course's own app on localhost, and a loopback URI registered with its port.
REGISTERED = [
    "https://photos.example/cb",
    "http://127.0.0.1/callback",
    "http://[::1]/callback",
    "http://localhost:8000/oauth/callback",
    "http://127.0.0.1:9000/fixed",
]


def answer(ex, presented, registered=REGISTERED):
    """redirect_uri_matches' answer, which must be True or False and nothing else."""
    try:
        got = ex.redirect_uri_matches(list(registered), presented)
    except NotImplementedError:
        raise
    except Exception as error:
        raise AssertionError(
            f"redirect_uri_matches(..., {presented!r}) crashed with {type(error).__name__}: the authorization "
            "endpoint would answer 500 to whoever sends that URI."
        ) from error
    assert isinstance(got, bool), f"redirect_uri_matches returned {got!r}, where the contract says True or False."
    return got


GENUINE = {
    "the web app's URI": "https://photos.example/cb",
    "loopback, as registered": "http://127.0.0.1/callback",
    "loopback, a port": "http://127.0.0.1:51004/callback",
    "loopback, port 1": "http://127.0.0.1:1/callback",
    "loopback, port 65535": "http://127.0.0.1:65535/callback",
    "IPv6 loopback, as registered": "http://[::1]/callback",
    "IPv6 loopback, a port": "http://[::1]:8080/callback",
    "localhost, as registered": "http://localhost:8000/oauth/callback",
    "loopback with its registered port": "http://127.0.0.1:9000/fixed",
}


@pytest.mark.parametrize("presented", GENUINE.values(), ids=GENUINE.keys())
def test_a_registered_uri_and_its_allowed_loopback_ports_match(ex, presented):
    assert answer(ex, presented), (
        f"{presented} was refused, and the client may use it (it is registered, or a port-less loopback URI "
        "registered with a port the system gave the app)."
    )


# Each one, with what a browser (or the attacker behind it) makes of it. Every one must be refused.
TRICKS = {
    # Case and spelling of the host.
    "upper-case host": ("https://PHOTOS.example/cb", "a URI that is not the registered string"),
    "upper-case scheme": ("HTTPS://photos.example/cb", "a URI that is not the registered string"),
    "default port written out": ("https://photos.example:443/cb", "a URI that is not the registered string"),
    "trailing dot": ("https://photos.example./cb", "a host that may be another name, and another origin"),
    "percent-encoded path": ("https://photos.example/%63b", "a path some servers decode and some do not"),
    "percent-encoded host": ("https://photos%2eexample/cb", "a host some parsers decode and some do not"),
    "look-alike host (Cyrillic o)": ("https://phоtos.example/cb", "another domain, whose owner gets the code"),
    "fullwidth host": ("https://ｐhotos.example/cb", "a host that browsers fold to the registered one (IDNA)"),
    "punycode host": ("https://xn--phtos-5ve.example/cb", "another domain, whose owner gets the code"),
    # Userinfo and backslashes: where a parser and a browser disagree about the host.
    "userinfo before evil host": ("https://photos.example@evil.example/cb", "the code goes to evil.example"),
    "userinfo before the real host": ("https://evil@photos.example/cb", "a URI that is not the registered string"),
    "loopback port then evil host": ("http://127.0.0.1:5000@evil.example/callback", "the code goes to evil.example"),
    "backslash before loopback": (
        "http://evil.example\\@127.0.0.1:5000/callback",
        "a browser reads the backslash as a slash: the code goes to evil.example",
    ),
    "backslash in the path": ("http://127.0.0.1:5000\\callback", "a path that is not the registered one"),
    # Paths, queries and fragments.
    "trailing slash": ("https://photos.example/cb/", "another path"),
    "dot-dot segment": ("https://photos.example/cb/../cb", "a path that servers resolve differently"),
    "dot segment": ("https://photos.example/./cb", "a path that servers resolve differently"),
    "loopback dot-dot": ("http://127.0.0.1:5000/x/../callback", "a path that servers resolve differently"),
    "query added": ("https://photos.example/cb?next=https://evil.example", "a page that may redirect onward"),
    "fragment added": ("https://photos.example/cb#evil", "a URI the RFC forbids to carry a fragment"),
    "loopback fragment": ("http://127.0.0.1:5000/callback#@evil.example", "a URI with a fragment"),
    "loopback path case": ("http://127.0.0.1:5000/Callback", "another path"),
    "loopback path extended": ("http://127.0.0.1:5000/callback/evil", "another path"),
    "double slash": ("http://127.0.0.1:5000//callback", "another path"),
    # Whitespace a parser strips and a string comparison does not.
    "tab in the path": ("https://photos.example/c\tb", "a URI that urlsplit() reads as the registered one"),
    "newline at the end": ("https://photos.example/cb\n", "a URI that urlsplit() reads as the registered one"),
    "leading space": (" https://photos.example/cb", "a URI that is not the registered string"),
    "tab in the port": ("http://127.0.0.1:50\t00/callback", "a URI that urlsplit() reads as a loopback URI"),
    # Ports that are not plain ports.
    "port 0": ("http://127.0.0.1:0/callback", "no port a browser can reach"),
    "port 65536": ("http://127.0.0.1:65536/callback", "no port at all"),
    "leading zero": ("http://127.0.0.1:08080/callback", "a port in another spelling"),
    "plus sign": ("http://127.0.0.1:+8080/callback", "a port in another spelling"),
    "Arabic-Indic digits": ("http://127.0.0.1:٨٠٨٠/callback", "a port int() reads as 8080, and no browser does"),
    "empty port": ("http://127.0.0.1:/callback", "a port in another spelling"),
    "two ports": ("http://127.0.0.1:5000:6000/callback", "no URL at all"),
    "port with a path inside": ("http://127.0.0.1:5000/evil/callback", "another path"),
    "another port for a registered port": ("http://127.0.0.1:9001/fixed", "a port the client did not register"),
    # Other names for loopback, and other schemes.
    "localhost with another port": ("http://localhost:8001/oauth/callback", "localhost is no loopback IP literal"),
    "localhost for 127.0.0.1": ("http://localhost:5000/callback", "a name any hosts file can point elsewhere"),
    "short loopback": ("http://127.1:5000/callback", "another spelling of the address"),
    "hex loopback": ("http://0x7f.0.0.1:5000/callback", "another spelling of the address"),
    "IPv4-mapped IPv6": ("http://[::ffff:127.0.0.1]:5000/callback", "another spelling of the address"),
    "long IPv6 loopback": ("http://[0:0:0:0:0:0:0:1]:5000/callback", "another spelling of the address"),
    "loopback as a subdomain": ("http://127.0.0.1.evil.example:5000/callback", "the code goes to evil.example"),
    "https loopback": ("https://127.0.0.1:5000/callback", "a scheme the client did not register"),
    "empty": ("", "no URI at all"),
}


@pytest.mark.parametrize(("presented", "why"), TRICKS.values(), ids=TRICKS.keys())
def test_a_lookalike_of_a_registered_uri_is_refused(ex, presented, why):
    assert not answer(ex, presented), (
        f"{presented!r} was accepted: {why}. The code must go only to a registered URI, exactly as registered "
        "(or a port-less loopback one with a port)."
    )


@pytest.mark.parametrize(
    "presented",
    [None, b"https://photos.example/cb", 42, ["https://photos.example/cb"], {"uri": "https://photos.example/cb"}],
    ids=["None", "bytes", "a number", "a list", "a dict"],
)
def test_a_presented_value_that_is_not_a_string_is_refused(ex, presented):
    assert not answer(ex, presented), f"redirect_uri_matches said yes to {presented!r}, which is no URI."


def test_a_client_with_no_registered_uri_matches_nothing(ex):
    assert not answer(ex, "https://photos.example/cb", registered=[]), (
        "With an empty list of registered URIs, a URI was accepted: a client that registered nothing gets nothing."
    )


def test_the_loopback_exception_is_only_for_loopback_uris_registered_without_a_port(ex):
    registered = ["http://127.0.0.1:9000/fixed"]
    assert not answer(ex, "http://127.0.0.1:9000/fixed/../fixed", registered=registered), (
        "A dot-dot variant of a loopback URI registered with its port was accepted."
    )
    assert not answer(ex, "http://127.0.0.1/fixed", registered=registered), (
        "http://127.0.0.1/fixed was accepted for a client that registered only http://127.0.0.1:9000/fixed: the "
        "port was dropped."
    )
