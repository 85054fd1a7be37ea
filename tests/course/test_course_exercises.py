"""The exercises in the app: /exercises lists every one, /exercises/<slug> renders its README safely
and gives its hints one at a time, each after a form post of its own."""

import re

import pytest
from markupsafe import escape

from blueprints.course.exercises import markdown_to_html, render_readme
from exercises import CATALOG
from exercises.hints import ladder, parse

CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')
FIRST = CATALOG[0]


def test_the_list_shows_every_exercise_with_difficulty_and_time(client):
    page = client.get("/exercises").get_data(as_text=True)
    for exercise in CATALOG:
        assert f'href="/exercises/{exercise.slug}"' in page
        assert str(escape(exercise.title)) in page
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
    assert f'href="/source/{exercise.path}/exercise.py"' in page
    assert f'href="/source/{exercise.path}/check.py"' in page
    assert f"<code>make exercise {exercise.number}</code>" in page
    assert "TODO(student)" in page  # the starter code, shown on the page
    # The hint ladder sits before "When you are done", closed: a button for the first rung only.
    assert page.index('id="hint-ladder"') < page.index('id="when-you-are-done"')
    assert f"Show hint 1 of {len(ladder(exercise))}" in page
    assert 'class="hint"' not in page


def page_of(client, exercise=FIRST):
    return client.get(f"/exercises/{exercise.slug}").get_data(as_text=True)


def climb(client, action="next", exercise=FIRST, **extra):
    """Press the ladder's button: a form post with this page's CSRF token."""
    token = CSRF_FIELD.search(page_of(client, exercise)).group(1)
    return client.post(f"/exercises/{exercise.slug}/hints", data={"csrf_token": token, "action": action}, **extra)


def shown_titles(client, exercise=FIRST):
    return re.findall(r'<h3 id="hint-\d+-title">([^<]+)</h3>', page_of(client, exercise))


def test_a_hint_appears_only_after_it_is_asked_for(client):
    hints = ladder(FIRST)
    response = climb(client)
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/exercises/{FIRST.slug}#hint-1")
    page = page_of(client)
    assert shown_titles(client) == [f"Hint 1 of {len(hints)}: {hints[0].title}"]
    assert hints[1].title not in page  # the next rung is not in the page at all, hidden or folded
    assert f"Show hint 2 of {len(hints)}" in page


def test_each_press_shows_one_more_hint_and_never_more_than_there_are(client):
    hints = ladder(FIRST)
    for _ in range(len(hints) + 2):
        climb(client)
    page = page_of(client)
    assert len(shown_titles(client)) == len(hints)
    assert "data-hints-all-shown" in page and "Show hint" not in page
    assert f"python -m exercises {FIRST.number} --solution" in page


def test_folding_the_hints_starts_the_ladder_again(client):
    climb(client)
    climb(client)
    response = climb(client, "hide")
    assert response.headers["Location"].endswith("#hint-ladder")
    assert shown_titles(client) == []


def test_each_browser_climbs_its_own_ladder(app, client):
    climb(client)
    assert shown_titles(app.test_client()) == []


def test_each_exercise_has_its_own_ladder(client):
    climb(client)
    assert shown_titles(client, CATALOG[1]) == []


def test_a_hint_post_without_the_csrf_token_is_refused(client):
    page_of(client)
    response = client.post(f"/exercises/{FIRST.slug}/hints", data={"action": "next"})
    assert response.status_code == 400
    assert shown_titles(client) == []


def test_a_hint_post_from_another_site_is_refused(client):
    response = climb(client, headers={"Origin": "http://attacker.localhost:8003"})
    assert response.status_code in (400, 403)
    assert shown_titles(client) == []


@pytest.mark.parametrize("action", ["", "all", "next" * 1000], ids=["empty", "unknown", "long"])
def test_an_unknown_action_is_a_clear_400(client, action):
    response = climb(client, action)
    assert response.status_code == 400
    assert "action=next" in response.get_data(as_text=True)
    assert shown_titles(client) == []


def test_hints_for_an_unknown_exercise_are_404(client):
    token = CSRF_FIELD.search(page_of(client)).group(1)
    response = client.post("/exercises/99-nope/hints", data={"csrf_token": token, "action": "next"})
    assert response.status_code == 404


def test_the_source_viewer_never_shows_a_solution(client):
    assert client.get(f"/source/exercises/solutions/{FIRST.solution_path.name}").status_code == 404
    assert client.get("/source/exercises/solutions/README.md").status_code == 404


def test_a_hint_renders_its_markdown_safely(app):
    hints = parse("## Hint 1: a <b>title</b>\n\nbody <script>alert(1)</script> and `code`\n")
    with app.test_request_context():
        html = str(markdown_to_html(hints[0].body))
    assert "<script" not in html and "&lt;script&gt;" in html and "<code>code</code>" in html
    assert hints[0].title == "a <b>title</b>"  # shown through Jinja, which escapes it


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


def test_a_readme_renders_in_two_parts_around_when_you_are_done(app):
    readme = "# Exercise\n\n## Hints\n\nmake hint 1\n\n## When you are done\n\n- think\n"
    with app.test_request_context():
        before, done = render_readme(readme, "exercises/01-jwt-role-required")
    assert "make hint 1" in before and "When you are done" not in before
    assert done.startswith('<h2 id="when-you-are-done">') and "think" in done


def test_a_hints_file_is_read_as_numbered_rungs():
    hints = parse("# Hints\n\nintro\n\n## Hint 1: first\n\none\n\n## Hint 2: second\n\ntwo\n## Not a hint\n")
    assert [(hint.number, hint.title) for hint in hints] == [(1, "first"), (2, "second")]
    assert hints[0].body == "one" and hints[1].body == "two\n## Not a hint"
