"""Shared measuring helpers for the benchmark scripts (``benchmarks/bench_*.py``, run by ``make bench``).

Each script measures crm_lab against a baseline in the same run and writes one JSON file to
``benchmarks/results/<name>.json`` with ``write_result``. Ratios, not absolute times, are what to compare
between machines.
"""

from __future__ import annotations

import gc
import json
import os
import platform
import sys
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def best_time(fn, *, repeat: int = 3) -> float:
    """Best wall-clock seconds of ``repeat`` calls of ``fn()`` (the least disturbed run)."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def peak_memory(fn) -> int:
    """Peak bytes allocated through Python's allocator while ``fn()`` runs (numpy and pandas buffers included)."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def machine() -> dict:
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
    }


def write_result(name: str, result: dict) -> Path:
    """Write ``result`` (plus the machine and a UTC timestamp) to ``benchmarks/results/<name>.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    payload = {"benchmark": name, "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
               "machine": machine(), **result}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(payload, ensure_ascii=False, indent=2))
    return path
