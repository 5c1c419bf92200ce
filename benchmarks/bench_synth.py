"""How fast ``crm_lab.synth`` generates the course data at benchmark sizes.

``shop_tables`` simulates customer by customer (the order of the random draws fixes the shipped files, so it
cannot be vectorised); this times it at ``--shop-scales`` (wall-clock and CPU seconds, rows per second), then
every builder of ``build_tables`` once at ``--builders-scale`` to show which one is the bottleneck.

There is no baseline in the same run: the code before the speed-up is gone (its output is byte-identical).
``BEFORE_SPEEDUP`` keeps what it took on the same 2-CPU machine, measured once before the change.
Run: ``python benchmarks/bench_synth.py [--shop-scales 1 5] [--builders-scale 10]``.
"""

from __future__ import annotations

import argparse
import gc
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shop-scales", type=float, nargs="+", default=[1, 5])
    parser.add_argument("--repeat", type=int, default=2, help="calls of shop_tables per scale; the best counts")
    parser.add_argument("--builders-scale", type=float, default=10, help="0: skip the per-builder timing")
    args = parser.parse_args()
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
    write_result("synth", result)


if __name__ == "__main__":
    main()
