"""RFM on ~1,000,000 order lines: ``crm_lab.value.rfm_table`` vs the plain pandas groupby a student writes vs
``lifetimes.utils.summary_data_from_transaction_data``; also ``summary_from_transactions`` vs lifetimes (same output).

The order lines come from ``crm_lab.synth.shop_tables(scale=SCALE)`` joined to their orders (customer, time,
status); generating them is slow (pure Python), so the joined table is cached in the temp folder.
Run: ``python benchmarks/bench_value.py`` (``make bench`` runs every benchmark).
"""

from __future__ import annotations

import math
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's crm_lab, not an installed one
sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import best_time, peak_memory, write_result  # noqa: E402

from crm_lab.synth import SHOP_SEED, shop_tables  # noqa: E402
from crm_lab.value import EXCLUDED_STATUSES, rfm_table, summary_from_transactions  # noqa: E402

SCALE = 23.5  # scale 1 has 42,659 order lines: 23.5 gives about 1,000,000
CACHE = Path(tempfile.gettempdir()) / "crm-lab-bench" / f"order_lines_scale{SCALE}_seed{SHOP_SEED}.pkl"


def order_lines() -> tuple[pd.DataFrame, float | None]:
    """One row per order line with the order's customer, time and status; (table, generation seconds or None)."""
    timing = CACHE.with_suffix(".seconds")
    if CACHE.exists():
        return pd.read_pickle(CACHE), float(timing.read_text()) if timing.exists() else None
    start = time.perf_counter()
    tables = shop_tables(scale=SCALE)
    seconds = time.perf_counter() - start
    orders = tables["shop_orders"][["order_id", "customer_id", "order_time", "status"]]
    lines = tables["shop_order_lines"].merge(orders, on="order_id", how="left", validate="many_to_one")
    lines["order_time"] = pd.to_datetime(lines["order_time"])  # as load_dataset / read_table + to_datetime give it
    CACHE.parent.mkdir(parents=True, exist_ok=True)
    lines.to_pickle(CACHE)
    timing.write_text(f"{seconds:.1f}")
    return lines, seconds


def plain_groupby(lines: pd.DataFrame) -> pd.DataFrame:
    """What a student writes: drop returns, group by customer, max date / distinct orders / sum of amounts."""
    done = lines[~lines["status"].isin(["退货", "已取消"])]
    groups = done.groupby("customer_id")
    analysis_day = done["order_time"].max().normalize() + pd.Timedelta(days=1)
    return pd.DataFrame({
        "recency": (analysis_day - groups["order_time"].max().dt.normalize()).dt.days,
        "frequency": groups["order_id"].nunique(),
        "monetary": groups["line_amount"].sum(),
    })


def crm_rfm(lines: pd.DataFrame) -> pd.DataFrame:
    return rfm_table(lines, date="order_time", order="order_id", amount="line_amount", status="status")


def crm_summary(lines: pd.DataFrame) -> pd.DataFrame:
    return summary_from_transactions(lines, date="order_time", amount="line_amount", status="status")


def lifetimes_summary(summary_data_from_transaction_data, lines: pd.DataFrame) -> pd.DataFrame:
    done = lines[~lines["status"].isin(EXCLUDED_STATUSES)]
    return summary_data_from_transaction_data(done, "customer_id", "order_time", monetary_value_col="line_amount")


def main() -> None:
    lines, generation_seconds = order_lines()
    result = {
        "data": {
            "source": f"crm_lab.synth.shop_tables(scale={SCALE}): shop_order_lines joined to shop_orders",
            "order_lines": len(lines),
            "orders": int(lines["order_id"].nunique()),
            "customers": int(lines["customer_id"].nunique()),
            "generation_seconds": generation_seconds,
            "generation_note": "wall-clock seconds of shop_tables(scale=SCALE), measured when the cache in the temp "
                               "folder was built (pure Python; slow on a busy machine)",
        },
    }
    ours = crm_rfm(lines)
    plain = plain_groupby(lines)
    pd.testing.assert_frame_equal(ours, plain, check_dtype=False, check_names=False)
    timings = {"rfm_table": math.inf, "plain_groupby": math.inf}
    for _ in range(7):  # interleaved, so that a busy moment of the machine hits both alike
        timings["rfm_table"] = min(timings["rfm_table"], best_time(lambda: crm_rfm(lines), repeat=1))
        timings["plain_groupby"] = min(timings["plain_groupby"], best_time(lambda: plain_groupby(lines), repeat=1))
    memory = {"rfm_table": peak_memory(lambda: crm_rfm(lines)),
              "plain_groupby": peak_memory(lambda: plain_groupby(lines))}
    timings["summary_from_transactions"] = best_time(lambda: crm_summary(lines))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # lifetimes uses pandas APIs that warn on pandas 3
            from lifetimes.utils import summary_data_from_transaction_data
    except ImportError as exc:
        result["lifetimes"] = f"skipped: lifetimes does not import ({exc}); pip install -e '.[dev]'"
    else:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = lifetimes_summary(summary_data_from_transaction_data, lines)
            timings["lifetimes_summary"] = best_time(
                lambda: lifetimes_summary(summary_data_from_transaction_data, lines), repeat=1)
        mine = crm_summary(lines)
        same = bool(np.allclose(mine[["frequency", "recency", "T", "monetary_value"]].to_numpy(dtype=float),
                                theirs[["frequency", "recency", "T", "monetary_value"]].to_numpy(dtype=float)))
        result["lifetimes"] = {"summary_matches_summary_from_transactions": same}

    result["seconds"] = {k: round(v, 4) for k, v in timings.items()}
    result["peak_memory_mb"] = {k: round(v / 2**20, 1) for k, v in memory.items()}
    ratios = {"rfm_table / plain_groupby": timings["rfm_table"] / timings["plain_groupby"]}
    if "lifetimes_summary" in timings:
        ratios["lifetimes_summary / rfm_table"] = timings["lifetimes_summary"] / timings["rfm_table"]
        ratios["lifetimes_summary / summary_from_transactions"] = (
            timings["lifetimes_summary"] / timings["summary_from_transactions"])
    result["ratios"] = {k: round(v, 2) for k, v in ratios.items()}
    result["goals"] = {"rfm_table / plain_groupby": "<= 1.0", "lifetimes_summary / rfm_table": ">= 5"}
    write_result("value", result)


if __name__ == "__main__":
    main()
