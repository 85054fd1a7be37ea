"""`make classroom`: serve the whole lab to a class on the LAN, offline, from this machine.

    python -m classroom [--host ADDRESS] [--attacker-host NAME] [--accept-results]
                        [--sandbox-hours N] [--ports 8000,8001,8002,8003] [--folder PATH]

It picks the layout (layout.py: the attacker's site must be another site), prints the address
students open and the instructor's password, and serves the four origins, each a process of
its own (run.supervise), until Ctrl-C.
"""

import argparse
import contextlib
import os
import signal
import socket
import subprocess  # nosec B404
import sys
from pathlib import Path

import run

from . import layout, settings, site

ROOT = Path(__file__).resolve().parent.parent


def parse(argv):
    parser = argparse.ArgumentParser(prog="make classroom", description="Serve the lab to a class on the LAN.")
    parser.add_argument("--host", help="the address students type (default: this machine's LAN address)")
    parser.add_argument("--attacker-host", help="another name or address of this machine, for the attacker's site")
    parser.add_argument("--ports", default="8000,8001,8002,8003", help="app,provider,replica,attacker")
    parser.add_argument("--sandbox-hours", type=float, default=24.0, help="idle hours before a sandbox is deleted")
    parser.add_argument("--accept-results", action="store_true", help="let students send `make exercise N` results")
    parser.add_argument(
        "--folder", default=str(ROOT / "instance" / "classroom"), help="where the class keeps its state"
    )
    parser.add_argument("--serve", choices=settings.ROLES, help=argparse.SUPPRESS)  # one origin, in a child
    return parser.parse_args(argv)


def child_environment(chosen, options):
    env = dict(os.environ)
    env.update(
        APP_ENV="development",
        AUTHLIB_INSECURE_TRANSPORT="1",  # plain http on the LAN: a lab, never production
        PYTHONUNBUFFERED="1",
        CLASSROOM_FOLDER=options.folder,
        CLASSROOM_HOST=chosen.host,
        CLASSROOM_ATTACKER_HOST=chosen.attacker_host,
        CLASSROOM_PORTS=options.ports,
        CLASSROOM_SANDBOX_HOURS=str(options.sandbox_hours),
        CLASSROOM_ACCEPT_RESULTS="1" if options.accept_results else "",
    )
    return env


def serve(role):
    """One origin of the class, in this process: every address of the machine, threaded."""
    from werkzeug.serving import run_simple

    from . import create_origin

    chosen = settings.from_environment()
    origin = create_origin(role, chosen)
    # Deliberately on the network (make run binds loopback only): students' laptops must reach
    # it. Host headers other than the class's names are refused by each party (TRUSTED_HOSTS).
    run_simple("0.0.0.0", chosen.ports[settings.ROLES.index(role)], origin, threaded=True)  # noqa: S104  # nosec B104


def busy(ports):
    taken = []
    for port in ports:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                taken.append(port)
    return taken


def main(argv):
    options = parse(argv)
    if os.environ.get("APP_ENV") == "production":
        print("classroom mode is a lab (naive twins, demo accounts, http): not for APP_ENV=production", file=sys.stderr)
        return 2
    shared = settings.shared_secrets_set()
    if shared:
        print(
            f"classroom mode gives every sandbox its own secrets; unset {', '.join(shared)} (one value for all "
            "would let one student's tokens work in another's sandbox)",
            file=sys.stderr,
        )
        return 2
    if options.serve:
        signal.signal(signal.SIGTERM, run.stop)
        with contextlib.suppress(KeyboardInterrupt):
            serve(options.serve)
        return 0
    try:
        ports = [int(port) for port in options.ports.split(",")]
    except ValueError:
        ports = []
    if len(ports) != len(settings.ROLES):
        print("--ports needs four port numbers: app,provider,replica,attacker", file=sys.stderr)
        return 2
    taken = busy(ports)
    if taken:
        print(
            f"cannot start: port(s) {', '.join(map(str, taken))} in use (stop `make run`, or pass --ports)",
            file=sys.stderr,
        )
        return 1
    chosen = layout.choose(options.host, options.attacker_host)
    env = child_environment(chosen, options)
    class_settings = settings.from_environment(env)
    password = site.own_secrets(class_settings)["password"]
    signal.signal(signal.SIGINT, run.stop)
    signal.signal(signal.SIGTERM, run.stop)
    children = {
        role: subprocess.Popen([sys.executable, "-m", "classroom", "--serve", role, *argv], env=env, cwd=ROOT)  # noqa: S603  # nosec B603
        for role in settings.ROLES
    }
    print(f"\n  Students open:        {class_settings.origin('app')}/")
    print(f"  Instructor:           {class_settings.origin('app')}/instructor/   password: {password}")
    print(f"  Attacker's site on:   {chosen.attacker_host} ({chosen.why})")
    print("  This is a lab, not production. Deliberate differences:")
    for note in layout.differences(chosen):
        print(f"    - {note}")
    print()
    return run.supervise(children)
