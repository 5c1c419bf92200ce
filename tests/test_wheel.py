"""An installed wheel carries the data, the student notebooks and the JupyterLab settings."""

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
         "-w", str(dist), str(REPO)],
        check=True, capture_output=True, timeout=600,
    )
    (path,) = dist.glob("crm_lab-*.whl")
    return path


def test_wheel_contents(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "crm_lab/_shipped/datasets/campus_fair_customers.csv" in names
    assert "crm_lab/_shipped/datasets/README.md" in names
    assert "crm_lab/_shipped/notebooks/m0_getting_started/m0_getting_started.ipynb" in names
    assert not any(n.startswith("crm_lab/_shipped/solutions") for n in names), "no solutions for students"
    prefix = "crm_lab/_shipped/datasets/"
    shipped = {n.removeprefix(prefix) for n in names if n.startswith(prefix)}
    expected = {p.name for p in (REPO / "datasets").iterdir() if p.is_file()}
    assert shipped == expected, "every table, the messy GBK file and every data dictionary ship in the wheel"
    # a student's `crm-lab start` turns nbgrader's teacher tools off with these files
    assert "crm_lab/student_jupyter_config/labconfig/page_config.json" in names
    assert "crm_lab/student_jupyter_config/jupyter_server_config.json" in names
    overrides = next(n for n in names if n.endswith("share/jupyter/lab/settings/overrides.d/crm-lab.json"))
    settings = json.loads(zipfile.ZipFile(wheel).read(overrides))
    assert settings["@jupyterlab/translation-extension:plugin"]["locale"] == "zh_CN"
    assert settings["@jupyterlab/apputils-extension:notification"]["fetchNews"] == "false"


def test_installed_wheel_loads_data_without_the_source_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target",
                    str(target), str(wheel)], check=True, capture_output=True, timeout=600)
    script = (
        "import crm_lab, crm_lab.resources as r\n"
        "print(crm_lab.__file__)\n"
        "print(r.shipped_dir('datasets'))\n"
        "print(len(crm_lab.load_dataset('campus_fair_customers')))\n"
        "from crm_lab.cli import prepare_workspace\n"
        "print(len(prepare_workspace('ws')['copied']))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    proc = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    module_file, data_dir, rows, copied = proc.stdout.split()
    assert module_file.startswith(str(target)), "imported the source checkout, not the wheel"
    assert data_dir == str(target / "crm_lab" / "_shipped" / "datasets")
    assert int(rows) == 50
    assert int(copied) >= 3
    assert (tmp_path / "ws" / "m0_getting_started" / "m0_getting_started.ipynb").is_file()
