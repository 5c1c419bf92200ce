"""Helpers shared by the tests that start a real JupyterLab server."""

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def isolated_jupyter_env(tmp: Path) -> dict[str, str]:
    """The environment with Jupyter's config, runtime and user-settings folders inside ``tmp``."""
    return {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(tmp / "config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
        "JUPYTERLAB_SETTINGS_DIR": str(tmp / "user-settings"),
    }


def lab_args(port: int, tmp: Path) -> list[str]:
    """JupyterLab arguments for a test server: loopback only, no token, workspaces kept in ``tmp``."""
    return ["--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=", "--ServerApp.password=",
            f"--ServerApp.port={port}", f"--LabApp.workspaces_dir={tmp / 'lab-workspaces'}"]


@contextlib.contextmanager
def running_lab(command: list[str], *, port: int, cwd: Path, env: dict[str, str], log: Path, seconds: float = 180):
    """Start ``command`` (which starts JupyterLab on ``port``), wait until it answers, yield its base URL, stop it."""
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + seconds
        while True:
            if proc.poll() is not None:
                pytest.fail(f"{command[:3]} exited with {proc.returncode}:\n{log.read_text()[-4000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status", timeout=10):
                    break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                if time.monotonic() > deadline:
                    pytest.fail(f"JupyterLab did not answer within {seconds}s:\n{log.read_text()[-4000:]}")
                time.sleep(0.5)
        yield base
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        # `crm-lab start` can exit before the JupyterLab it started (seen: a server left running after the test
        # run): wait for the whole process group, then kill whatever is still in it
        deadline = time.monotonic() + 30
        while _group_alive(proc.pid) and time.monotonic() < deadline:
            time.sleep(0.2)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def raises(call, *fragments):
    """``call()`` must raise CRMDataError whose message contains every fragment; returns the message."""
    from crm_lab.data import CRMDataError

    with pytest.raises(CRMDataError) as info:
        call()
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} not in: {message}"
    return message


CHROMIUM = Path("/usr/bin/chromium")  # Debian's package, installed by .ci/run (never `playwright install`)
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


def skip_without_chromium():
    if not CHROMIUM.exists():
        pytest.skip("没有安装 Chromium（/usr/bin/chromium）：跳过浏览器测试；CI 由 .ci/run 安装它")


@contextlib.contextmanager
def chromium():
    """Headless Chromium driven by Playwright; closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()
