"""`make lab` starts JupyterLab on the student workspace, in Chinese, with the m0 notebook in it."""

import json
import shlex
import shutil
import urllib.request
from pathlib import Path

import pytest
from helpers import free_port, isolated_jupyter_env, lab_args, running_lab

REPO = Path(__file__).resolve().parent.parent


def get(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


@pytest.fixture
def lab_server(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed on this machine")
    port = free_port()
    workspace = tmp_path / "workspace"
    args = f"--no-browser -- {shlex.join(lab_args(port, tmp_path))}"
    command = ["make", "-s", "lab", f"WORKSPACE={workspace}", f"LAB_ARGS={args}"]
    with running_lab(command, port=port, cwd=REPO, env=isolated_jupyter_env(tmp_path),
                     log=tmp_path / "lab.log") as base:
        yield base, workspace


def test_make_lab_serves_the_student_workspace_in_chinese(lab_server):
    base, workspace = lab_server
    status, page = get(f"{base}/lab")
    assert status == 200 and "JupyterLab" in page

    status, body = get(f"{base}/api/contents/m0_getting_started/m0_getting_started.ipynb")
    model = json.loads(body)
    assert model["type"] == "notebook"
    sources = "".join("".join(c["source"]) for c in model["content"]["cells"])
    assert "课前准备" in sources and "raise NotImplementedError()" in sources  # the student version
    assert (workspace / "datasets" / "campus_fair_customers.csv").is_file()

    _, body = get(f"{base}/lab/api/settings/@jupyterlab/translation-extension:plugin")
    assert json.loads(body)["schema"]["properties"]["locale"]["default"] == "zh_CN"
    _, body = get(f"{base}/lab/api/translations/zh_CN")
    assert json.loads(body)["data"], "the zh_CN language pack is not installed"
    _, body = get(f"{base}/lab/api/settings/@jupyterlab/apputils-extension:notification")
    assert json.loads(body)["schema"]["properties"]["fetchNews"]["default"] == "false"
