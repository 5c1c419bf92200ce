"""``import crm_lab`` vs ``import pandas``, each in a fresh Python process (best of several runs).

crm_lab imports pandas, so the ratio shows what crm_lab adds on top of it; goal <= 1.3. Also records which heavy
libraries a bare ``import crm_lab`` pulls in (none of scipy, sklearn, matplotlib, mlxtend should be among them).
Run: ``python benchmarks/bench_import.py``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import write_result  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
REPEAT = 15
HEAVY = ("scipy", "sklearn", "matplotlib", "mlxtend", "seaborn", "sqlalchemy", "crm_lab.value", "crm_lab.plots")
PROBE = """
import json, sys, time
start = time.perf_counter()
import {module}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "loaded": [m for m in {heavy!r} if m in sys.modules]}}))
"""


def import_once(module: str) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}  # this checkout's crm_lab
    out = subprocess.run([sys.executable, "-c", PROBE.format(module=module, heavy=HEAVY)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    runs = {"pandas": [], "crm_lab": []}
    for _ in range(REPEAT):  # interleaved, so that a busy moment of the machine hits both alike
        for module, results in runs.items():
            results.append(import_once(module))
    best = {module: min(r["seconds"] for r in results) for module, results in runs.items()}
    write_result("import", {
        "runs_per_module": REPEAT,
        "best_seconds": {k: round(v, 4) for k, v in best.items()},
        "median_seconds": {k: round(sorted(r["seconds"] for r in v)[REPEAT // 2], 4) for k, v in runs.items()},
        "ratio crm_lab / pandas": round(best["crm_lab"] / best["pandas"], 2),
        "goal": "<= 1.3",
        "heavy_modules_loaded_by_import_crm_lab": runs["crm_lab"][0]["loaded"],
    })


if __name__ == "__main__":
    main()
