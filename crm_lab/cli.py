"""命令行工具 ``crm-lab``。

- ``crm-lab start [DIR]``：把学生版笔记本和数据复制到工作区 DIR（默认 ~/crm-lab-work），然后打开 JupyterLab；
  已有的文件一律不覆盖，``--update`` 只补上工作区里还没有的文件；学生的 JupyterLab 里没有 nbgrader 的
  出题（Create Assignment）、批改（Formgrader）和课程列表插件，只有验证（Validate）和作业列表（Assignments）；
- ``crm-lab start --teacher [DIR]``：准备教师的课程文件夹（默认 ~/crm-lab-course：教师版 solutions/、学生版、
  数据和 nbgrader_config.py），在那里打开带全部批改工具的 JupyterLab；
- ``crm-lab slides m0_getting_started``：教师在课堂上把教师版笔记本当幻灯片放映（RISE，离线可用），
  代码可以在幻灯片里现场运行；
- ``crm-lab collect DIR``：把 U 盘或共享文件夹里交上来的笔记本按学号和作业放进 submitted/（见 ``crm_lab.collect``）；
- ``crm-lab grades 成绩登记表.xlsx``：由成绩库和登记表算出总评，写出 CSV、Excel 和分布图（见 ``crm_lab.grading``）；
- ``crm-lab doctor``：检查环境，每个问题都附上解决办法；
- ``crm-lab datasets``：列出课程自带的数据表（``--rebuild`` 在源码目录里重新生成它们）。
"""

from __future__ import annotations

import argparse
import importlib.metadata as metadata
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import warnings
from dataclasses import dataclass
from pathlib import Path

from crm_lab.resources import shipped_dir

DEFAULT_WORKSPACE = Path("~/crm-lab-work")
DEFAULT_COURSE = Path("~/crm-lab-course")
# Jupyter config folder added for students: disables nbgrader's teacher plugins (lab and server side)
STUDENT_JUPYTER_CONFIG = Path(__file__).resolve().parent / "student_jupyter_config"
TEACHER_FILES = ("nbgrader_config.py", "solutions", "notebooks", "datasets")
DISTRIBUTION = "crm-lab"
OVERRIDES_FILE = Path("share/jupyter/lab/settings/overrides.d/crm-lab.json")


# ---------------------------------------------------------------- start


def workspace_files() -> list[tuple[Path, Path]]:
    """工作区应有的文件：(源文件, 在工作区里的相对路径)。"""
    pairs = []
    for kind, prefix in (("notebooks", Path()), ("datasets", Path("datasets"))):
        root = shipped_dir(kind)
        for src in sorted(root.rglob("*")):
            if src.is_file() and ".ipynb_checkpoints" not in src.parts:
                pairs.append((src, prefix / src.relative_to(root)))
    return pairs


def prepare_workspace(workspace: str | Path, *, update: bool = False) -> dict[str, list[Path]]:
    """准备学生工作区，返回 {"copied": [...], "kept": [...], "available": [...]}（相对路径）。

    新的（或空的）工作区：复制全部文件。已有的工作区：什么也不复制，只报告有哪些新文件可以添加；
    ``update=True`` 时补上工作区里还没有的文件。工作区里已有的文件永远不会被覆盖。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = prepare_workspace(folder)
    >>> any(p.suffix == ".ipynb" for p in result["copied"])
    True
    """
    return _copy_missing(workspace, workspace_files(), update=update)


def teacher_workspace_files() -> list[tuple[Path, Path]]:
    """教师课程文件夹应有的文件：(源文件, 相对路径)。只能来自源码目录（wheel 里不带教师版答案）。"""
    from crm_lab.course import source_checkout

    root = source_checkout()
    pairs = []
    for name in TEACHER_FILES:
        src = root / name
        if src.is_file():
            pairs.append((src, Path(name)))
            continue
        for path in sorted(src.rglob("*")):
            if path.is_file() and not {".ipynb_checkpoints", "__pycache__"} & set(path.parts):
                pairs.append((path, path.relative_to(root)))
    return pairs


def prepare_teacher_workspace(course: str | Path, *, update: bool = False) -> dict[str, list[Path]]:
    """准备教师的课程文件夹（nbgrader 的课程目录），规则同 ``prepare_workspace``：已有的文件永远不覆盖。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     result = prepare_teacher_workspace(folder)
    >>> Path("nbgrader_config.py") in result["copied"], any(p.parts[0] == "solutions" for p in result["copied"])
    (True, True)
    """
    return _copy_missing(course, teacher_workspace_files(), update=update)


def _copy_missing(workspace, files, *, update: bool) -> dict[str, list[Path]]:
    workspace = Path(workspace).expanduser()
    fresh = not workspace.exists() or not any(workspace.iterdir())
    workspace.mkdir(parents=True, exist_ok=True)
    result: dict[str, list[Path]] = {"copied": [], "kept": [], "available": []}
    for src, rel in files:
        target = workspace / rel
        if target.exists():
            result["kept"].append(rel)
        elif fresh or update:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
            result["copied"].append(rel)
        else:
            result["available"].append(rel)
    return result


def student_lab_env(env: dict[str, str] | None = None) -> dict[str, str]:
    """学生 JupyterLab 的环境变量：JUPYTER_CONFIG_PATH 里加上关闭 nbgrader 教师插件的配置文件夹。

    >>> student_lab_env({})["JUPYTER_CONFIG_PATH"] == str(STUDENT_JUPYTER_CONFIG)
    True
    """
    env = dict(os.environ if env is None else env)
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join(
        p for p in [str(STUDENT_JUPYTER_CONFIG), env.get("JUPYTER_CONFIG_PATH", "")] if p)
    return env


def lab_command(workspace: Path, *, open_browser: bool, port: int | None, extra: list[str]):
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={workspace}"]
    if not open_browser:
        command.append("--ServerApp.open_browser=False")
    if port:
        command.append(f"--ServerApp.port={port}")
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # JupyterLab refuses root unless told
        command.append("--ServerApp.allow_root=True")
    return command + extra


def cmd_start(args) -> int:
    default = DEFAULT_COURSE if args.teacher else DEFAULT_WORKSPACE
    workspace = Path(args.dir or default).expanduser().resolve()
    try:
        if args.teacher:
            result = prepare_teacher_workspace(workspace, update=args.update)
        else:
            result = prepare_workspace(workspace, update=args.update)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法在 {workspace} 建立工作区：{exc}。请换一个有写权限的文件夹，例如 "
              f"crm-lab start D:\\crm-lab-work。", file=sys.stderr)
        return 1
    _print_copied(result, workspace, teacher=args.teacher)
    if args.no_lab:
        return 0
    command = lab_command(workspace, open_browser=not args.no_browser, port=args.port,
                          extra=args.lab_args)
    # the teacher's lab runs in the course folder: nbgrader and its formgrader read nbgrader_config.py there
    env = None if args.teacher else student_lab_env()
    print("正在打开 JupyterLab……（关闭时在这个窗口按 Ctrl+C 两次）", flush=True)
    return _run_lab(command, workspace, env)


def _print_copied(result: dict[str, list[Path]], workspace: Path, *, teacher: bool) -> None:
    print(f"{'课程文件夹（教师）' if teacher else '工作区'}：{workspace}")
    if result["copied"]:
        print(f"  已复制 {len(result['copied'])} 个文件（笔记本和数据）。")
    if result["kept"]:
        print(f"  保留了你已有的 {len(result['kept'])} 个文件，没有覆盖。")
    if result["available"]:
        print(f"  有 {len(result['available'])} 个新文件还没有加入工作区，"
              f"运行 crm-lab start{' --teacher' if teacher else ''} --update \"{workspace}\" 添加"
              "（不会覆盖你的文件）。")


def _run_lab(command: list[str], cwd: Path, env: dict[str, str] | None) -> int:
    try:
        return subprocess.call(command, cwd=cwd, env=env)
    except KeyboardInterrupt:
        return 0


# ---------------------------------------------------------------- slides


def slides_notebook(course: str | Path, name: str) -> Path:
    """要放映的笔记本在课程文件夹里的相对路径。

    ``name`` 是作业编号（放映 ``solutions/<编号>/`` 里唯一的笔记本）或课程文件夹里一个笔记本的路径
    （作业里有几个笔记本时用它）。找不到时抛出 FileNotFoundError，中文说明有哪些可以放映。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     _ = prepare_teacher_workspace(folder)
    ...     slides_notebook(folder, "m0_getting_started").as_posix()
    'solutions/m0_getting_started/m0_getting_started.ipynb'
    """
    course = Path(course)
    given = Path(name)
    if given.suffix == ".ipynb":
        path = given if given.is_absolute() else course / given
        if path.is_file():
            try:
                return path.resolve().relative_to(course.resolve())
            except ValueError:
                raise FileNotFoundError(f"{path} 不在课程文件夹 {course} 里：幻灯片只能放映课程文件夹里的笔记本，"
                                        "请先把它复制进去。") from None
        raise FileNotFoundError(f"找不到笔记本 {path}。")
    notebooks = sorted((course / "solutions" / name).glob("*.ipynb"))
    if len(notebooks) == 1:
        return notebooks[0].relative_to(course)
    if notebooks:
        choices = "、".join(p.relative_to(course).as_posix() for p in notebooks)
        raise FileNotFoundError(f"作业 {name} 有 {len(notebooks)} 个笔记本，请指定放映哪一个，例如 "
                                f"crm-lab slides {notebooks[0].relative_to(course).as_posix()}（可选：{choices}）。")
    known = sorted(p.name for p in (course / "solutions").glob("*") if p.is_dir())
    raise FileNotFoundError(f"课程文件夹 {course} 的 solutions/ 里没有作业 {name!r}。"
                            f"可以放映的作业：{'、'.join(known) or '（没有，先运行 crm-lab start --teacher）'}。")


def slides_url(notebook: Path) -> str:
    """RISE 放映 ``notebook``（课程文件夹里的相对路径）的地址（不含服务器部分）。

    >>> slides_url(Path("solutions/m0_getting_started/m0_getting_started.ipynb"))
    '/rise/solutions/m0_getting_started/m0_getting_started.ipynb'
    """
    return "/rise/" + urllib.parse.quote(notebook.as_posix())


def has_slide_marks(path: str | Path) -> bool:
    """笔记本里有没有幻灯片分页标记（``make release`` 加的；旧版课件复制来的教师版可能没有）。"""
    import json

    cells = json.loads(Path(path).read_text(encoding="utf-8")).get("cells", [])
    return any("slideshow" in cell.get("metadata", {}) for cell in cells)


def cmd_slides(args) -> int:
    course = Path(args.course or DEFAULT_COURSE).expanduser().resolve()
    try:
        result = prepare_teacher_workspace(course)
        notebook = slides_notebook(course, args.notebook)
    except FileNotFoundError as exc:
        print(exc, file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"无法准备课程文件夹 {course}：{exc}。请用 --course 换一个有写权限的文件夹。", file=sys.stderr)
        return 1
    _print_copied(result, course, teacher=True)
    if not has_slide_marks(course / notebook):
        print(f"注意：{notebook.as_posix()} 没有分页标记（可能是旧版课件复制来的），整本会显示成一页。"
              f"要用课件分好的页：删掉它，再运行 crm-lab start --teacher --update \"{course}\"。", file=sys.stderr)
    url = slides_url(notebook)
    command = lab_command(course, open_browser=not args.no_browser, port=args.port,
                          extra=[f"--LabApp.default_url={url}", *args.lab_args])
    print(f"正在打开幻灯片 {notebook.as_posix()}……（← → 翻页，Shift+Enter 运行代码，"
          "关闭时在这个窗口按 Ctrl+C 两次）", flush=True)
    return _run_lab(command, course, None)


# ---------------------------------------------------------------- doctor


@dataclass
class Check:
    name: str
    ok: bool
    detail: str
    fix: str = ""


def _check_python() -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    ok = sys.version_info >= (3, 11)
    return Check("Python 版本", ok, f"Python {version}（{sys.executable}）",
                 "请安装 Python 3.11 或更新的版本（python.org 或 Anaconda）。")


def _check_packages() -> list[Check]:
    from packaging.requirements import Requirement

    checks = []
    for line in metadata.requires(DISTRIBUTION) or []:
        requirement = Requirement(line)
        if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
            continue
        try:
            installed = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            checks.append(Check(f"软件包 {requirement.name}", False, "没有安装",
                                f"运行 pip install \"{requirement}\"（或在源码目录运行 make lab）。"))
            continue
        ok = requirement.specifier.contains(installed, prereleases=True)
        checks.append(Check(f"软件包 {requirement.name}", ok,
                            f"{installed}（要求 {requirement.specifier or '任意版本'}）",
                            f"运行 pip install \"{requirement}\" 安装合适的版本。"))
    return checks


def _jupyter(*args: str) -> str:
    proc = subprocess.run([sys.executable, "-m", "jupyter", *args], capture_output=True,
                          text=True, timeout=120)
    return proc.stdout + proc.stderr


def _enabled_ok(listing: str, name: str) -> bool:
    return any(name in line and "enabled" in line and "OK" in line for line in listing.splitlines())


def _check_lab_extensions() -> list[Check]:
    labext = _jupyter("labextension", "list")
    lab_ok = _enabled_ok(labext, "@jupyter/nbgrader")
    server = _jupyter("server", "extension", "list")
    server_ok = any(line.strip().startswith("nbgrader") and "enabled" in line
                    for line in server.splitlines())
    rise_ok = _enabled_ok(labext, "jupyterlab-rise") and any(
        line.strip().startswith("jupyterlab_rise") and "enabled" in line for line in server.splitlines())
    fix = "运行 pip install --force-reinstall \"nbgrader>=0.9.6\"；如果仍不行，运行 " \
          "jupyter labextension enable @jupyter/nbgrader 和 jupyter server extension enable nbgrader。"
    return [
        Check("nbgrader 的 JupyterLab 插件（验证按钮等）", lab_ok,
              "已启用" if lab_ok else "没有找到或没有启用", fix),
        Check("nbgrader 的服务器插件", server_ok, "已启用" if server_ok else "没有找到或没有启用", fix),
        Check("RISE 幻灯片插件（教师课堂演示用）", rise_ok, "已启用" if rise_ok else "没有找到或没有启用",
              "运行 pip install --force-reinstall \"jupyterlab-rise>=0.43,<0.44\"；如果仍不行，运行 "
              "jupyter labextension enable jupyterlab-rise 和 jupyter server extension enable jupyterlab_rise。"),
    ]


def _check_chinese_interface() -> Check:
    path = Path(sys.prefix) / OVERRIDES_FILE
    ok = path.is_file()
    return Check("JupyterLab 中文界面", ok, f"默认设置 {path}" if ok else f"缺少 {path}",
                 "重新安装本课件：在源码目录运行 make lab，或 pip install --force-reinstall crm-lab。")


def _check_font() -> Check:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from crm_lab import plots

    try:
        name = plots.use_chinese_font()
    except RuntimeError as exc:
        return Check("中文字体", False, str(exc), "运行 pip install mplfonts。")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.set_title("客户关系管理 −1")
        fig.canvas.draw()
        plt.close(fig)
    missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
    return Check("中文字体", not missing, f"{name}" + (f"；缺字：{missing[0]}" if missing else ""),
                 "运行 pip install --force-reinstall mplfonts，然后删除 matplotlib 的字体缓存再试。")


def _check_workspace(workspace: Path) -> Check:
    target = workspace if workspace.exists() else workspace.parent
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".crm-lab-doctor-"):
            pass
        ok, detail = True, f"{workspace} 可以写入"
    except OSError as exc:
        ok, detail = False, f"{target} 不能写入（{exc.strerror}）"
    return Check("工作区写入权限", ok, detail,
                 "换一个有写权限的文件夹：crm-lab start D:\\crm-lab-work（Windows）或 ~/crm-lab-work。")


def _check_course_files() -> list[Check]:
    from crm_lab.data import list_datasets, load_dataset

    checks = []
    try:
        names = list_datasets()["name"].tolist()
        for name in names:
            load_dataset(name)
        checks.append(Check("课程数据", True, f"{len(names)} 张表都能读取"))
    except Exception as exc:  # report every failure as a finding, never a traceback
        checks.append(Check("课程数据", False, str(exc), "重新安装本课件（make lab 或 pip install crm-lab）。"))
    try:
        count = len(list(shipped_dir("notebooks").rglob("*.ipynb")))
        checks.append(Check("学生版笔记本", count > 0, f"{count} 个",
                            "重新安装本课件（make lab 或 pip install crm-lab）。"))
    except FileNotFoundError as exc:
        checks.append(Check("学生版笔记本", False, str(exc), "重新安装本课件。"))
    return checks


def run_doctor(workspace: Path) -> list[Check]:
    return [
        _check_python(),
        *_check_packages(),
        *_check_lab_extensions(),
        _check_chinese_interface(),
        _check_font(),
        _check_workspace(workspace),
        *_check_course_files(),
    ]


def cmd_doctor(args) -> int:
    checks = run_doctor(Path(args.workspace).expanduser().resolve())
    for check in checks:
        mark = "【正常】" if check.ok else "【问题】"
        print(f"{mark}{check.name}：{check.detail}")
        if not check.ok and check.fix:
            print(f"        解决办法：{check.fix}")
    problems = sum(not c.ok for c in checks)
    print()
    print("一切正常，可以开始学习了！" if not problems else f"发现 {problems} 个问题，请按上面的办法解决。")
    return 0 if not problems else 1


# ---------------------------------------------------------------- datasets


def cmd_datasets(args) -> int:
    if args.rebuild:
        from crm_lab import synth

        if not (synth.SOURCE_ROOT / "pyproject.toml").is_file():
            print("--rebuild 只能在 crm-lab 的源码目录里使用（git clone 之后）；安装版的数据已经是生成好的。",
                  file=sys.stderr)
            return 1
        for path in synth.write_datasets(shipped_dir("datasets"), synth.TEACHER_NOTES):
            print(f"已写出 {path}")
        return 0
    from crm_lab.data import list_datasets

    table = list_datasets()
    for row in table.itertuples():
        print(f"{row.name:<28}{row.rows:>6} 行  {row.title}：{row.description}")
    print(f"\n在笔记本里读取：from crm_lab import load_dataset; df = load_dataset(\"{table.name[0]}\")")
    return 0


# ---------------------------------------------------------------- collect, grades


def cmd_students(args) -> int:
    from crm_lab.collect import read_roster, register_students
    from crm_lab.data import CRMDataError

    try:
        roster = read_roster(args.roster, id_column=args.id_column, name_column=args.name_column)
    except CRMDataError as exc:
        print(f"登记学生失败：{exc}", file=sys.stderr)
        return 1
    count = register_students(args.course, roster)
    print(f"已把 {count} 位学生登记进 {Path(args.course).resolve() / 'gradebook.db'}。")
    return 0


def cmd_collect(args) -> int:
    from crm_lab.collect import collect_submissions, course_students, format_report
    from crm_lab.data import CRMDataError

    try:
        students = course_students(args.course, roster=args.roster, id_column=args.id_column)
        report = collect_submissions(args.folder, args.course, students=students, dry_run=args.dry_run)
    except CRMDataError as exc:
        print(f"收作业失败：{exc}", file=sys.stderr)
        return 1
    print(format_report(report))
    if args.dry_run:
        print("（--dry-run：只是预览，没有复制任何文件）")
    return 0


def _pairs(text: str | None, option: str, *, numbers: bool = True) -> dict | None:
    if not text:
        return None
    from crm_lab.data import CRMDataError

    result = {}
    for item in text.replace("，", ",").split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise CRMDataError(f"{option} 的写法是 名称=值,名称=值（例如 期末=0.7,期中=0.2,平时=0.1），"
                               f"这一项看不懂：{item!r}。")
        try:
            result[key.strip()] = float(value) if numbers else value.strip()
        except ValueError as exc:
            raise CRMDataError(f"{option} 里 {key.strip()} 的值 {value!r} 不是数字。") from exc
    return result


def cmd_grades(args) -> int:
    from crm_lab import grading
    from crm_lab.data import CRMDataError

    try:  # the options first: a typo there should not wait for the gradebook to load
        columns = _pairs(args.columns, "--columns", numbers=False)
        weights = _pairs(args.weights, "--weights")
        usual_weights = _pairs(args.usual_weights, "--usual-weights")
        assignments = [a.strip() for a in args.assignments.split(",")] if args.assignments else None
        homework = grading.homework_scores(args.gradebook or Path(args.course) / "gradebook.db",
                                           assignments=assignments)
        sheet = grading.read_score_sheet(args.sheet, columns=columns)
        table = grading.course_grades(homework, sheet, weights=weights, usual_weights=usual_weights)
    except CRMDataError as exc:
        print(f"计算总评失败：{exc}", file=sys.stderr)
        return 1
    stats = grading.assignment_statistics(homework)
    paths = grading.write_grades(table, stats, args.out)
    report = table.attrs["report"]
    shown = table[["学号", "姓名", "作业", "平时", "期中", "期末", "总评"]].round(1)
    print(shown.to_string(index=False))
    print(f"\n{report['学生人数']} 位学生，{report['作业次数']} 次作业；"
          f"总评 = " + " + ".join(f"{k} {v:.0%}" for k, v in report["总评权重"].items())
          + "；平时 = " + " + ".join(f"{k} {v:.0%}" for k, v in report["平时权重"].items()))
    if report["缺交作业"]:
        print("缺交作业（按 0 分计）：" + "；".join(f"{sid}：{'、'.join(items)}"
                                             for sid, items in report["缺交作业"].items()))
    for path in paths.values():
        print(f"已写出 {path}")
    return 0


# ---------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="crm-lab", description="《客户关系管理》数据实训课件")
    parser.add_argument("--version", action="version",
                        version=f"crm-lab {metadata.version(DISTRIBUTION)}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="命令")

    start = sub.add_parser("start", help="准备学生工作区并打开 JupyterLab",
                           epilog="写在 -- 之后的参数原样交给 jupyter lab，例如 "
                                  "crm-lab start -- --ServerApp.port=9000")
    start.add_argument("dir", nargs="?", default=None,
                       help=f"工作区文件夹（默认 {DEFAULT_WORKSPACE}；教师默认 {DEFAULT_COURSE}）")
    start.add_argument("--teacher", action="store_true",
                       help="教师：准备课程文件夹（教师版、学生版、数据、nbgrader 设置），打开带批改工具的 JupyterLab")
    start.add_argument("--update", action="store_true", help="补上工作区里还没有的新文件（不覆盖已有文件）")
    start.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    start.add_argument("--no-lab", action="store_true", help="只准备工作区，不打开 JupyterLab")
    start.add_argument("--port", type=int, default=None, help="JupyterLab 使用的端口")
    start.set_defaults(func=cmd_start)

    slides = sub.add_parser("slides", help="教师：把教师版笔记本当幻灯片放映（离线可用，代码可以现场运行）",
                            epilog="写在 -- 之后的参数原样交给 jupyter lab")
    slides.add_argument("notebook", help="作业编号（如 m0_getting_started）或课程文件夹里笔记本的路径")
    slides.add_argument("--course", default=None, help=f"课程文件夹（默认 {DEFAULT_COURSE}，没有就先准备好）")
    slides.add_argument("--no-browser", action="store_true", help="不自动打开浏览器")
    slides.add_argument("--port", type=int, default=None, help="JupyterLab 使用的端口")
    slides.set_defaults(func=cmd_slides)

    doctor = sub.add_parser("doctor", help="检查环境并给出解决办法")
    doctor.add_argument("--workspace", default=str(DEFAULT_WORKSPACE), help="要检查写入权限的工作区")
    doctor.set_defaults(func=cmd_doctor)

    students = sub.add_parser("students", help="把学生名单登记进课程的成绩库 gradebook.db")
    students.add_argument("roster", help="学生名单 CSV/Excel，列：学号、姓名")
    students.add_argument("--course", default=".", help="课程文件夹（默认当前文件夹）")
    students.add_argument("--id-column", default="学号", help="学号那一列的列名（默认“学号”）")
    students.add_argument("--name-column", default="姓名", help="姓名那一列的列名（默认“姓名”）")
    students.set_defaults(func=cmd_students)

    collect = sub.add_parser("collect", help="把交上来的笔记本按学号和作业放进 nbgrader 的 submitted/")
    collect.add_argument("folder", help="存放交上来的作业的文件夹（可以有子文件夹）")
    collect.add_argument("--course", default=".", help="课程文件夹（默认当前文件夹）")
    collect.add_argument("--roster", default=None, help="学生名单 CSV/Excel（默认用成绩库 gradebook.db 里的学生）")
    collect.add_argument("--id-column", default="学号", help="名单里学号那一列的列名（默认“学号”）")
    collect.add_argument("--dry-run", action="store_true", help="只列出会怎么收，不复制")
    collect.set_defaults(func=cmd_collect)

    grades = sub.add_parser("grades", help="算出课程总评（期末 70%% + 期中 20%% + 平时 10%%），导出表格和分布图")
    grades.add_argument("sheet", help="成绩登记表（CSV 或 Excel），列：学号、姓名、期末、期中、考勤、课堂表现")
    grades.add_argument("--course", default=".", help="课程文件夹（默认当前文件夹），读其中的 gradebook.db")
    grades.add_argument("--gradebook", default=None, help="作业成绩：gradebook.db 或 nbgrader export 的 CSV")
    grades.add_argument("--out", default="总评成绩", help="输出文件夹（默认“总评成绩”）")
    grades.add_argument("--assignments", default=None, help="只算这些作业，逗号分隔（默认全部已发布的作业）")
    grades.add_argument("--weights", default=None, help="总评权重，例如 期末=0.7,期中=0.2,平时=0.1")
    grades.add_argument("--usual-weights", default=None, help="平时权重，例如 作业=0.5,考勤=0.25,课堂表现=0.25")
    grades.add_argument("--columns", default=None, help="登记表的列名与默认不同时，例如 学号=学生编号,期末=期末考试")
    grades.set_defaults(func=cmd_grades)

    datasets = sub.add_parser("datasets", help="列出课程自带的数据表")
    datasets.add_argument("--rebuild", action="store_true", help="在源码目录里重新生成数据表和数据字典")
    datasets.set_defaults(func=cmd_datasets)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    lab_args = []
    if "--" in argv:
        split = argv.index("--")
        argv, lab_args = argv[:split], argv[split + 1:]
    args = build_parser().parse_args(argv)
    args.lab_args = lab_args
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
