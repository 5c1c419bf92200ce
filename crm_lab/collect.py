"""收作业：把 U 盘或共享文件夹里交上来的笔记本，放进 nbgrader 的 ``submitted/<学号>/<作业>/`` 里。

学生交上来的文件常常改过名：``2023010112_m0_getting_started.ipynb``、``张三-2023010112-作业.ipynb``，
或者放在以学号命名的文件夹里的 ``m0_getting_started (1).ipynb``。这里：

- 学号：在文件名（再往上是各级文件夹名）里找课程名单上的学号；名单来自成绩库 gradebook.db 或一个名单 CSV；
- 作业：不看文件名，看笔记本里 nbgrader 评分单元格的编号（grade_id），和发布出去的学生版笔记本比对；
- 复制到 ``submitted/<学号>/<作业>/<发布时的文件名>.ipynb``，旁边写 ``timestamp.txt``（文件最后保存的时间）；
- 实验笔记本旁边的 **表单记录** ``<笔记本名>.forms.json``（学生在表单里保存的内容，见 ``crm_lab.widgets``）
  也要收：学号同样从文件名或文件夹名里找，作业看文件名里的笔记本名，复制成 ``<发布时的笔记本名>.forms.json``；
- 原来的文件只读不改，也不删除。

找不到学号、学号不在名单上、同一个学生同一次作业交了两份、不是笔记本、文件损坏，都不复制，写进报告。
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import sys
from pathlib import Path

import pandas as pd

from crm_lab.data import CRMDataError, read_table

REPORT_COLUMNS = ["文件", "学号", "作业", "状态", "说明", "复制到"]
FORM_RECORD_SUFFIX = ".forms.json"
_LONG_NUMBER = re.compile(r"(?<![0-9])[0-9]{6,}(?![0-9])")
_SKIP_PARTS = {".ipynb_checkpoints", "__MACOSX"}


def course_students(course_dir=".", *, roster=None, id_column: str = "学号") -> list[str]:
    """课程名单上的学号。

    有 ``roster``（CSV/Excel，学号在 ``id_column`` 列）时读它，否则读课程文件夹里 gradebook.db 登记的学生。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "名单.csv"
    ...     _ = path.write_text("学号,姓名\\n2023010112,张三\\n2023010113,李四\\n", encoding="utf-8")
    ...     course_students(folder, roster=path)
    ['2023010112', '2023010113']
    """
    if roster is not None:
        table = read_table(roster, dtype=str)
        if id_column not in table.columns:
            raise CRMDataError(
                f"名单 {roster} 里没有“{id_column}”列。现有的列：{', '.join(map(str, table.columns))}。"
                "请把学号那一列的表头改成“学号”，或用 --id-column 写出它的列名。"
            )
        ids = table[id_column].dropna().astype("str").str.strip().str.removesuffix(".0")
        return sorted(set(ids[ids != ""]))
    database = Path(course_dir) / "gradebook.db"
    if not database.is_file():
        raise CRMDataError(
            f"课程文件夹 {Path(course_dir).resolve()} 里没有成绩库 gradebook.db，不知道有哪些学生。"
            "请用 --roster 名单.csv 给出学生名单（一列“学号”），或先用 nbgrader db student import 名单.csv 登记学生。"
        )
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{database.resolve()}") as gradebook:
        ids = sorted(s.id for s in gradebook.students)
    if not ids:
        raise CRMDataError(
            f"成绩库 {database} 里还没有登记学生。请用 --roster 名单.csv 给出学生名单，"
            "或先运行 nbgrader db student import 名单.csv（列：id, last_name, first_name）。"
        )
    return ids


def read_roster(path, *, id_column: str = "学号", name_column: str = "姓名") -> pd.DataFrame:
    """读学生名单（CSV/Excel），返回列为 学号、姓名 的表；缺列、缺学号、学号重复时报错（Excel 行号）。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "名单.csv"
    ...     _ = path.write_text("学号,姓名\\n2023010112,张三\\n", encoding="gbk")
    ...     read_roster(path).to_dict("records")
    [{'学号': '2023010112', '姓名': '张三'}]
    """
    table = read_table(path, dtype=str)
    missing = [c for c in (id_column, name_column) if c not in table.columns]
    if missing:
        raise CRMDataError(
            f"名单 {path} 里没有 {', '.join(missing)} 列。现有的列：{', '.join(map(str, table.columns))}。"
            "请把表头改成“学号”“姓名”，或用 --id-column / --name-column 写出你的列名。"
        )
    ids = table[id_column].fillna("").astype("str").str.strip().str.removesuffix(".0")
    rows = pd.Series(range(2, len(table) + 2))
    if ids.eq("").any():
        shown = "、".join(map(str, rows[ids.eq("")][:5]))
        raise CRMDataError(f"名单 {path} 第 {shown} 行没有学号。请补上学号，或删掉这些行。")
    duplicated = ids.duplicated(keep=False)
    if duplicated.any():
        shown = "、".join(f"{r}（{i}）" for r, i in zip(rows[duplicated][:6], ids[duplicated][:6], strict=True))
        raise CRMDataError(f"名单 {path} 里学号重复：第 {shown} 行。每位学生只写一行。")
    return pd.DataFrame({"学号": ids, "姓名": table[name_column].fillna("").astype("str").str.strip()})


def register_students(course_dir, roster: pd.DataFrame) -> int:
    """把名单（``read_roster`` 的结果）上的学生登记进课程的 gradebook.db（没有就新建），返回登记的人数。

    登记过的学生即使一次作业都没交，导出和总评里也有他（作业按 0 分计）。已有的学生只更新姓名。
    """
    from nbgrader.api import Gradebook

    # a new gradebook.db is stamped by calling the `alembic` program of this environment
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    database = Path(course_dir).resolve() / "gradebook.db"
    with Gradebook(f"sqlite:///{database}") as gradebook:
        for row in roster.itertuples(index=False):
            gradebook.update_or_create_student(row.学号, last_name=row.姓名, first_name="")
    return len(roster)


def released_notebooks(course_dir=".", *, release_directory: str = "notebooks") -> dict[tuple[str, str], set[str]]:
    """发布的学生版笔记本：{(作业编号, 笔记本文件名): 其中评分单元格的 grade_id 集合}。"""
    root = Path(course_dir) / release_directory
    result = {}
    for path in sorted(root.glob("*/*.ipynb")):
        ids = _grade_ids(json.loads(path.read_text(encoding="utf-8")))
        if ids:
            result[(path.parent.name, path.name)] = ids
    if not result:
        raise CRMDataError(
            f"{root} 里没有发布的学生版笔记本，无法判断交上来的是哪次作业。"
            "请先在课程文件夹里运行 nbgrader generate_assignment <作业编号>。"
        )
    return result


def _grade_ids(notebook: dict) -> set[str]:
    ids = set()
    for cell in notebook.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        if grade_id:
            ids.add(grade_id)
    return ids


def match_student(path: Path, students: list[str], base: Path) -> tuple[str | None, str]:
    """在文件名、再在上级文件夹名里找名单上的学号；返回 (学号或 None, 说明)。"""
    names = [path.stem] + [p.name for p in path.relative_to(base).parents if p.name]
    for name in names:
        found = sorted({s for s in students if re.search(rf"(?<![0-9A-Za-z]){re.escape(s)}(?![0-9A-Za-z])", name)})
        if len(found) == 1:
            return found[0], ""
        if len(found) > 1:
            return None, f"“{name}”里有多个学号：{', '.join(found)}"
    numbers = sorted({m for name in names for m in _LONG_NUMBER.findall(name)})
    if numbers:
        return None, f"文件名里的 {', '.join(numbers)} 不在课程名单上（学号写错了？）"
    return None, "文件名和文件夹名里都没有学号"


def match_assignment(notebook: dict, released: dict[tuple[str, str], set[str]]) -> tuple[str, str] | None:
    """按评分单元格的 grade_id 找出是哪次作业的哪个笔记本（重合最多的那个）；一个都对不上时返回 None。"""
    ids = _grade_ids(notebook)
    best, overlap = None, 0
    for key, expected in released.items():
        common = len(ids & expected)
        if common > overlap:
            best, overlap = key, common
    return best


def match_form_record(path: Path, released: dict[tuple[str, str], set[str]]) -> tuple[tuple[str, str] | None, str]:
    """表单记录文件属于哪次作业：文件名里有哪个发布的笔记本名。返回 ((作业, 复制成的文件名) 或 None, 说明)。"""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(record, dict) or "steps" not in record:
            raise ValueError("没有 steps")
    except (ValueError, UnicodeDecodeError) as exc:
        return None, f"表单记录文件损坏（{type(exc).__name__}）；请学生重新运行笔记本里的表单后再交"
    stems = {Path(name).stem: assignment for assignment, name in released}
    matches = [stem for stem in stems if stem in path.name]
    matches = sorted(stem for stem in matches if not any(stem != other and stem in other for other in matches))
    if len(matches) != 1:
        names = "、".join(f"{stem}{FORM_RECORD_SUFFIX}" for stem in sorted(stems))
        return None, f"认不出是哪次作业的表单记录：文件名里应该有笔记本的名字（{names}）"
    return (stems[matches[0]], matches[0] + FORM_RECORD_SUFFIX), ""


def collect_submissions(folder, course_dir=".", *, students: list[str] | None = None,
                        roster=None, dry_run: bool = False) -> pd.DataFrame:
    """把 ``folder``（含子文件夹）里交上来的笔记本复制进课程文件夹 ``course_dir`` 的 ``submitted/``。

    学生名单：``students``，否则 ``roster`` 名单文件，否则课程的 gradebook.db（见 ``course_students``）。
    返回报告表，一行一个文件，列：文件、学号、作业、状态（已收取 / 未收取）、说明、复制到。
    ``dry_run=True`` 时只生成报告，不复制。原来的文件不会被修改或删除。
    ``attrs["report"]`` 里是各状态的文件数。
    """
    folder = Path(folder)
    course_dir = Path(course_dir)
    if not folder.is_dir():
        raise CRMDataError(f"找不到存放作业的文件夹 {folder}。请写出 U 盘或共享文件夹里那个文件夹的路径。")
    students = students if students is not None else course_students(course_dir, roster=roster)
    released = released_notebooks(course_dir)
    rows, found = [], {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder)
        if _SKIP_PARTS & set(relative.parts) or path.name.startswith((".", "~$")):
            continue
        row = dict.fromkeys(REPORT_COLUMNS, "")
        row["文件"] = str(relative)
        student, why = match_student(path, students, folder)
        row["学号"] = student or ""
        if path.name.lower().endswith(FORM_RECORD_SUFFIX):
            key, problem = match_form_record(path, released)
            if key is None:
                row.update(状态="未收取", 说明=problem)
            elif student is None:
                row.update(作业=key[0], 状态="未收取", 说明=why)
            else:
                row.update(作业=key[0], 状态="已收取", 说明="表单记录")
                found.setdefault((student, key), []).append((path, len(rows)))
        elif path.suffix.lower() != ".ipynb":
            row.update(状态="未收取", 说明="不是笔记本（.ipynb）文件")
        else:
            try:
                notebook = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(notebook, dict) or "cells" not in notebook:
                    raise ValueError("没有 cells")
            except (ValueError, UnicodeDecodeError) as exc:
                row.update(状态="未收取",
                           说明=f"文件损坏，不是有效的笔记本（{type(exc).__name__}）；请学生重新保存后再交")
                rows.append(row)
                continue
            key = match_assignment(notebook, released)
            if key is None:
                row.update(状态="未收取", 说明="笔记本里没有任何发布作业的评分单元格，认不出是哪次作业")
            elif student is None:
                row.update(作业=key[0], 状态="未收取", 说明=why)
            else:
                row.update(作业=key[0], 状态="已收取")
                found.setdefault((student, key), []).append((path, len(rows)))
        rows.append(row)
    for (student, (assignment, name)), items in found.items():
        if len(items) > 1:
            others = "、".join(str(p.relative_to(folder)) for p, _ in items)
            for _, index in items:
                rows[index].update(状态="未收取",
                                   说明=f"同一学生同一作业有 {len(items)} 份：{others}；请留下一份后重新收取")
            continue
        source, index = items[0]
        target = course_dir / "submitted" / student / assignment
        rows[index]["复制到"] = str((target / name).relative_to(course_dir))
        if not dry_run:
            target.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target / name)
            if not name.endswith(".ipynb"):
                continue
            saved = dt.datetime.fromtimestamp(source.stat().st_mtime, tz=dt.UTC)
            (target / "timestamp.txt").write_text(saved.strftime("%Y-%m-%d %H:%M:%S.%f %Z"), encoding="utf-8")
    report = pd.DataFrame(rows, columns=REPORT_COLUMNS)
    report.attrs["report"] = {"已收取": int((report["状态"] == "已收取").sum()),
                              "未收取": int((report["状态"] == "未收取").sum())}
    return report


def format_report(report: pd.DataFrame) -> str:
    """报告表的文字版（命令行里打印）：先列已收取的，再列未收取的和原因。"""
    lines = []
    for status in ("已收取", "未收取"):
        part = report[report["状态"] == status]
        lines.append(f"{status}：{len(part)} 个文件")
        for row in part.itertuples(index=False):
            detail = row.复制到 if status == "已收取" else row.说明
            lines.append(f"  {row.文件}  学号 {row.学号 or '？'}  作业 {row.作业 or '？'}  → {detail}")
    return "\n".join(lines)
