"""How fast ``crm_lab.synth`` generates the course data at benchmark sizes.

``shop_tables`` simulates customer by customer (the order of the random draws fixes the shipped files, so it
cannot be vectorised); this times it at ``--shop-scales`` (wall-clock and CPU seconds, rows per second), then
every builder of ``build_tables`` once at ``--builders-scale`` to show which one is the bottleneck.

``write_shop_tables`` streams the same kind of shop tables to CSV in chunks of customers (vectorised); it is timed
at ``--stream-scales`` (default 50; ``--stream-scales 50 1000`` adds the full benchmark size) against ``shop_tables`` at
the same scale held in memory, the baseline, in the same run (``--stream-baseline-max`` skips the baseline above
that scale: at 1000 it would need about 17 min CPU and many GB). Each of the two runs in a fresh Python process, so
that its peak resident memory (``ru_maxrss``, the interpreter and pandas included) is its own. The streamed files go
to a temporary folder that is deleted afterwards; their size is recorded.

There is no baseline in the same run for the sequential speed-up: the code before it is gone (its output is
byte-identical). ``BEFORE_SPEEDUP`` keeps what it took on the same 2-CPU machine, measured once before the change.
``write_course_tables`` (what ``python -m crm_lab.synth --scale N --out DIR`` runs) writes every course table at
``--all-scales`` (default 100), also in a fresh process: the shop tables streamed, the tables built on them per chunk,
b2b and the case tables in memory.
Run: ``python benchmarks/bench_synth.py [--shop-scales 1 5] [--builders-scale 10] [--stream-scales 50 1000]
[--all-scales 100]``.
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from common import write_result  # noqa: E402

from crm_lab import synth  # noqa: E402
from crm_lab.synth_cases import case_tables, messy_customer_tables  # noqa: E402

# CPU seconds of the code before the speed-up (commit 6e42b87), measured on the benchmark machine while it was
# shared with other jobs (wall-clock times were 2-5x the CPU times, so CPU seconds are what to compare).
BEFORE_SPEEDUP = {
    "commit": "6e42b87",
    "shop_tables_cpu_seconds": {"1": 13.0, "2": 24.8, "5": 62.3},
    "builders_cpu_seconds_at_scale_10": {"campaign_tables": 26.4, "b2b_tables": 2.9, "case_tables": 20.9},
}


def timed(fn, *, repeat: int = 1):
    """(result of the last call, best wall-clock seconds, best CPU seconds of this process) over ``repeat`` calls."""
    wall, cpu = [], []
    for _ in range(repeat):
        gc.collect()
        start, start_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return result, min(wall), min(cpu)


def shop_speed(scale: float, repeat: int) -> dict:
    tables, wall, cpu = timed(lambda: synth.shop_tables(scale=scale), repeat=repeat)
    rows = {name: len(table) for name, table in tables.items()}
    print(f"shop_tables(scale={scale}): {wall:.2f} s wall, {cpu:.2f} s CPU, {rows['shop_order_lines']:,} order lines",
          flush=True)
    return {"scale": scale, "wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3), "rows": rows,
            "order_lines_per_second": round(rows["shop_order_lines"] / wall)}


def builders_speed(scale: float) -> dict:
    """Each builder of ``build_tables`` once, on the shop tables of the same scale."""
    shop, wall, cpu = timed(lambda: synth.shop_tables(scale=scale))
    customers = shop["shop_customers"]
    builders = {
        "lead_tables": lambda: synth.lead_tables(customers, scale=scale),
        "campaign_tables": lambda: synth.campaign_tables(customers, shop["shop_orders"]),
        "survey_tables": lambda: synth.survey_tables(customers, scale=scale),
        "b2b_tables": lambda: synth.b2b_tables(scale=scale),
        "messy_customer_tables": lambda: messy_customer_tables(customers, n=min(400, len(customers))),
        "case_tables": lambda: case_tables(scale=scale),
    }
    result = {"shop_tables": {"wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
                              "rows": sum(len(t) for t in shop.values())}}
    for name, build in builders.items():
        tables, wall, cpu = timed(build)
        result[name] = {"wall_seconds": round(wall, 3), "cpu_seconds": round(cpu, 3),
                        "rows": sum(len(t) for t in tables.values())}
        print(f"{name}(scale={scale}): {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    return result


def count_rows(path: Path) -> int:
    """Data rows of a CSV file written by crm_lab.synth (one line per row, after the header)."""
    newlines = 0
    with path.open("rb") as file:
        while block := file.read(1 << 24):
            newlines += block.count(b"\n")
    return newlines - 1


def measure_in_this_process(how: str, scale: float, chunk: int) -> dict:
    """One run of ``how`` ("streamed", "all" or "in_memory"); called in a fresh process by ``measure``."""
    start, start_cpu = time.perf_counter(), time.process_time()
    if how in ("streamed", "all"):
        write = synth.write_shop_tables if how == "streamed" else synth.write_course_tables
        with tempfile.TemporaryDirectory(prefix="crm-lab-bench-") as folder:
            paths = write(folder, scale=scale, chunk=chunk)
            wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
            rows = {name: count_rows(path) for name, path in paths.items()}
            disk = sum(path.stat().st_size for path in paths.values())
    else:
        tables = synth.shop_tables(scale=scale)
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        rows = {name: len(table) for name, table in tables.items()}
        disk = None
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kilobytes on Linux
    return {"wall_seconds": round(wall, 2), "cpu_seconds": round(cpu, 2), "peak_rss_mb": round(peak / 2**20),
            "rows": rows, "rows_per_second": round(sum(rows.values()) / wall),
            "order_lines_per_second": round(rows["shop_order_lines"] / wall),
            "csv_megabytes": None if disk is None else round(disk / 2**20)}


def measure(how: str, scale: float, chunk: int) -> dict:
    command = [sys.executable, __file__, "--measure", how, "--stream-scales", str(scale), "--chunk", str(chunk)]
    result = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    print(f"{how} tables (scale={scale:g}): {result['wall_seconds']:.1f} s wall, "
          f"{result['cpu_seconds']:.1f} s CPU, peak {result['peak_rss_mb']} MB, "
          f"{result['rows']['shop_order_lines']:,} order lines", flush=True)
    return result


def stream_speed(scale: float, chunk: int, baseline_max: float) -> dict:
    result = {"scale": scale, "chunk": chunk, "streamed": measure("streamed", scale, chunk)}
    if scale <= baseline_max:
        result["in_memory_shop_tables"] = baseline = measure("in_memory", scale, chunk)
        streamed = result["streamed"]
        result["speedup_wall"] = round(baseline["wall_seconds"] / streamed["wall_seconds"], 1)
        result["speedup_cpu"] = round(baseline["cpu_seconds"] / streamed["cpu_seconds"], 1)
        result["peak_memory_ratio"] = round(baseline["peak_rss_mb"] / streamed["peak_rss_mb"], 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shop-scales", type=float, nargs="+", default=[1, 5])
    parser.add_argument("--repeat", type=int, default=2, help="calls of shop_tables per scale; the best counts")
    parser.add_argument("--builders-scale", type=float, default=10, help="0: skip the per-builder timing")
    parser.add_argument("--stream-scales", type=float, nargs="*", default=[50],
                        help="scales of the streamed runs (e.g. 50 1000); none: skip them")
    parser.add_argument("--stream-baseline-max", type=float, default=100,
                        help="time the in-memory shop_tables baseline only up to this scale")
    parser.add_argument("--chunk", type=int, default=synth.SHOP_CHUNK, help="customers per chunk of the streamed run")
    parser.add_argument("--all-scales", type=float, nargs="*", default=[100],
                        help="scales of write_course_tables, every course table (e.g. 100 1000); none: skip them")
    parser.add_argument("--measure", choices=["streamed", "all", "in_memory"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:  # the child process of ``measure``
        print(json.dumps(measure_in_this_process(args.measure, args.stream_scales[0], args.chunk)))
        return
    result = {
        "what": "crm_lab.synth.shop_tables at benchmark sizes (same random draws, byte-identical output), and each "
                "builder of build_tables at one size",
        "shop_tables": [shop_speed(scale, args.repeat) for scale in args.shop_scales],
        "before_speedup": BEFORE_SPEEDUP,
    }
    before = BEFORE_SPEEDUP["shop_tables_cpu_seconds"]
    result["cpu_speedup_vs_before"] = {f"{run['scale']:g}": round(before[f"{run['scale']:g}"] / run["cpu_seconds"], 1)
                                       for run in result["shop_tables"] if f"{run['scale']:g}" in before}
    if args.builders_scale:
        result["builders"] = {"scale": args.builders_scale, **builders_speed(args.builders_scale)}
        if args.builders_scale == 10:
            result["cpu_speedup_vs_before"] |= {
                name: round(seconds / result["builders"][name]["cpu_seconds"], 1)
                for name, seconds in BEFORE_SPEEDUP["builders_cpu_seconds_at_scale_10"].items()}
    result["streamed_shop_tables"] = [stream_speed(scale, args.chunk, args.stream_baseline_max)
                                      for scale in args.stream_scales]
    result["all_course_tables"] = [{"scale": scale, "chunk": args.chunk, **measure("all", scale, args.chunk)}
                                   for scale in args.all_scales]
    write_result("synth", result)


if __name__ == "__main__":
    main()
