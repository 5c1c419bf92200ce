"""Mini CRM bulk import: crm_lab.crm.import_course_data vs pandas ``to_sql`` on the same data, into SQLite.

The data (100,000 customers, about 400,000 orders, 1,000,000 order lines) is built directly with numpy in the
shape of the course tables: ``crm_lab.synth.shop_tables`` simulates every customer in a Python loop and would
take minutes at that size. The pandas baseline writes the same five frames with ``DataFrame.to_sql`` (tables
created by pandas: no constraints, no foreign keys, no indexes), so it does less work than the CRM import, which
validates references, fills the constrained, indexed schema and maps codes to keys. Also recorded: the
``EXPLAIN QUERY PLAN`` of every query ``customer_360`` sends, each of which must search by an index.

Run: ``make bench`` or ``python benchmarks/bench_crm.py [--customers N --lines N]``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import write_result  # noqa: E402
from crm_lab import crm  # noqa: E402
from crm_lab.data import load_dataset  # noqa: E402
from crm_lab.schema import CHANNELS, MEMBER_LEVELS  # noqa: E402


def make_tables(n_customers: int, n_lines: int, seed: int = 7) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    products = load_dataset("shop_products")
    customer_codes = np.char.add("C", np.char.zfill(np.arange(1, n_customers + 1).astype(str), 7))
    customers = pd.DataFrame({
        "customer_id": customer_codes,
        "name": np.char.add("客户", np.arange(n_customers).astype(str)),
        "city": rng.choice(["广州", "深圳", "东莞", "佛山"], n_customers),
        "district": rng.choice(["天河区", "南山区", "松山湖", "禅城区"], n_customers),
        "organisation": rng.choice(["华南信息职业技术学院", "晨光广告设计工作室", None], n_customers),
        "channel": rng.choice(CHANNELS, n_customers),
        "member_level": rng.choice(MEMBER_LEVELS, n_customers),
        "consent_marketing": rng.random(n_customers) < 0.6,
        "registered_at": pd.Timestamp("2024-09-01") + pd.to_timedelta(rng.integers(0, 700, n_customers), unit="D"),
        "phone": np.char.add("138****", np.char.zfill(rng.integers(0, 10_000, n_customers).astype(str), 4)),
    })
    lines_per_order = rng.integers(1, 5, n_lines)  # 1..4, mean 2.5
    lines_per_order = lines_per_order[np.cumsum(lines_per_order) <= n_lines]
    lines_per_order = np.append(lines_per_order, n_lines - lines_per_order.sum())
    lines_per_order = lines_per_order[lines_per_order > 0]
    n_orders = len(lines_per_order)
    order_codes = np.char.add("O", np.char.zfill(np.arange(1, n_orders + 1).astype(str), 8))
    order_of_line = np.repeat(np.arange(n_orders), lines_per_order)
    line_no = np.arange(n_lines) - np.repeat(np.cumsum(lines_per_order) - lines_per_order, lines_per_order) + 1
    pick = rng.integers(0, len(products), n_lines)
    quantity = rng.integers(1, 4, n_lines)
    price = products["price"].to_numpy()[pick]
    discount = rng.choice([0.0, 0.0, 0.0, 0.1, 0.2], n_lines)
    line_amount = np.round(quantity * price * (1 - discount), 2)
    lines = pd.DataFrame({"order_id": order_codes[order_of_line], "line_no": line_no,
                          "product_id": products["product_id"].to_numpy()[pick], "quantity": quantity,
                          "unit_price": price, "discount": discount, "line_amount": line_amount})
    orders = pd.DataFrame({
        "order_id": order_codes, "customer_id": customer_codes[rng.integers(0, n_customers, n_orders)],
        "order_time": pd.Timestamp("2024-09-01") + pd.to_timedelta(rng.integers(0, 700 * 86400, n_orders), unit="s"),
        "channel": rng.choice(["展销会现场", "微信小程序", "淘宝店", "抖音直播"], n_orders),
        "payment": rng.choice(["微信支付", "支付宝", "现金"], n_orders),
        "status": rng.choice(["已完成", "已完成", "已完成", "退货", "已取消"], n_orders),
        "amount": np.bincount(order_of_line, weights=line_amount).round(2),
    })
    return {"shop_customers": customers, "shop_products": products, "shop_orders": orders,
            "shop_order_lines": lines}


def timed(fn) -> dict:
    """Wall-clock and CPU seconds of one call (CPU time is steadier on a shared machine)."""
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return {"wall_seconds": round(time.perf_counter() - wall, 2), "cpu_seconds": round(time.process_time() - cpu, 2)}


def crm_import(tables, folder: Path) -> dict:
    db = crm.connect(folder / "crm.db")
    result = timed(lambda: crm.import_course_data(db, tables=tables))
    db.close()
    return result


def pandas_to_sql(tables, folder: Path) -> dict:
    engine = sa.create_engine(f"sqlite:///{folder / 'pandas.db'}")

    def write():
        with engine.begin() as conn:
            for name, frame in tables.items():
                frame.to_sql(name, conn, index=False, chunksize=50_000)

    result = timed(write)
    engine.dispose()
    return result


def query_plans(folder: Path) -> dict[str, list[str]]:
    db = crm.connect(folder / "crm.db")
    plans = {}
    with db.engine.connect() as conn:
        for title, statement in crm.customer_360_statements(customer_id=12345).items():
            sql = str(statement.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
            plans[title] = [row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql)]
    db.close()
    return plans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    start = time.perf_counter()
    tables = make_tables(args.customers, args.lines)
    generate_seconds = time.perf_counter() - start
    rows = {name: len(frame) for name, frame in tables.items()}
    with tempfile.TemporaryDirectory() as folder:
        crm_time = crm_import(tables, Path(folder))
        pandas_time = pandas_to_sql(tables, Path(folder))
        plans = query_plans(Path(folder))
    unindexed = {t: p for t, p in plans.items() if not any("USING" in step for step in p if "SEARCH" in step)
                 or any(step.startswith("SCAN") for step in p)}
    if unindexed:
        raise SystemExit(f"customer_360 queries that do not use an index: {unindexed}")
    write_result("crm", {
        "rows": rows,
        "data_generation_seconds": round(generate_seconds, 2),
        "crm_import_course_data": crm_time,
        "pandas_to_sql": pandas_time,
        "crm_over_pandas_cpu": round(crm_time["cpu_seconds"] / pandas_time["cpu_seconds"], 2),
        "customer_360_query_plans": plans,
        "notes": "SQLite file in a temp dir, one transaction each. pandas to_sql writes unconstrained tables "
                 "without indexes; the CRM import fills the constrained, indexed schema and maps codes to keys.",
    })


if __name__ == "__main__":
    main()
