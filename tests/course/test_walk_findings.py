"""What the walk through the course pages found (issue 14 §5, item 9), each as the rule it broke.

The article lists the errata of the errata copy, as the JWT lab does; the benchmark says when a
difference is noise; the requirements files point to sections that exist; the OAuth attack
bench never ends a refusal on an empty detail, and shows each run's exchanges on a wire panel.
"""

import json
import re
from pathlib import Path

import pytest
from joserfc.errors import BadSignatureError, InvalidKeyIdError

from blueprints.course import article, bench
from tests.oauth_flow import LiveDance, csrf_token
from vulnerable.oauth_attacks import refusal_words

ROOT = Path(__file__).resolve().parents[2]
# The errata copy: docs/article.md is the app's copy of the seed, its Erratum bullets the list.
ERRATA_COPY = ROOT / "docs" / "article.md"
SECTIONS = {"jwt": "## 1.", "session": "## 2.", "oauth": "## 3."}


def copy_bullets(slug):
    """The Erratum bullets of one section of docs/article.md, each as one line of text."""
    text = ERRATA_COPY.read_text()
    section = text.split(SECTIONS[slug], 1)[1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- \*\*Erratum:\*\* (.*?)(?=^- |\n\n|\Z)", section, re.S | re.M)
    return [" ".join(bullet.split()) for bullet in bullets]


# --- Item 9d: the errata, one list -------------------------------------------------------


@pytest.mark.parametrize("slug", SECTIONS)
def test_each_erratum_of_the_article_page_is_one_bullet_of_the_errata_copy(slug):
    example = article.BY_SLUG[slug]
    bullets = copy_bullets(slug)
    matched = [[b for b in bullets if b.startswith(e.copy) or e.copy in b] for e in example.errata + example.advice]
    assert all(len(found) == 1 for found in matched), matched
    assert sorted(found[0] for found in matched) == sorted(bullets)


@pytest.mark.parametrize("slug", SECTIONS)
def test_the_article_page_lists_as_many_errata_as_the_errata_copy(client, slug):
    page = client.get(f"/article/{slug}").get_data(as_text=True)
    assert page.count("<li data-erratum>") == len(copy_bullets(slug))


def test_the_article_index_counts_the_errata_of_the_errata_copy(client):
    page = client.get("/article/").get_data(as_text=True)
    for slug in SECTIONS:
        assert f"{len(copy_bullets(slug))} errata," in page


def test_the_jwt_lab_lists_the_same_errata_as_the_article(client):
    page = client.get("/jwt/").get_data(as_text=True)
    errata = page.split('id="errata-title"', 1)[1].split("</section>", 1)[0]
    assert errata.count('<span class="erratum-tag">Erratum</span>') == len(copy_bullets("jwt"))


def test_what_the_app_corrects_beyond_the_errata_is_shown_apart(client):
    page = client.get("/article/jwt").get_data(as_text=True)
    also = page.split('id="also-title"', 1)[1]
    assert "A placeholder secret in the code" in also and "erratum-tag" not in also.split("</section>", 1)[0]


# --- Item 9e: the benchmark's noise ------------------------------------------------------


def reference():
    return json.loads(bench.REFERENCE.read_text())


def bench_page(client, monkeypatch, tmp_path, results):
    path = tmp_path / "latest.json"
    path.write_text(json.dumps(results))
    monkeypatch.setattr(bench, "LATEST", path)
    return client.get("/bench").get_data(as_text=True)


def ablation_cells(page):
    table = page.split('id="ablation-title"', 1)[1].split("</table>", 1)[0]
    return re.findall(r"<tr data-ablation-row><th scope=\"row\">(.*?)</th>\s*<td>(.*?)</td>", table, re.S)


def test_bench_shows_no_negative_cost_as_a_cost(client, monkeypatch, tmp_path):
    cells = ablation_cells(bench_page(client, monkeypatch, tmp_path, reference()))
    assert cells
    for label, cell in cells:
        assert not re.match(r"\s*-", cell), (label, cell)


def test_bench_shows_a_difference_inside_the_noise_as_such(client, monkeypatch, tmp_path):
    results = reference()
    results["ablation"]["cost_us"] = {"CSRF origin policy (PW-5)": -0.7}
    page = bench_page(client, monkeypatch, tmp_path, results)
    assert ablation_cells(page) == [("CSRF origin policy (PW-5)", "within the noise (measured -0.7 µs)")]


def test_bench_states_the_noise_it_judges_by(client, monkeypatch, tmp_path):
    results = reference()
    baseline = results["inprocess"]["baseline"]
    noise = baseline["p75_us"] - baseline["p25_us"]
    page = bench_page(client, monkeypatch, tmp_path, results)
    assert f"±{noise:.1f} µs (the interquartile range of the baseline timing, the same route)" in page


def test_bench_shows_a_cost_above_the_noise_as_measured(client, monkeypatch, tmp_path):
    results = reference()
    results["ablation"]["cost_us"] = {"security headers": 10.9}
    assert ablation_cells(bench_page(client, monkeypatch, tmp_path, results)) == [("security headers", "10.9 µs")]


def test_bench_flags_a_negative_beyond_the_noise_as_a_busy_machine(client, monkeypatch, tmp_path):
    results = reference()
    results["ablation"]["cost_us"] = {"trusted Host check": -25.0}
    (_, cell), *_ = ablation_cells(bench_page(client, monkeypatch, tmp_path, results))
    assert cell.startswith("not measurable here (measured -25.0 µs") and "make bench" in cell


def test_bench_without_a_baseline_judges_by_one_percent_of_the_median(client, monkeypatch, tmp_path):
    results = reference()
    del results["inprocess"]["baseline"]
    results["ablation"].update(full_median_us=100.0, cost_us={"a piece": 0.9})
    page = bench_page(client, monkeypatch, tmp_path, results)
    assert "±1.0 µs (1% of the median)" in page
    assert ablation_cells(page) == [("a piece", "within the noise (measured 0.9 µs)")]


# --- Item 9f: the requirements files point to sections that exist -------------------------

POINTER = re.compile(r'(README|docs/[\w.-]+\.md) "([^"]+)"')


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_section_a_requirements_file_names_exists(name):
    pointers = POINTER.findall((ROOT / name).read_text())
    for document, section in pointers:
        path = ROOT / ("README.md" if document == "README" else document)
        headings = [line.lstrip("#").strip() for line in path.read_text().splitlines() if line.startswith("#")]
        assert section in headings, f"{name} points to {document} {section!r}, which has no such section"


def test_requirements_txt_says_where_its_stack_is_explained():
    assert POINTER.search((ROOT / "requirements.txt").read_text())


# --- Item 9i: the OAuth attack bench -----------------------------------------------------


def test_a_refusal_with_an_empty_description_is_said_in_words():
    words = refusal_words(BadSignatureError())
    assert words == "BadSignatureError: the signature does not verify with the key the header names"


def test_a_refusal_with_a_description_keeps_it():
    assert refusal_words(InvalidKeyIdError("No key for kid: 'k1'")) == "InvalidKeyIdError: No key for kid: 'k1'"


def test_a_value_error_without_words_still_says_refused():
    assert refusal_words(ValueError()) == "ValueError: refused"


@pytest.fixture
def oauth_bench(live):
    dance = LiveDance(live)

    def run(attack):
        page = dance.page("/vulnerable/oauth/").text
        response = dance.http.post(
            f"{live.app_url}/vulnerable/oauth/run/{attack}",
            data={"csrf_token": csrf_token(page)},
            headers={"Origin": live.app_url},
            allow_redirects=False,
        )
        assert response.status_code == 302
        return dance.page("/vulnerable/oauth/").text

    return run


def run_records(page, attack):
    """The exchanges the bench page embeds in the wire panel of one attack's result."""
    panel = page.split(f'id="{attack}-wire"', 1)[1].split("</section>", 1)[0]
    data = re.search(r'<script type="application/json" data-wire-records>(.*?)</script>', panel, re.S)
    return json.loads(data.group(1))


def test_the_id_token_attack_ends_no_refusal_on_an_empty_detail(oauth_bench):
    page = oauth_bench("id-token")
    real = page.split('data-bench="id-token-real"', 1)[1].split("</div>", 1)[0]
    assert ": )" not in real
    assert "the signature does not verify with the key the header names" in real


def test_each_attack_run_shows_its_exchanges_on_a_wire_panel(oauth_bench):
    records = run_records(oauth_bench("code-injection"), "code-injection")
    assert len(records) >= 10
    assert any(r["response"]["status"].startswith("302") for r in records)
    assert any("/oauth/callback?code=" in r["request"]["url"] for r in records)


def test_the_bench_wire_panel_masks_the_passwords_and_the_client_secret(oauth_bench, live):
    records = json.dumps(run_records(oauth_bench("code-replay"), "code-replay"))
    assert "wonderland" not in records
    assert live.app.config["BUILTIN_CLIENT_SECRET"] not in records


def test_the_bench_wire_panel_leaves_out_html_bodies(oauth_bench):
    records = run_records(oauth_bench("redirect-uri"), "redirect-uri")
    pages = [r for r in records if "text/html" in json.dumps(r["response"]["headers"])]
    assert pages and all(r["response"]["body"].startswith("(an HTML page of") for r in pages if r["response"]["body"])
