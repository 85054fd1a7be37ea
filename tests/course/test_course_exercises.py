"""The exercises in the app: /exercises lists every one, /exercises/<slug> renders its README safely."""

import re

import pytest

from blueprints.course.exercises import markdown_to_html, render_readme
from exercises import CATALOG


def test_the_list_shows_every_exercise_with_difficulty_and_time(client):
    page = client.get("/exercises").get_data(as_text=True)
    for exercise in CATALOG:
        assert f'href="/exercises/{exercise.slug}"' in page
        assert exercise.title in page
        assert f"about {exercise.minutes} min" in page
        assert f"make exercise {exercise.number}" in page
    assert page.count("<td>easy</td>") + page.count("<td>medium</td>") + page.count("<td>hard</td>") == len(CATALOG)


def test_the_header_links_to_the_exercises(client):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/exercises"' in page
    assert re.search(
        r'href="/exercises" aria-current="page">Exercises<', client.get("/exercises").get_data(as_text=True)
    )


@pytest.mark.parametrize("exercise", CATALOG, ids=[exercise.slug for exercise in CATALOG])
def test_each_exercise_page_renders_its_readme_and_how_to_check_it(client, exercise):
    response = client.get(f"/exercises/{exercise.slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"Exercise {exercise.number}" in page
    assert '<h2 id="hints">Hints</h2>' in page
    assert page.count('<details class="hint">') >= 2  # the README's hints, folded
    assert f'href="/source/{exercise.path}/exercise.py"' in page
    assert f'href="/source/{exercise.path}/check.py"' in page
    assert f"<code>make exercise {exercise.number}</code>" in page
    assert "TODO(student)" in page  # the starter code, shown on the page
    assert "&lt;details&gt;" not in page  # hints became real <details>, not escaped text


def test_the_starter_link_opens_in_the_source_viewer(client):
    response = client.get(f"/source/{CATALOG[0].path}/exercise.py")
    assert response.status_code == 200
    assert "role_required" in response.get_data(as_text=True)


def test_an_unknown_exercise_is_404(client):
    assert client.get("/exercises/99-nope").status_code == 404
    assert client.get("/exercises/..%2F..%2Fconfig.py").status_code == 404


def test_readme_markdown_renders_fenced_code_and_tables():
    html = markdown_to_html("| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nprint('<hi>')\n```\n")
    assert "<table>" in html and "<td>1</td>" in html
    assert "<code class=\"language-python\">print('&lt;hi&gt;')" in html


@pytest.mark.parametrize(
    "source",
    [
        "<script>alert(1)</script>",
        "text <img src=x onerror=alert(1)> text",
        '<div onclick="alert(1)">block</div>',
        "<iframe src=https://evil.example></iframe>",
        "<!-- a comment --><style>body{display:none}</style>",
    ],
    ids=["script", "inline img", "block div", "iframe", "style"],
)
def test_readme_markdown_escapes_raw_html(source):
    html = markdown_to_html(source)
    assert "<script" not in html and "<img" not in html and "<div" not in html
    assert "<iframe" not in html and "<style" not in html and "<!--" not in html
    assert "&lt;" in html


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>"]
)
def test_readme_links_cannot_run_script(link):
    html = markdown_to_html(f"[click]({link})")
    assert "javascript" not in html.lower() and "data:" not in html
    assert html == "<p><span>click</span></p>"


def test_a_lab_named_in_code_becomes_a_link_to_it():
    html = markdown_to_html("Open the JWT lab (`/jwt/`), not `/jwt/admin` or `x /jwt/`.\n\n    /session/\n")
    assert 'lab (<a href="/jwt/"><code>/jwt/</code></a>), not <code>/jwt/admin</code>' in html
    assert html.count("<a ") == 1  # nothing else, and never inside a code block


def test_relative_readme_links_open_in_the_source_viewer(app):
    with app.test_request_context():
        html = markdown_to_html("[the starter](exercise.py) [nowhere](missing.py)", "exercises/01-jwt-role-required")
    assert 'href="/source/exercises/01-jwt-role-required/exercise.py"' in html
    assert "<span>nowhere</span>" in html


def test_only_well_formed_hints_become_details(app):
    readme = "intro\n\n<details>\n<summary>Hint <b>1</b></summary>\n\nbody <script>x</script>\n</details>\n"
    with app.test_request_context():
        html = str(render_readme(readme, "exercises/01-jwt-role-required"))
    assert "<details" not in html and "&lt;details&gt;" in html  # a summary with markup is not a hint
    readme = "<details>\n<summary>Hint 1: <script></summary>\n\nbody\n</details>\n"
    with app.test_request_context():
        html = str(render_readme(readme, "exercises/01-jwt-role-required"))
    assert "<script" not in html
