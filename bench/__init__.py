"""`make bench`: what each authentication mechanism costs per request, measured on this machine.

Two layers, as the issue asks:
- in-process (`inprocess.py`): the WSGI app called directly, many iterations after a warm-up,
  median and spread, to isolate the cost of authentication in microseconds;
- over HTTP (`http.py`): the app under gunicorn (one worker per core) driven by a real load
  generator (wrk) at a few concurrency levels: requests per second, p50 and p99 latency.
Beside them: the floor (`floor.py`: one PyJWT decode, one HMAC, one store round trip), bare
twins (`bare.py`: the same check in a minimal Flask route with the same library), page render
times (`pages.py`) and where the JWT path spends its time (`profile.py`).
"""
