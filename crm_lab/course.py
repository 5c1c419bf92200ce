"""nbgrader 课程目录的操作：由 solutions/ 生成学生版 notebooks/，以及自动评分。

nbgrader 必须在课程目录里运行（否则会在当前文件夹留下 gradebook.db），所以这里的函数都在
一个临时课程目录里工作，源码目录只收到生成的学生版笔记本。维护者用法::

    python -m crm_lab.course release            # 运行解答、保存输出，再生成 notebooks/ 下的全部学生版
    python -m crm_lab.course release m0_getting_started
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pandas as pd

from crm_lab.resources import PACKAGE_DIR

SOURCE_ROOT = PACKAGE_DIR.parent
CONFIG_FILE = "nbgrader_config.py"


def source_checkout() -> Path:
    """源码目录（含 solutions/ 和 nbgrader_config.py）；从 wheel 安装时没有它。"""
    if not (SOURCE_ROOT / CONFIG_FILE).is_file() or not (SOURCE_ROOT / "solutions").is_dir():
        raise FileNotFoundError(
            f"{SOURCE_ROOT} 不是 crm-lab 的源码目录（找不到 {CONFIG_FILE} 和 solutions/）。"
            "生成学生版和评分需要在源码目录里进行：git clone 后运行 make test 或 make release。"
        )
    return SOURCE_ROOT


def assignments() -> list[str]:
    """solutions/ 里的全部作业编号，例如 ['m0_getting_started']。"""
    root = source_checkout() / "solutions"
    return sorted(p.name for p in root.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def tool_env() -> dict[str, str]:
    """运行 nbgrader 的环境变量：把本环境的 bin 放在 PATH 最前面（nbgrader 要调用 alembic），
    并让 nbgrader 和评分内核导入的 crm_lab 就是现在运行的这一份（课程设置 nbgrader_config.py 要用它）。"""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(PACKAGE_DIR.parent), env.get("PYTHONPATH", "")] if p)
    return env


def run_nbgrader(course_dir: str | Path, *args: str, timeout: float = 900,
                 strict: bool = True) -> str:
    """在课程目录 ``course_dir`` 里运行 ``nbgrader <args>``，返回它的输出。

    返回码不为 0 时抛出 RuntimeError；``strict=True`` 时日志里出现 ``[ERROR]`` 也算失败
    （自动评分时学生代码出错会记 ERROR，那时用 ``strict=False``）。
    """
    proc = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args],
        cwd=course_dir, env=tool_env(), capture_output=True, text=True, timeout=timeout,
    )
    output = proc.stdout + proc.stderr
    if proc.returncode != 0 or (strict and "[ERROR]" in output):
        raise RuntimeError(f"nbgrader {' '.join(args)} 失败（返回码 {proc.returncode}）：\n{output}")
    return output


def new_course_dir(parent: str | Path, assignment_ids: list[str] | None = None) -> Path:
    """在 ``parent`` 下建一个课程目录：复制 nbgrader_config.py 和 solutions/ 里的作业。"""
    root = source_checkout()
    course = Path(parent)
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG_FILE, course / CONFIG_FILE)
    for assignment in assignment_ids or assignments():
        shutil.copytree(root / "solutions" / assignment, course / "solutions" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    return course


def generate(course_dir: str | Path, assignment: str) -> Path:
    """由 ``solutions/<assignment>`` 生成学生版，返回 ``notebooks/<assignment>`` 的路径。"""
    run_nbgrader(course_dir, "generate_assignment", assignment, "--force")
    return Path(course_dir) / "notebooks" / assignment


def execute_solutions(assignment: str, timeout: int = 300) -> Path:
    """从头运行 ``solutions/<assignment>`` 里的笔记本，把输出（表格、图）存回去，方便老师直接展示。

    笔记本在一个固定的临时文件夹里运行，它写出的文件不会留在 solutions/ 里，
    输出里出现的路径每次也都相同。
    """
    import nbformat
    from nbclient import NotebookClient

    source = source_checkout() / "solutions" / assignment
    scratch = Path(tempfile.gettempdir()) / "crm-lab-release" / assignment
    shutil.rmtree(scratch, ignore_errors=True)
    shutil.copytree(source, scratch, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    try:
        for path in sorted(source.glob("*.ipynb")):
            notebook = nbformat.read(path, as_version=4)
            # no widget state in the file: it is large, changes every run and is rebuilt when the cells run
            NotebookClient(notebook, timeout=timeout, kernel_name="python3", record_timing=False,
                           store_widget_state=False, resources={"metadata": {"path": str(scratch)}}).execute()
            notebook.metadata.pop("widgets", None)
            nbformat.write(notebook, path)
    finally:
        shutil.rmtree(scratch.parent, ignore_errors=True)
    return source


def release(assignment_ids: list[str] | None = None, dest: str | Path | None = None,
            *, execute: bool = False) -> list[Path]:
    """重新生成学生版笔记本，写入 ``dest``（默认：源码目录的 notebooks/），返回写出的文件夹。

    ``execute=True`` 时先运行解答笔记本并保存输出（见 ``execute_solutions``）。
    """
    dest = Path(dest) if dest else source_checkout() / "notebooks"
    ids = assignment_ids or assignments()
    if execute:
        for assignment in ids:
            execute_solutions(assignment)
    written = []
    with tempfile.TemporaryDirectory(prefix="crm-lab-release-") as tmp:
        course = new_course_dir(tmp, ids)
        for assignment in ids:
            generated = generate(course, assignment)
            target = dest / assignment
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(generated, target)
            written.append(target)
    return written


def autograde(course_dir: str | Path, assignment: str, *extra: str) -> str:
    """自动评分 ``submitted/*/<assignment>`` 里的全部提交（需先 ``generate``）。

    ``extra`` 是额外的 nbgrader 参数，例如 ``"--student", "s01"`` 只评一个学生。
    """
    return run_nbgrader(course_dir, "autograde", assignment, "--force", *extra, strict=False)


def cell_scores(course_dir: str | Path, assignment: str, student: str) -> pd.DataFrame:
    """从成绩库读出某学生某次作业每个评分单元格的得分。

    返回列：notebook, cell, kind（autograded：代码测试单元格；manual：书面作答）, score, max_score。
    """
    from nbgrader.api import Gradebook

    rows = []
    db_url = f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"
    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                rows.append({
                    "notebook": notebook.name,
                    "cell": grade.name,
                    "kind": "autograded" if grade.cell.cell_type == "code" else "manual",
                    "score": grade.score,
                    "max_score": grade.max_score,
                })
    return pd.DataFrame(rows, columns=["notebook", "cell", "kind", "score", "max_score"])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crm_lab.course",
                                     description="维护者工具：由 solutions/ 生成学生版 notebooks/")
    sub = parser.add_subparsers(dest="command", required=True)
    rel = sub.add_parser("release", help="重新生成学生版笔记本")
    rel.add_argument("assignments", nargs="*", help="作业编号（默认全部）")
    rel.add_argument("--no-execute", action="store_true", help="不重新运行解答笔记本（保留原有输出）")
    args = parser.parse_args(argv)
    for path in release(args.assignments or None, execute=not args.no_execute):
        print(f"已生成 {path.relative_to(SOURCE_ROOT)}")


if __name__ == "__main__":
    main()
