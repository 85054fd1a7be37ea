"""The JWT lab page as served: every step present, every link alive, nothing inline (CSP)."""

import re


def test_the_lab_page_has_every_step(client):
    page = client.get("/jwt/").get_data(as_text=True)
    for anchor in ("inspector", "expiry", "storage", "keys", "revocation", "attacks"):
        assert f'id="{anchor}"' in page
    assert page.count('class="erratum-tag"') == 5


def test_every_link_on_the_lab_page_works(client, app):
    page = client.get("/jwt/").get_data(as_text=True)
    links = set(re.findall(r'href="([^"#]+)', page))
    local = sorted(link for link in links if link.startswith("/"))
    assert any(link.startswith("/source/blueprints/jwt/") for link in local)
    broken = []
    for link in local:
        with client.get(link) as response:  # static files are streamed: close them
            if response.status_code >= 400:
                broken.append(f"{link} -> {response.status_code}")
    assert not broken
    assert f"{app.config['ATTACKER_URL']}/attack/jwt-cookie-csrf" in links


def test_the_lab_page_has_no_inline_script_style_or_handlers(client):
    page = client.get("/jwt/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\")=?)[^>]*>", page)
    assert " style=" not in page
    assert not re.search(r"\son[a-z]+=", page)


def test_the_source_viewer_shows_every_jwt_module(client):
    for module in (
        "__init__",
        "blocklist",
        "cookies",
        "families",
        "inspector",
        "keys",
        "lab",
        "models",
        "routes",
        "tokens",
    ):
        assert client.get(f"/source/blueprints/jwt/{module}.py").status_code == 200


def test_jwt_7_no_form_of_the_lab_can_put_a_secret_in_a_url(client):
    page = client.get("/jwt/").get_data(as_text=True)
    forms = re.findall(r"<form[^>]*>", page)
    assert forms and all('method="post"' in form for form in forms)
