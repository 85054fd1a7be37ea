"""Every control of the security checklist has code that enforces it and a test named after it."""

import pytest

from blueprints.course.controls import ENFORCED_IN, controls, parse_checklist
from blueprints.source import ROOT, resolve, source_url

CONTROLS = controls()

# Controls new in the checklist whose open issue has not landed yet, with that number.
# Empty once those issues are resolved: then every control must have its test and its code.
PENDING = {}
DONE = [c for c in CONTROLS if c.id not in PENDING]


@pytest.fixture(scope="module")
def context(tmp_path_factory):
    """One request context to build source links in (an app per control would be slow)."""
    from app import create_app
    from tests.conftest import app_config

    app = create_app(app_config(tmp_path_factory.mktemp("controls")))
    with app.test_request_context():
        yield


def test_the_checklist_copy_holds_every_control_of_the_project_checklist():
    ours = [row[0] for row in parse_checklist((ROOT / "docs" / "security-checklist.md").read_text())]
    shared = ROOT.parent / "shared" / "security-checklist.md"  # beside a clone of the project
    expected = [row[0] for row in parse_checklist(shared.read_text())] if shared.exists() else ours
    assert ours == expected
    assert len(ours) == 52 and len(set(ours)) == 52  # JWT 8, SES 6, OC 5, AS 14, PW 7, HDR 8, LAB 4


def test_pending_controls_are_controls_of_the_checklist():
    assert set(PENDING) <= {c.id for c in CONTROLS}


@pytest.mark.parametrize("control", DONE, ids=[c.id for c in DONE])
def test_every_control_has_a_test_named_after_it(control):
    assert control.tests, f"no test is named test_{control.slug}_... for {control.id}: {control.text}"


@pytest.mark.parametrize("control", DONE, ids=[c.id for c in DONE])
def test_every_control_links_to_code_that_exists(context, control):
    assert control.id in ENFORCED_IN, f"{control.id} names no code"
    for path, symbol in control.code:
        assert resolve(path), f"{control.id}: {path} is not a module"
        source_url(path, symbol)  # raises if the symbol is gone


def test_the_contract_copy_matches_the_project_contract():
    shared = ROOT.parent / "shared" / "contract.md"  # beside a clone of the project
    ours = (ROOT / "docs" / "contract.md").read_text()
    assert ours == (shared.read_text() if shared.exists() else ours)
    assert "## JSON endpoints that mirror the article's Express examples" in ours
