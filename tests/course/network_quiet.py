"""A page has settled: loaded, and no request of it in flight for a moment (Playwright's
"networkidle", with a shorter quiet window).

The accessibility tests check each page once its scripts have filled it in (the labs fetch
their state, the wire panel its records). "networkidle" waits 500 ms after the last request,
half a second idle on every page checked. The pages' scripts fetch as they load or as an
earlier fetch answers; their timers (countdowns, the device lab's polls) wait far longer
than 500 ms, so "networkidle" never waited for those either. A page with nothing in flight
for QUIET_SECONDS has settled as far as "networkidle" could tell.
"""

import time


class NetworkQuiet:
    """Counts one page's requests from now on; wait() returns once none has been in flight
    for QUIET_SECONDS."""

    QUIET_SECONDS = 0.2

    def __init__(self, page):
        self.page, self.in_flight, self.last_change = page, set(), time.monotonic()
        page.on("request", self.started)
        page.on("requestfinished", self.ended)
        page.on("requestfailed", self.ended)

    def started(self, request):
        self.in_flight.add(request)
        self.last_change = time.monotonic()

    def ended(self, request):
        self.in_flight.discard(request)
        self.last_change = time.monotonic()

    def wait(self, timeout=15):
        self.page.wait_for_load_state("load")
        deadline = time.monotonic() + timeout
        while self.in_flight or time.monotonic() - self.last_change < self.QUIET_SECONDS:
            if time.monotonic() > deadline:
                still = sorted(request.url for request in self.in_flight)
                raise AssertionError(f"{self.page.url} kept loading for {timeout} s: {still}")
            self.page.wait_for_timeout(20)  # Playwright delivers the request events meanwhile
