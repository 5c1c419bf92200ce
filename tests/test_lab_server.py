"""`make lab` starts JupyterLab on the student workspace, in Chinese, with the m0 notebook in it."""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, response.read().decode("utf-8")


def wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: float = 180) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"make lab exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
        try:
            get(url)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(1)
    pytest.fail(f"JupyterLab did not answer within {seconds}s:\n{log.read_text()[-4000:]}")


@pytest.fixture
def lab_server(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("make is not installed on this machine")
    port = free_port()
    workspace = tmp_path / "workspace"
    lab_args = (f"--no-browser --port {port} -- --ServerApp.ip=127.0.0.1 --IdentityProvider.token= "
                f"--ServerApp.password= --LabApp.workspaces_dir={tmp_path / 'lab-workspaces'}")
    env = {
        **os.environ,
        # keep the test away from the user's own Jupyter configuration and settings
        "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp_path / "user-settings"),
    }
    log = tmp_path / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(["make", "-s", "lab", f"WORKSPACE={workspace}", f"LAB_ARGS={lab_args}"],
                                cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/status", proc, log)
        yield base, workspace
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


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
