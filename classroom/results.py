"""Exercise results a student's `make exercise N SUBMIT=<sandbox URL>` sends to the class (opt-in).

Off unless the instructor started the class with --accept-results. The sandbox's key is the
bearer credential: a result lands in the sender's own row, never in another's.
"""

from flask import Blueprint, abort, current_app, jsonify, request

import bodies

from .registry import KEY, of_this_class

bp = Blueprint("results", __name__)

MOST_EXERCISES = 99


@bp.post("/classroom/results")
def submit():
    if not current_app.config["CLASSROOM_SETTINGS"].accept_results:
        abort(403, "This class does not collect exercise results: the instructor can start it with --accept-results.")
    scheme, _, key = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not KEY.fullmatch(key):
        abort(401, "Send the sandbox's key: Authorization: Bearer <the part after /s/ in your sandbox's URL>.")
    row = of_this_class().find(key)
    if row is None:
        abort(404, "No sandbox has that key: it may have expired.")
    try:
        body = bodies.json_body()  # bounded: size, depth, UTF-8 (a 5,000-deep array is a 400, not a crash)
    except bodies.MalformedJSON:
        body = None
    if not isinstance(body, dict):
        abort(400, 'Send JSON: {"exercise": 3, "passed": 4, "checks": 5}.')
    values = {}
    for name, top in (("exercise", MOST_EXERCISES), ("passed", 1000), ("checks", 1000)):
        value = body.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= top:
            abort(400, f"{name} must be a whole number from 0 to {top}.")
        values[name] = value
    if values["exercise"] < 1 or values["passed"] > values["checks"]:
        abort(400, "exercise starts at 1, and passed cannot exceed checks.")
    of_this_class().record_result(row.digest, **values)
    return jsonify(recorded=values), 201
