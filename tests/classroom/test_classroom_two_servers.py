"""Two class servers on one folder and store (behind one address): one set of sandboxes."""

from werkzeug.test import Client

from classroom import create_origin
from tests.classroom.conftest import Instructor, join, jwt_sign_in


def second_server(running):
    """Another app-origin server of the same class, reached through the same host name and port."""
    client = Client(create_origin("app", running.settings))
    host = running.settings.origin("app").removeprefix("http://")
    return lambda method, path, **kw: client.open(
        path, method=method, headers={"Host": host, **kw.pop("headers", {})}, **kw
    )


def test_a_sandbox_joined_on_one_server_is_served_by_the_other(a_class):
    student = join(a_class, "Ola")
    other = second_server(a_class)
    token = jwt_sign_in(student)["access_token"]
    answer = other("GET", f"/s/{student.key}/jwt/protected", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_a_reset_on_one_server_holds_on_the_other_at_its_very_next_request(a_class):
    student = join(a_class, "Pia")
    other = second_server(a_class)
    token = jwt_sign_in(student)["access_token"]
    assert (
        other("GET", f"/s/{student.key}/jwt/protected", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    )
    teacher = Instructor(a_class)
    teacher.sign_in()
    teacher.reset(teacher.student("Pia")["handle"])
    assert (
        other("GET", f"/s/{student.key}/jwt/protected", headers={"Authorization": f"Bearer {token}"}).status_code == 401
    )
