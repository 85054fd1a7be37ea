"""A class whose sandboxes live in one real PostgreSQL database: a schema per sandbox and party."""

import pytest
import sqlalchemy as sa

from tests.classroom.conftest import Instructor, alg_none_admin, join, jwt_sign_in, start_class


@pytest.fixture
def pg_class(tmp_path, postgres_database, resolving_localhost_names):
    running = start_class(tmp_path / "class", database_url=postgres_database, most_per_address=1000)
    yield running
    running.stop()


def schemas(url):
    engine = sa.create_engine(url)
    with engine.connect() as db:
        names = set(db.execute(sa.text("SELECT schema_name FROM information_schema.schemata")).scalars())
    engine.dispose()
    return names


def test_each_sandbox_gets_schemas_of_its_own_and_nothing_lands_in_public(pg_class, postgres_database):
    ada, bea = join(pg_class, "Ada"), join(pg_class, "Bea")
    for student in (ada, bea):
        jwt_sign_in(student)
        student.http.get(student.url("provider", "/.well-known/openid-configuration"), timeout=30)
    mine = {name for name in schemas(postgres_database) if name.startswith("sb_")}
    assert len([name for name in mine if name.startswith("sb_app_")]) == 2
    assert len([name for name in mine if name.startswith("sb_provider_")]) == 2
    engine = sa.create_engine(postgres_database)
    with engine.connect() as db:
        public = set(db.execute(sa.text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())
    engine.dispose()
    assert public <= {"classroom_sandboxes", "classroom_results"}


def test_a_token_of_one_postgres_sandbox_is_refused_in_another(pg_class):
    ada, bea = join(pg_class, "Cy"), join(pg_class, "Di")
    token = jwt_sign_in(ada)["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert ada.http.get(ada.url("app", "/jwt/protected"), headers=headers, timeout=30).status_code == 200
    assert bea.http.get(bea.url("app", "/jwt/protected"), headers=headers, timeout=30).status_code == 401


def test_the_register_and_the_progress_live_in_postgres_and_survive_a_restart(
    tmp_path, postgres_database, resolving_localhost_names
):
    first = start_class(tmp_path / "class", database_url=postgres_database)
    student = join(first, "Eve")
    alg_none_admin(student)
    first.stop()
    assert not (tmp_path / "class" / "classroom.sqlite").exists()
    again = start_class(tmp_path / "class", ports=first.settings.ports, database_url=postgres_database)
    try:
        teacher = Instructor(again)
        teacher.sign_in()
        assert [c["id"] for c in teacher.student("Eve")["solved"]] == ["jwt-alg-none"]
    finally:
        again.stop()


def test_a_reset_drops_the_old_schemas(pg_class, postgres_database):
    fay = join(pg_class, "Fay")
    jwt_sign_in(fay)
    before = {name for name in schemas(postgres_database) if name.startswith("sb_app_")}
    teacher = Instructor(pg_class)
    teacher.sign_in()
    teacher.reset(teacher.student("Fay")["handle"])
    jwt_sign_in(fay)
    after = {name for name in schemas(postgres_database) if name.startswith("sb_app_")}
    assert len(after) == 1 and not before & after
