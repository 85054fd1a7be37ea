"""`make bench`: what each authentication mechanism costs per request, measured on this machine.

The layers, in the order a run takes them:
- in-process (`inprocess.py`): the WSGI app called directly, many iterations after a warm-up,
  median and spread, to isolate the cost of authentication in microseconds;
- over HTTP (`http.py`): the app as `make serve` serves it (one worker per core) driven by a load
  generator (`load.py`: wrk, or our own) at a few concurrency levels: requests per second,
  p50 and p99 latency;
- against the article's own code (`versus.py`, the peers in `peers/`): one worker of `make
  serve`'s server against one node process, in production settings, A B A B, as ratios;
- the production server (`choice.py`): gunicorn sync, gthread, gevent and granian (its default
  threads, and one per worker), one worker each, at 1, 16 and 64 connections; memory per
  worker; `make run`'s start (`startup.py`).
Beside them: the floor (`floor.py`: one PyJWT decode, one HMAC, one store round trip), bare
twins (`bare.py`: the same check in a minimal Flask route with the same library), page render
times (`pages.py`) and where the JWT path spends its time (`profile.py`).
"""
