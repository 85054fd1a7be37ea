"""Where the class's four origins live on the LAN, and whether the attacker's is another site.

The cross-site demos (CSRF, login CSRF, SameSite) teach what a browser does with a request from
*another site*. A browser compares sites, not origins: the scheme and the registrable domain,
ports ignored. So an attacker page on http://10.0.0.5:8003 is the *same site* as the app on
http://10.0.0.5:8000: every SameSite=Lax cookie rides along and the demos would silently teach
that SameSite does not work. The attacker's origin needs another host: a second address of the
machine, or a name students' machines resolve to this one (an mDNS `.local` name, a LAN DNS
name). An IP address and a name are different sites even when the name resolves to that IP.
"""

import contextlib
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit


def site(url):
    """The browser's "site" of a URL: (scheme, registrable domain), ports ignored.

    An IP address is its own site. For a name, the registrable domain is its last two labels
    (public suffix list's default rule, "*"): right for LAN names (laptop.local, lab.example),
    and for `localhost` and `attacker.localhost`, which browsers treat as two sites. Multi-label
    public suffixes (co.uk) are not LAN names and are not handled.
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower().rstrip(".")
    try:
        ipaddress.ip_address(host)
        return parts.scheme, host
    except ValueError:
        return parts.scheme, ".".join(host.split(".")[-2:])


def cross_site(url, other):
    return site(url) != site(other)


def lan_addresses():
    """This machine's IPv4 addresses other than loopback, best first (the default route's first).

    No packet is sent: connect() on a UDP socket only asks the kernel which address it would
    use. In a room with no network at all the list is empty and the class runs on loopback.
    """
    found = []
    for probe in ("10.255.255.255", "192.168.255.255", "172.31.255.255"):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            try:
                udp.connect((probe, 9))
                found.append(udp.getsockname()[0])
            except OSError:
                continue
    with contextlib.suppress(OSError):
        found += socket.gethostbyname_ex(socket.gethostname())[2]
    usable = []
    for address in found:
        if not ipaddress.ip_address(address).is_loopback and address not in usable:
            usable.append(address)
    return usable


def resolves_here(name):
    try:
        return bool(socket.getaddrinfo(name, None, socket.AF_INET))
    except OSError:
        return False


@dataclass(frozen=True)
class Layout:
    """The host of the app, replica and provider; the attacker's host; and what that means."""

    host: str
    attacker_host: str
    why: str

    @property
    def cross_site(self):
        return cross_site(f"http://{self.host}/", f"http://{self.attacker_host}/")


def choose(host=None, attacker_host=None, addresses=None, hostname=None, resolves=resolves_here):
    """Pick the class's layout: the instructor's choices first, then the best this machine offers."""
    addresses = lan_addresses() if addresses is None else addresses
    hostname = (socket.gethostname() if hostname is None else hostname).split(".")[0]
    host = host or (addresses[0] if addresses else "localhost")
    if attacker_host:
        return Layout(host, attacker_host, "the attacker's host was given (--attacker-host)")
    if host == "localhost":
        return Layout(host, "attacker.localhost", "one machine: browsers resolve *.localhost to itself")
    others = [address for address in addresses if address != host]
    if others:
        return Layout(host, others[0], "this machine's second address")
    if hostname and resolves(f"{hostname}.local"):
        return Layout(host, f"{hostname}.local", "this machine's mDNS name (students' machines must resolve it)")
    if hostname and hostname != "localhost" and resolves(hostname):
        return Layout(host, hostname, "this machine's name on the LAN (students' machines must resolve it)")
    return Layout(
        host, host, "no second address or name found: set --attacker-host to a name that reaches this machine"
    )


def differences(chosen):
    """What this lab does that production must not, in the words the banner and the console share."""
    notes = [
        "Plain http on the LAN: no cookie is Secure, and browsers refuse a cookie marked Secure here, "
        "so the naive session twin's SameSite=None cookie is never set (its Lax one is).",
        "Every sandbox has demo accounts with public passwords, the naive twins and the attacker's site.",
    ]
    if not chosen.cross_site:
        notes.append(
            f"The attacker's site ({chosen.attacker_host}) is the same site as this app ({chosen.host}): "
            "the cross-site demos (CSRF, login CSRF, SameSite) cannot show a cross-site effect in this layout."
        )
    return notes
