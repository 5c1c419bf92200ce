"""The crm-lab command: start (never overwrites a student's file), doctor, datasets."""

import subprocess
import sys
from pathlib import Path

from crm_lab.cli import prepare_workspace, workspace_files

M0 = Path("m0_getting_started") / "m0_getting_started.ipynb"


def crm_lab(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "crm_lab.cli", *args], capture_output=True,
                          text=True, timeout=300, **kwargs)


def test_fresh_workspace_gets_notebooks_and_data(tmp_path):
    result = prepare_workspace(tmp_path / "ws")
    copied = set(result["copied"])
    assert M0 in copied
    assert Path("datasets") / "campus_fair_customers.csv" in copied
    assert copied == {rel for _, rel in workspace_files()}
    assert (tmp_path / "ws" / M0).is_file()


def test_start_twice_keeps_the_students_edits(tmp_path):
    workspace = tmp_path / "ws"
    first = crm_lab("start", str(workspace), "--no-lab")
    assert first.returncode == 0, first.stderr
    assert "已复制" in first.stdout
    notebook = workspace / M0
    notebook.write_text("学生的答案", encoding="utf-8")
    second = crm_lab("start", str(workspace), "--no-lab")
    assert second.returncode == 0, second.stderr
    assert "保留了你已有的" in second.stdout
    assert notebook.read_text(encoding="utf-8") == "学生的答案"


def test_update_adds_only_what_is_missing(tmp_path):
    workspace = tmp_path / "ws"
    prepare_workspace(workspace)
    (workspace / M0).write_text("学生的答案", encoding="utf-8")
    data = workspace / "datasets" / "campus_fair_customers.csv"
    data.unlink()

    plain = prepare_workspace(workspace)
    assert plain["copied"] == [] and not data.exists()
    assert plain["available"] == [Path("datasets") / "campus_fair_customers.csv"]

    updated = prepare_workspace(workspace, update=True)
    assert updated["copied"] == [Path("datasets") / "campus_fair_customers.csv"]
    assert data.exists()
    assert (workspace / M0).read_text(encoding="utf-8") == "学生的答案"


def test_start_reports_unwritable_workspace(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = crm_lab("start", str(blocker / "ws"), "--no-lab")
    assert result.returncode == 1
    assert "无法在" in result.stderr and "换一个有写权限的文件夹" in result.stderr


def test_doctor_reports_everything_fine(tmp_path):
    result = crm_lab("doctor", "--workspace", str(tmp_path / "ws"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "【问题】" not in result.stdout
    for check in ("Python 版本", "软件包 nbgrader", "nbgrader 的 JupyterLab 插件", "中文字体",
                  "JupyterLab 中文界面", "工作区写入权限", "学生版笔记本"):
        assert f"【正常】{check}" in result.stdout
    assert "一切正常" in result.stdout


def test_doctor_reports_an_unwritable_workspace_with_a_fix(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = crm_lab("doctor", "--workspace", str(blocker / "sub" / "ws"))
    assert result.returncode == 1
    assert "【问题】工作区写入权限" in result.stdout
    assert "解决办法" in result.stdout


def test_datasets_lists_shipped_tables():
    result = crm_lab("datasets")
    assert result.returncode == 0, result.stderr
    assert "campus_fair_customers" in result.stdout and "50 行" in result.stdout
