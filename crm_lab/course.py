"""nbgrader 课程目录的操作：由 solutions/ 生成学生版 notebooks/，以及自动评分。

nbgrader 必须在课程目录里运行（否则会在当前文件夹留下 gradebook.db），所以这里的函数都在
一个临时课程目录里工作，源码目录只收到生成的学生版笔记本。维护者用法::

    python -m crm_lab.course release            # 运行解答、保存输出，再生成 notebooks/ 下的全部学生版
    python -m crm_lab.course release m0_getting_started

``release`` 还给教师版加上幻灯片标记（见 ``add_slide_metadata``），老师可以用 RISE 把它当幻灯片放映。
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
# RISE (reveal.js) settings stored in each solution notebook: the white theme uses only bundled fonts
# (the default "simple" theme loads Google Fonts), scroll lets a long table or plot stay on its slide.
RISE_SETTINGS = {"theme": "white", "transition": "none", "scroll": True, "slideNumber": True,
                 "start_slideshow_at": "beginning"}


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
    # files a notebook writes when a teacher runs it in place (its results, a demo database) are not course material
    leftovers = shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*_output", "*.db")
    course.mkdir(parents=True, exist_ok=True)
    shutil.copy2(root / CONFIG_FILE, course / CONFIG_FILE)
    for assignment in assignment_ids or assignments():
        shutil.copytree(root / "solutions" / assignment, course / "solutions" / assignment, ignore=leftovers)
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
        # only this assignment's folder: releases of other assignments may be running beside this one
        shutil.rmtree(scratch, ignore_errors=True)
    return source


def slide_type(cell) -> str:
    """一个单元格在幻灯片里的类型（RISE 的 ``slideshow.slide_type``），规则见 ``add_slide_metadata``。"""
    grading = cell.get("metadata", {}).get("nbgrader", {})
    if grading.get("grade") and (cell.cell_type == "markdown" or not grading.get("solution")):
        return "skip"
    if cell.cell_type == "markdown":
        first = cell.source.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    return "-"


def add_slide_metadata(notebook):
    """给笔记本加上幻灯片标记，返回同一个笔记本（原地修改）。维护者不用手工标记，``make release`` 会调用它。

    规则（一个来源，每次重新生成都一样）：

    - 以 ``#`` 或 ``##`` 标题开头的 Markdown 单元格开始新的一页（slide）；
    - 以 ``###`` 标题开头的开始一页子幻灯片（subslide，在 RISE 里按“下”键进入）；
    - 跳过（skip）评分用的测试单元格（里面有隐藏测试）和书面作业的参考答案（评分要点不给学生看）；
    - 其余单元格（讲解、示例代码和它的输出、练习的参考代码）接在当前页后面（RISE 的默认，不加标记），
      页面太长时可以在页内滚动（笔记本元数据 ``rise`` 里的 ``scroll``）。

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## 1. 认识笔记本"), nbformat.v4.new_code_cell("1 + 1"),
    ...     nbformat.v4.new_markdown_cell("### 练习 1"),
    ...     nbformat.v4.new_code_cell("assert True", metadata={"nbgrader": {"grade": True, "solution": False}})])
    >>> [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in add_slide_metadata(nb).cells]
    ['slide', '-', 'subslide', 'skip']
    >>> nb.metadata["rise"]["theme"]
    'white'
    """
    for cell in notebook.cells:
        kind = slide_type(cell)
        if kind == "-":  # RISE's default: leave the cell's metadata as it was
            cell.metadata.pop("slideshow", None)
        else:
            cell.metadata["slideshow"] = {"slide_type": kind}
    notebook.metadata["rise"] = dict(RISE_SETTINGS)
    return notebook


def mark_slides(assignment: str) -> list[Path]:
    """给 ``solutions/<assignment>`` 里的笔记本加上幻灯片标记并保存，返回内容有变化的文件。"""
    import nbformat

    changed = []
    for path in sorted((source_checkout() / "solutions" / assignment).glob("*.ipynb")):
        before = path.read_text(encoding="utf-8")
        notebook = add_slide_metadata(nbformat.reads(before, as_version=4))
        after = nbformat.writes(notebook) + "\n"
        if after != before:
            path.write_text(after, encoding="utf-8")
            changed.append(path)
    return changed


def release(assignment_ids: list[str] | None = None, dest: str | Path | None = None,
            *, execute: bool = False) -> list[Path]:
    """重新生成学生版笔记本，写入 ``dest``（默认：源码目录的 notebooks/），返回写出的文件夹。

    ``execute=True`` 时先运行解答笔记本并保存输出（见 ``execute_solutions``）。
    解答笔记本都会加上幻灯片标记（见 ``add_slide_metadata``），学生版也带着这些标记（对学生没有影响）。
    """
    dest = Path(dest) if dest else source_checkout() / "notebooks"
    ids = assignment_ids or assignments()
    for assignment in ids:
        if execute:
            execute_solutions(assignment)
        mark_slides(assignment)
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
