"""Every page of the app rendered server-side: median time each (target: under 10 ms)."""

from .timing import measure
from .wsgi_call import DirectCall

TARGET_MS = 10.0

# Pages that take an argument, with a representative value.
WITH_ARGUMENTS = {
    "source.show": "/source/security.py",
    "course.article": "/article/jwt",
}


def page_paths(app):
    paths = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        if rule.arguments:
            if rule.endpoint in WITH_ARGUMENTS:
                paths.append(WITH_ARGUMENTS[rule.endpoint])
            continue
        paths.append(rule.rule)
    return sorted(set(paths))


def run(app, seconds, log):
    results = {}
    for path in page_paths(app):
        call = DirectCall(app, path, headers={"Accept": "text/html"})
        status = call()
        if not status.startswith("200"):
            continue  # a JSON API or a redirect, not a page
        timing = measure(call, seconds, batch=5, warmup=0.05)
        ms = timing.median_us / 1000
        results[path] = {"median_ms": round(ms, 2), "within_target": ms < TARGET_MS}
    slow = [p for p, r in results.items() if not r["within_target"]]
    log(f"  {len(results)} pages; over {TARGET_MS:.0f} ms: {', '.join(slow) if slow else 'none'}")
    return results
