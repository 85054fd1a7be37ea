"""Every page of the app, the provider and the attacker site, in Chromium: no CSP violation,
no script error, no broken stylesheet or script."""

import pytest

pytestmark = pytest.mark.browser

# Pages that take an argument, with a representative value.
WITH_ARGUMENTS = {
    "source.show": "/source/security.py",
    "course.article": "/article/jwt",
}


def html_pages(app, base):
    """URLs of the app's GET routes that answer with a page."""
    client = app.test_client()
    urls = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint.endswith("static"):
            continue
        path = WITH_ARGUMENTS.get(rule.endpoint) if rule.arguments else rule.rule
        if not path:
            continue
        response = client.get(path, headers={"Accept": "text/html"})
        if response.status_code == 200 and response.mimetype == "text/html":
            urls.append(base + path)
    return sorted(set(urls))


def test_no_page_violates_the_csp_or_logs_a_script_error(live, page):
    urls = html_pages(live.app, live.app_url) + html_pages(live.provider, live.provider_url) + [live.attacker_url + "/"]
    failed_assets = []
    # A load cut short by the next navigation (net::ERR_ABORTED) is not a broken asset.
    page.on(
        "requestfailed",
        lambda request: None if "ERR_ABORTED" in (request.failure or "") else failed_assets.append(request.url),
    )
    visited = 0
    for url in urls:
        response = page.goto(url)
        assert response.status == 200, url
        visited += 1
    assert visited >= 10
    assert not failed_assets
    # The `page` fixture fails the test on any CSP violation or script error logged above.
