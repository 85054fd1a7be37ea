"""The benchmark report: `make bench` numbers, charted on the server (no script, no CDN)."""

import json
from pathlib import Path

from flask import render_template

from blueprints.source import ROOT

from . import bp

LATEST = ROOT / "bench" / "results" / "latest.json"
REFERENCE = ROOT / "bench" / "reference.json"


def load_results():
    """This machine's latest run if there is one, else the reference run shipped in the repo."""
    for path, origin in ((LATEST, "latest run on this machine"), (REFERENCE, "reference run (shipped)")):
        try:
            return json.loads(Path(path).read_text()), origin
        except (OSError, ValueError):
            continue
    return None, None


def bars(rows, value_key, label_key="name", width=560, bar_height=26):
    """Geometry for a horizontal bar chart: one bar per row, scaled to the largest value."""
    values = [row[value_key] for row in rows if row.get(value_key) is not None]
    top = max(values) if values else 1
    chart = []
    for index, row in enumerate(r for r in rows if r.get(value_key) is not None):
        chart.append(
            {
                "label": row[label_key],
                "value": row[value_key],
                "y": index * (bar_height + 8),
                "width": max(2, round(width * row[value_key] / top)),
                "group": row.get("group", "other"),
            }
        )
    return {"bars": chart, "height": len(chart) * (bar_height + 8), "bar_height": bar_height, "width": width}


def http_rows(results):
    """Requests per second at the busiest concurrency level measured, per mechanism."""
    http = results.get("http") or {}
    if not http:
        return [], None
    level = max((int(k) for row in http.values() for k in row["levels"]), default=None)
    rows = []
    for key, row in http.items():
        numbers = row["levels"].get(str(level), {})
        group = results.get("inprocess", {}).get(key, {}).get("group", "other")
        rows.append({"name": row["name"], "group": group, **numbers})
    return rows, level


def ratio_chart(rows, width=560, row_height=46, bar_height=18):
    """Geometry for the peers' ratios: one bar per row, with parity (1.0x) and each target marked."""
    top = 1.1 * max([1.0] + [row["ratio"] for row in rows] + [row["target"] or 0 for row in rows])

    def x(value):
        return round(width * value / top)

    chart = []
    for index, row in enumerate(rows):
        target = row.get("target")
        chart.append(
            {
                "label": row["label"],
                "ratio": row["ratio"],
                "y": index * row_height,
                "width": max(2, x(row["ratio"])),
                "target_x": x(target) if target else None,
                "target": target,
                "group": row.get("group", "other"),
                "meets_target": row.get("meets_target"),
            }
        )
    height = len(chart) * row_height
    return {"bars": chart, "width": width, "height": height, "bar_height": bar_height, "parity_x": x(1.0)}


def server_rows(choice):
    """The server choice as a table: columns (route, connections), one row per server."""
    servers = (choice or {}).get("servers", {})
    columns = [(path, str(level)) for path in choice.get("routes", []) for level in choice.get("levels", [])]
    rows = []
    for name, row in servers.items():
        cells = [row["levels"].get(path, {}).get(level, {}) for path, level in columns]
        rows.append({"name": name, "score": choice["scores"].get(name), "rss_mb": row.get("rss_mb"), "cells": cells})
    return columns, rows


# Each ablation row is a difference of two medians, each with its own noise: a piece that costs
# less than that noise can come out a little negative ("-0.7 µs"), which would read as "this
# defence makes the app faster". So a difference inside the noise is shown as what it is, too
# small to measure here, and the noise is stated. The noise is the interquartile range of the
# baseline's timing (GET /healthz, the route the ablation times, measured the same way); a run
# without a baseline falls back on 1% of the median, the steadiness bench/ablation.py reports.
def ablation_noise_us(results):
    """(noise in µs, how it was estimated) for the ablation's differences."""
    ablation = results.get("ablation") or {}
    baseline = (results.get("inprocess") or {}).get("baseline") or {}
    if baseline.get("p75_us") is not None and baseline.get("p25_us") is not None:
        noise = baseline["p75_us"] - baseline["p25_us"]
        return noise, "the interquartile range of the baseline timing, the same route"
    if baseline.get("spread_pct") is not None and baseline.get("median_us"):
        noise = baseline["spread_pct"] * baseline["median_us"] / 100
        return noise, "the interquartile range of the baseline timing, the same route"
    return 0.01 * (ablation.get("full_median_us") or 0), "1% of the median"


def ablation_rows(results):
    """The ablation's rows as the page shows them: a cost, within the noise, or below zero beyond it."""
    ablation = results.get("ablation") or {}
    noise, _ = ablation_noise_us(results)
    rows = []
    for label, cost in (ablation.get("cost_us") or {}).items():
        if not isinstance(cost, int | float):
            continue
        kind = "noise" if abs(cost) <= noise else ("cost" if cost > 0 else "negative")
        rows.append({"label": label, "measured_us": cost, "kind": kind})
    return rows


@bp.get("/bench")
def bench():
    """What each mechanism costs per request, and what that says about the article's claims."""
    results, origin = load_results()
    if results is None:
        return render_template("course/bench.html", results=None)
    inprocess = list(results.get("inprocess", {}).values())
    rows, level = http_rows(results)
    versus = results.get("versus") or {}
    ratios = list(versus.get("rows", {}).values())
    choice = results.get("server_choice") or {}
    server_columns, servers = server_rows(choice)
    noise_us, noise_how = ablation_noise_us(results)
    return render_template(
        "course/bench.html",
        results=results,
        origin=origin,
        inprocess=inprocess,
        inprocess_chart=bars(inprocess, "median_us"),
        http=rows,
        http_level=level,
        http_chart=bars(rows, "rps") if rows else None,
        versus=versus,
        ratios=ratios,
        ratio_chart=ratio_chart(ratios) if ratios else None,
        choice=choice,
        server_columns=server_columns,
        servers=servers,
        ablation_rows=ablation_rows(results),
        noise_us=noise_us,
        noise_how=noise_how,
    )
