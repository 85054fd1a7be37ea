"""Repeatable timing: warm up, then batches; report the median batch and its spread."""

import gc
import statistics
import time
from dataclasses import asdict, dataclass


@dataclass
class Timing:
    median_us: float
    p25_us: float
    p75_us: float
    min_us: float
    iterations: int

    @property
    def spread_pct(self):
        """The interquartile range as a share of the median: small means a steady number."""
        return 100 * (self.p75_us - self.p25_us) / self.median_us if self.median_us else 0.0

    def as_dict(self):
        return asdict(self) | {"spread_pct": round(self.spread_pct, 1)}


def measure(call, seconds=1.0, batch=50, warmup=0.2):
    """Time `call()`: per-call microseconds from batches of `batch` calls for about `seconds`."""
    deadline = time.perf_counter() + warmup
    while time.perf_counter() < deadline:
        call()
    samples = []
    gc_was_enabled = gc.isenabled()
    gc.disable()  # a collection landing in one batch is noise, not the mechanism's cost
    try:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline or len(samples) < 5:
            start = time.perf_counter_ns()
            for _ in range(batch):
                call()
            samples.append((time.perf_counter_ns() - start) / batch / 1000)
    finally:
        if gc_was_enabled:
            gc.enable()
    quartiles = statistics.quantiles(samples, n=4)
    return Timing(
        median_us=round(statistics.median(samples), 2),
        p25_us=round(quartiles[0], 2),
        p75_us=round(quartiles[2], 2),
        min_us=round(min(samples), 2),
        iterations=len(samples) * batch,
    )
