"""Two students and the instructor at once, in Chromium: join, sign up, a challenge, the dashboard."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

ALG_NONE = """async () => {
  const b64 = (value) => btoa(JSON.stringify(value)).replace(/\\+/g, "-").replace(/\\//g, "_").replace(/=+$/, "");
  const root = location.pathname.match(/^\\/s\\/[^/]+/)[0];
  const signedIn = await fetch(`${root}/vulnerable/jwt/login`, { method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "bob", password: "thebuilder" }) });
  const token = (await signedIn.json()).access_token;
  const payload = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
  const forged = `${b64({ alg: "none", typ: "JWT" })}.${b64({ ...payload, role: "admin" })}.`;
  return (await fetch(`${root}/vulnerable/jwt/admin`, { headers: { Authorization: `Bearer ${forged}` } })).status;
}"""


@pytest.fixture
def people(browser, a_class):
    contexts = [browser.new_context() for _ in range(3)]
    pages = []
    for context in contexts:
        context.set_default_timeout(20_000)
        pages.append(context.new_page())
    yield pages
    for context in contexts:
        context.close()


def joins(page, running, name):
    page.goto(running.front)
    page.get_by_label("Your display name").fill(name)
    page.get_by_role("button", name="Get my sandbox").click()
    expect(page.get_by_role("complementary", name="Classroom lab")).to_be_visible()
    return page.url


def signs_up(page, sandbox, username):
    page.goto(sandbox + "signup")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("correct horse battery staple 42")
    page.get_by_label("Confirm password").fill("correct horse battery staple 42")
    page.get_by_role("button", name="Create account").click()


def instructor_signs_in(page, running):
    import json

    password = json.loads((running.settings.folder / "instructor.json").read_text())["password"]
    page.goto(running.front + "instructor/")
    page.get_by_label("Instructor password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("table", name="Students and their progress")).to_be_visible()


def test_two_students_and_the_instructor_through_a_lesson(people, a_class):
    ada, bea, teacher = people
    ada_sandbox, bea_sandbox = joins(ada, a_class, "Ada in Chromium"), joins(bea, a_class, "Bea in Chromium")
    assert ada_sandbox != bea_sandbox
    signs_up(ada, ada_sandbox, "ada")
    signs_up(bea, bea_sandbox, "ada")  # the same username in another sandbox: another account
    for page in (ada, bea):
        expect(page.get_by_text("Create an account")).to_have_count(0)
    instructor_signs_in(teacher, a_class)
    ada_row = teacher.locator("tr", has_text="Ada in Chromium")
    bea_row = teacher.locator("tr", has_text="Bea in Chromium")
    expect(ada_row.locator("[data-solved-count]")).to_have_text("0")

    ada.goto(ada_sandbox + "challenges/jwt-alg-none")
    assert ada.evaluate(ALG_NONE) == 200
    ada.reload()
    expect(ada.locator("#status")).to_contain_text("Solved")
    bea.goto(bea_sandbox + "challenges/jwt-alg-none")
    expect(bea.locator("#status")).to_contain_text("Not solved yet")

    # The dashboard updates by itself: no reload.
    expect(ada_row.locator("[data-solved-count]")).to_have_text("1", timeout=15_000)
    expect(ada_row.locator("[data-solved]")).to_contain_text("alg")
    expect(bea_row.locator("[data-solved-count]")).to_have_text("0")
