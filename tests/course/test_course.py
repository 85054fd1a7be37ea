"""The course pages: the article side by side, compare, the benchmark report, the checklist."""

import json

import pytest

from blueprints.course import article, bench, compare

SLUGS = [example.slug for example in article.EXAMPLES]


def test_the_article_index_lists_the_three_examples(client):
    page = client.get("/article/").get_data(as_text=True)
    for example in article.EXAMPLES:
        assert example.title.split(":")[0] in page


@pytest.mark.parametrize("slug", SLUGS)
def test_each_example_shows_the_article_code_corrected_express_and_flask(client, slug):
    page = client.get(f"/article/{slug}").get_data(as_text=True)
    for column in ("As the article gives it", "Corrected Express", "This app, in Flask"):
        assert column in page


@pytest.mark.parametrize("slug", SLUGS)
def test_every_erratum_is_marked_on_the_line_it_concerns(client, slug):
    example = article.BY_SLUG[slug]
    code = article.article_code_blocks()[example.index]
    page = client.get(f"/article/{slug}").get_data(as_text=True)
    assert page.count('class="line erratum-line"') == len({article.line_of(code, e.where) for e in example.errata})


def test_the_article_code_is_quoted_exactly_from_docs_article_md():
    blocks = article.article_code_blocks()
    assert len(blocks) == 3
    assert "app.use(jwt({" in blocks[0] and "req.session.user = user;" in blocks[1] and "getToken(code)" in blocks[2]


@pytest.mark.parametrize("slug", SLUGS)
def test_every_flask_counterpart_names_real_code(slug):
    for mapping in article.BY_SLUG[slug].mappings:
        assert article.flask_code(*mapping.flask).strip()


def test_an_unknown_example_is_a_404(client):
    assert client.get("/article/cobol").status_code == 404


def test_the_decision_guide_recommends_sessions_for_a_web_app_on_one_instance(client):
    page = client.get("/compare?callers=pages&identity=own&delegation=no&logout=now&instances=one").get_data(
        as_text=True
    )
    assert "server-side session" in page


def test_the_decision_guide_recommends_asymmetric_jwts_for_services_that_share_nothing():
    text, reasons = compare.recommend({"callers": "programs", "instances": "separate", "logout": "minutes"})
    assert "RS256" in text
    assert any("public key" in reason for reason in reasons)


def test_the_decision_guide_recommends_oidc_when_users_sign_in_elsewhere():
    text, _ = compare.recommend({"callers": "pages", "identity": "external"})
    assert "OpenID Connect" in text


def test_the_decision_guide_ignores_answers_it_does_not_offer(client):
    response = client.get("/compare?callers=<script>&instances=moon")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)


def test_the_bench_page_explains_how_to_measure_when_there_are_no_results(client, monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "LATEST", tmp_path / "none.json")
    monkeypatch.setattr(bench, "REFERENCE", tmp_path / "none-either.json")
    assert "make bench" in client.get("/bench").get_data(as_text=True)


def test_the_bench_page_charts_the_results_it_finds(client, monkeypatch, tmp_path):
    results = {
        "date": "2026-11-28T00:00:00+00:00",
        "quick": True,
        "machine": {"cores": 2, "processor": "x86_64", "python": "3.11.7"},
        "floor": {"PyJWT decode HS256": {"median_us": 24.0}},
        "inprocess": {
            "baseline": {
                "name": "No auth (baseline)",
                "group": "baseline",
                "median_us": 100.0,
                "spread_pct": 1,
                "auth_cost_us": 0.0,
                "ratio_to_baseline": 1.0,
                "credential_bytes": 0,
            },
            "jwt-hs256": {
                "name": "JWT HS256, header",
                "group": "jwt",
                "median_us": 250.0,
                "spread_pct": 2,
                "auth_cost_us": 150.0,
                "ratio_to_baseline": 2.5,
                "credential_bytes": 600,
            },
        },
        "bare_twins": {},
        "pages": {"/": {"median_ms": 1.0, "within_target": True}},
        "make_run_first_page_s": 1.5,
    }
    latest = tmp_path / "latest.json"
    latest.write_text(json.dumps(results))
    monkeypatch.setattr(bench, "LATEST", latest)
    page = client.get("/bench").get_data(as_text=True)
    assert page.count('class="bar bar-') == 2
    assert "JWT HS256, header" in page


def test_the_bench_page_charts_the_ratios_against_the_peers_with_the_numbers_beside(client, monkeypatch, tmp_path):
    row = {
        "label": "GET /jwt/protected vs express-jwt GET /protected",
        "group": "jwt",
        "ours_median_rps": 281.0,
        "peer_median_rps": 1100.0,
        "ours_p99_ms": 40.0,
        "peer_p99_ms": 9.0,
        "ratio": 0.26,
        "pair_ratios": [0.24, 0.26, 0.3],
        "target": 1.0,
        "meets_target": False,
    }
    results = {
        "date": "2026-12-01T00:00:00+00:00",
        "quick": False,
        "machine": {"cores": 2, "processor": "x86_64", "python": "3.11.7"},
        "versus": {"load_generator": "wrk", "connections": 16, "seconds": 5, "pairs": 3, "rows": {"jwt": row}},
    }
    latest = tmp_path / "latest.json"
    latest.write_text(json.dumps(results))
    monkeypatch.setattr(bench, "LATEST", latest)
    response = client.get("/bench")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert page.count('class="bar bar-jwt"') == 1
    assert "0.26×" in page
    assert '<th scope="row">GET /jwt/protected vs express-jwt GET /protected</th>' in page
    assert "not met" in page


def test_the_checklist_page_lists_every_control_of_the_checklist(client):
    from blueprints.course.controls import controls

    page = client.get("/checklist").get_data(as_text=True)
    for control in controls():
        assert f'id="{control.id}"' in page
