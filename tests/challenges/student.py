"""What a student does on a challenge's page and on the exploit server: the browser tests' shared steps."""

VISIT_TIMEOUT = 60_000  # ms: a visit of the victim bot is a few seconds, many more on a loaded machine


def challenge(page, live, challenge_id):
    page.goto(f"{live.app_url}/challenges/{challenge_id}")


def status(page):
    return page.text_content("#status").strip()


def send_the_victim(page, link=None):
    """The challenge page's victim form: paste the link (if the story takes one), send, wait for the visit."""
    if link is not None:
        page.fill("#victim-link", link)
    button = "Send the link to the victim" if link is not None else "Let the victim sign in"
    # The answer comes once a whole browser has run the visit on the server: longer than a click.
    page.click(f"text={button}", timeout=VISIT_TIMEOUT)
    page.wait_for_selector("text=The victim's last visit", timeout=VISIT_TIMEOUT)


def stored_exploit(page, live, html):
    """The address of a page stored on the attacker's exploit server, as its editor shows it."""
    page.goto(f"{live.attacker_url}/exploit")
    page.fill("#exploit-body", html)
    page.click("text=Store the page")
    return page.get_attribute("#exploit-address", "href")
