"""Where a JWT-protected request spends its time, grouped by the library that spends it."""

import cProfile
import pstats
from pathlib import Path

GROUPS = (
    ("PyJWT (decode, signature, claims)", ("/jwt/",)),
    ("flask-jwt-extended", ("/flask_jwt_extended/",)),
    ("cryptography (RSA, HMAC)", ("/cryptography/",)),
    ("SQLAlchemy + sqlite3 (keyring, blocklist)", ("/sqlalchemy/", "/flask_sqlalchemy/", "sqlite3")),
    ("Flask-Limiter", ("/flask_limiter/", "/limits/")),
    ("Flask + Werkzeug (routing, request, response)", ("/flask/", "/werkzeug/")),
)
ROOT = str(Path(__file__).resolve().parent.parent)


def group_of(filename):
    for label, needles in GROUPS:
        if any(needle in filename for needle in needles):
            return label
    if filename.startswith(ROOT) and "site-packages" not in filename:
        return "this app's code"
    return "other (stdlib, json, ...)"


def run(call, iterations=2000):
    """Self time per group, as a share of the total, for `iterations` calls."""
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(iterations):
        call()
    profiler.disable()
    stats = pstats.Stats(profiler)
    by_group, top = {}, []
    total = 0.0
    for (filename, line, function), (_cc, _nc, self_time, cumulative, _callers) in stats.stats.items():
        total += self_time
        label = group_of(filename)
        by_group[label] = by_group.get(label, 0.0) + self_time
        top.append((cumulative, f"{filename.rsplit('/site-packages/', 1)[-1]}:{line} {function}"))
    top.sort(reverse=True)
    # How many times one request has PyJWT decode the same token (flask-jwt-extended's
    # loaders each decode it again).
    decodes = sum(
        primitive
        for (filename, _line, function), (primitive, *_rest) in stats.stats.items()
        if filename.endswith("jwt/api_jwt.py") and function == "decode_complete"
    )
    ranked = sorted(by_group.items(), key=lambda kv: -kv[1])
    return {
        "iterations": iterations,
        "pyjwt_decodes_per_request": round(decodes / iterations, 1),
        "self_time_share_pct": {k: round(100 * v / total, 1) for k, v in ranked},
        "top_cumulative": [{"where": where, "us_per_call": round(1e6 * c / iterations, 1)} for c, where in top[:15]],
    }
