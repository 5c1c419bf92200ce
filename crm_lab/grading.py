"""课程总评：nbgrader 的作业成绩 + 老师的成绩登记表 → 总评表、分数分布图和每次作业的统计。

按教学大纲（课程考核方式）：

    总评 = 期末考试 × 70% + 期中 × 20% + 平时 × 10%
    平时 = 作业 × 50% + 考勤 × 25% + 课堂表现 × 25%      （大纲只说“根据出勤、课堂表现、作业等项目给出”，
                                                         这个分配是本课件的默认值，可以改）
    作业 = 每次已发布作业的得分率（得分 ÷ 满分 × 100）的平均；没交的作业按 0 分算，并列出来

所有分数都是百分制（0～100）。函数：

- ``homework_scores(source)``：从 gradebook.db（或 ``nbgrader export`` 导出的 CSV）读出每人每次作业的得分；
- ``read_score_sheet(path)``：读老师的成绩登记表（CSV 或 Excel），逐项检查；
- ``course_grades(homework, sheet)``：算出平时和总评；
- ``assignment_statistics(homework)``：每次作业的平均分、中位数、最高分、最低分和提交人数；
- ``plot_grade_distribution(grades)``：总评分数段的柱状图；
- ``write_grades(grades, stats, folder)``：写出 CSV（带 BOM 的 UTF-8，Excel 直接打开）、Excel 和 PNG。
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, read_table

# 成绩登记表的列：内部名称 → 默认的中文列名（用 columns= 改成你的表里的列名）
SHEET_COLUMNS = {"学号": "学号", "姓名": "姓名", "期末": "期末", "期中": "期中", "考勤": "考勤", "课堂表现": "课堂表现"}
SCORE_PARTS = ("期末", "期中", "考勤", "课堂表现")
COURSE_WEIGHTS = {"期末": 0.7, "期中": 0.2, "平时": 0.1}
USUAL_WEIGHTS = {"作业": 0.5, "考勤": 0.25, "课堂表现": 0.25}
GRADE_BANDS = [(0, 60, "不及格\n0–59"), (60, 70, "及格\n60–69"), (70, 80, "中等\n70–79"),
               (80, 90, "良好\n80–89"), (90, 100.001, "优秀\n90–100")]
HOMEWORK_COLUMNS = ["学号", "姓名", "作业", "得分", "满分", "已提交"]


# ---------------------------------------------------------------- 作业成绩


def homework_scores(source, *, assignments: list[str] | None = None) -> pd.DataFrame:
    """读出每位学生每次作业的得分，一行一人一次作业。

    ``source`` 可以是 nbgrader 的成绩库 ``gradebook.db``、含有它的课程文件夹，或 ``nbgrader export``
    写出的 ``grades.csv``。``assignments`` 只取这几次作业（默认：成绩库里登记过的全部作业，即发布过的作业）。

    返回列：学号、姓名、作业、得分（扣除迟交罚分后）、满分、已提交（没交的那次得分记 0）。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "grades.csv"
    ...     _ = path.write_text(
    ...         "assignment,duedate,timestamp,student_id,last_name,first_name,email,raw_score,"
    ...         "late_submission_penalty,score,max_score\\n"
    ...         "m0,,2026-03-01 10:00:00,2023001,张,三,,8.0,0.0,8.0,10.0\\n"
    ...         "m0,,,2023002,李,四,,0.0,0.0,0.0,10.0\\n", encoding="utf-8")
    ...     scores = homework_scores(path)
    >>> for row in scores[["学号", "姓名", "得分", "已提交"]].to_dict("records"):
    ...     print(row)
    {'学号': '2023001', '姓名': '张三', '得分': 8.0, '已提交': True}
    {'学号': '2023002', '姓名': '李四', '得分': 0.0, '已提交': False}
    """
    path = Path(source)
    if path.is_dir():
        path = path / "gradebook.db"
    if not path.exists():
        raise CRMDataError(
            f"找不到作业成绩 {path}。请写出课程文件夹里的 gradebook.db（nbgrader autograde 之后才有），"
            "或 nbgrader export 导出的 grades.csv。"
        )
    if path.suffix.lower() in {".csv", ".txt"}:
        table = _homework_from_export(path)
    else:
        table = _homework_from_gradebook(path)
    if assignments is not None:
        unknown = sorted(set(assignments) - set(table["作业"]))
        if unknown:
            raise CRMDataError(
                f"成绩库 {path} 里没有这些作业：{', '.join(unknown)}。"
                f"已登记的作业：{', '.join(sorted(set(table['作业']))) or '（没有）'}。"
                "请检查作业编号，或先在课程文件夹里运行 nbgrader generate_assignment 登记它。"
            )
        table = table[table["作业"].isin(assignments)].reset_index(drop=True)
    if table.empty:
        raise CRMDataError(
            f"成绩库 {path} 里没有作业成绩（没有登记学生或作业）。"
            "请先 nbgrader generate_assignment 登记作业、收作业并 nbgrader autograde。"
        )
    table.attrs["source"] = str(path)
    return table


def _homework_from_gradebook(path: Path) -> pd.DataFrame:
    from nbgrader.api import Gradebook, MissingEntry

    rows = []
    try:
        with Gradebook(f"sqlite:///{path.resolve()}") as gradebook:
            students = [(s.id, f"{s.last_name or ''}{s.first_name or ''}") for s in gradebook.students]
            for assignment in gradebook.assignments:
                for student_id, name in students:
                    try:
                        submission = gradebook.find_submission(assignment.name, student_id)
                    except MissingEntry:
                        score, submitted = 0.0, False
                    else:
                        score = submission.score - submission.late_submission_penalty
                        submitted = True
                    rows.append([student_id, name, assignment.name, float(score),
                                 float(assignment.max_score), submitted])
    except Exception as exc:  # a corrupt or foreign database: say which file, never a SQLAlchemy traceback
        if isinstance(exc, CRMDataError):
            raise
        raise CRMDataError(
            f"{path} 不是可用的 nbgrader 成绩库（{type(exc).__name__}: {exc}）。"
            "请写出课程文件夹里的 gradebook.db，或先运行 nbgrader export 再读 grades.csv。"
        ) from exc
    return pd.DataFrame(rows, columns=HOMEWORK_COLUMNS).astype({"学号": "str", "姓名": "str"})


def _homework_from_export(path: Path) -> pd.DataFrame:
    table = read_table(path, dtype=str, keep_default_na=False)
    needed = ["assignment", "timestamp", "student_id", "last_name", "first_name", "score", "max_score"]
    missing = [c for c in needed if c not in table.columns]
    if missing:
        raise CRMDataError(
            f"{path} 不像 nbgrader export 导出的成绩表：缺少列 {', '.join(missing)}。"
            "请在课程文件夹里运行 nbgrader export 重新导出，不要在 Excel 里改列名。"
        )
    numbers = table[["score", "max_score"]].apply(pd.to_numeric, errors="coerce")
    bad = numbers.isna().any(axis=1)
    if bad.any():
        rows = ", ".join(str(i + 2) for i in np.flatnonzero(bad)[:5])
        raise CRMDataError(f"{path} 第 {rows} 行的 score 或 max_score 不是数字。请重新运行 nbgrader export。")
    return pd.DataFrame({
        "学号": table["student_id"].str.strip(),
        "姓名": table["last_name"] + table["first_name"],
        "作业": table["assignment"],
        "得分": numbers["score"].astype(float),
        "满分": numbers["max_score"].astype(float),
        "已提交": table["timestamp"].str.strip().ne("") & table["timestamp"].ne("None"),
    })


# ---------------------------------------------------------------- 成绩登记表


def read_score_sheet(path, *, columns: dict[str, str] | None = None, sheet_name=0) -> pd.DataFrame:
    """读老师的成绩登记表（CSV 或 Excel），检查后返回列为 学号、姓名、期末、期中、考勤、课堂表现 的表。

    ``columns`` 把内部名称对应到你的表里的列名，只写不同的那几个，例如
    ``{"学号": "学生编号", "期末": "期末考试"}``。分数都要是 0～100 的数字；缺考也请填 0，不要空着。
    出错时 ``CRMDataError`` 用 Excel 的行号（表头是第 1 行）指出是哪几行。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "成绩.csv"
    ...     _ = path.write_text("学号,姓名,期末,期中,考勤,课堂表现\\n2023001,张三,88,90,100,95\\n", encoding="gbk")
    ...     sheet = read_score_sheet(path)
    >>> sheet.to_dict("records")
    [{'学号': '2023001', '姓名': '张三', '期末': 88.0, '期中': 90.0, '考勤': 100.0, '课堂表现': 95.0}]
    """
    names = {**SHEET_COLUMNS, **(columns or {})}
    unknown = sorted(set(columns or {}) - set(SHEET_COLUMNS))
    if unknown:
        raise CRMDataError(
            f"columns 里的 {', '.join(unknown)} 不是成绩登记表的项目。可以改的项目：{', '.join(SHEET_COLUMNS)}，"
            "例如 columns={'学号': '学生编号'}。"
        )
    raw = read_table(path, sheet_name=sheet_name, dtype=str)
    missing = [f"{names[key]}（{key}）" if names[key] != key else key
               for key in SHEET_COLUMNS if names[key] not in raw.columns]
    if missing:
        raise CRMDataError(
            f"成绩登记表 {path} 缺少列：{', '.join(missing)}。现有的列：{', '.join(map(str, raw.columns))}。"
            "请把表头改成这些名字，或用 columns= 告诉程序你的列名（命令行：--columns 学号=学生编号）。"
        )
    sheet = pd.DataFrame({key: raw[names[key]] for key in SHEET_COLUMNS})
    sheet.index = sheet.index + 2  # Excel 行号：表头在第 1 行
    ids = sheet["学号"].astype("str").str.strip().where(sheet["学号"].notna(), "")
    ids = ids.str.removesuffix(".0")  # Excel 把学号存成数字时读出来是 2023001.0
    empty = ids.eq("")
    if empty.any():
        raise CRMDataError(f"成绩登记表 {path} 第 {_rows(empty)} 行没有学号。请补上学号，或删掉这些空行。")
    duplicated = ids.duplicated(keep=False)
    if duplicated.any():
        raise CRMDataError(
            f"成绩登记表 {path} 里学号重复：第 {_rows(duplicated, ids)} 行。每位学生只能有一行，请删掉或合并重复的行。"
        )
    sheet["学号"] = ids
    sheet["姓名"] = sheet["姓名"].fillna("").astype("str").str.strip()
    for part in SCORE_PARTS:
        text = sheet[part].astype("str").str.strip().where(sheet[part].notna(), "")
        blank = text.eq("")
        if blank.any():
            raise CRMDataError(
                f"成绩登记表 {path} 的“{names[part]}”列第 {_rows(blank)} 行是空的。每个分数都要填；缺考请填 0。"
            )
        values = pd.to_numeric(text, errors="coerce")
        if values.isna().any():
            bad = values.isna()
            raise CRMDataError(
                f"成绩登记表 {path} 的“{names[part]}”列第 {_rows(bad, text)} 行不是数字。"
                "请只填阿拉伯数字（例如 85 或 85.5），不要写“缺考”“优”等文字，也不要带空格或单位。"
            )
        out_of_range = (values < 0) | (values > 100)
        if out_of_range.any():
            raise CRMDataError(
                f"成绩登记表 {path} 的“{names[part]}”列第 {_rows(out_of_range, text)} 行超出了 0～100。"
                "所有分数都按百分制填写；其他分制请先换算成百分制。"
            )
        sheet[part] = values.astype(float)
    sheet.attrs["source"] = str(path)
    return sheet


def _rows(mask: pd.Series, values: pd.Series | None = None, *, limit: int = 5) -> str:
    """Excel 行号，例如 “3、7（'abc'）”；多于 limit 行时加“等 N 行”。"""
    labels = mask.index[mask.to_numpy(dtype=bool)]
    parts = [str(label) + (f"（{values[label]!r}）" if values is not None else "") for label in labels[:limit]]
    more = f" 等共 {len(labels)} 行" if len(labels) > limit else ""
    return "、".join(parts) + more


# ---------------------------------------------------------------- 总评


def _check_weights(weights: dict[str, float], defaults: dict[str, float], name: str) -> dict[str, float]:
    if set(weights) != set(defaults):
        raise CRMDataError(
            f"{name} 要有且只有这几项：{', '.join(defaults)}；收到的是 {', '.join(weights) or '（空）'}。"
            f"例如 {name}={defaults!r}。"
        )
    values = {key: float(value) for key, value in weights.items()}
    if any(v < 0 for v in values.values()) or not np.isclose(sum(values.values()), 1.0, rtol=0, atol=1e-9):
        shown = " + ".join(f"{k} {v:g}" for k, v in values.items())
        raise CRMDataError(f"{name} 的各项权重要都不小于 0，加起来等于 1；现在是 {shown} = {sum(values.values()):g}。")
    return values


def course_grades(homework: pd.DataFrame, sheet: pd.DataFrame, *,
                  weights: dict[str, float] | None = None,
                  usual_weights: dict[str, float] | None = None) -> pd.DataFrame:
    """算出每位学生的作业、平时和总评成绩（百分制），一行一人，按学号排序。

    ``homework`` 来自 ``homework_scores``，``sheet`` 来自 ``read_score_sheet``。
    ``weights``：总评的权重，默认 ``{"期末": 0.7, "期中": 0.2, "平时": 0.1}``（教学大纲）；
    ``usual_weights``：平时成绩的权重，默认 ``{"作业": 0.5, "考勤": 0.25, "课堂表现": 0.25}``。权重之和都必须是 1。

    返回列：学号、姓名、每次作业的得分率（列名 ``作业:<编号>``）、作业、考勤、课堂表现、平时、期中、期末、
    总评、缺交作业。
    两边的学生名单必须一致（成绩库里有而登记表里没有的学生，或者反过来，都会报错）。
    ``attrs["report"]`` 记下作业次数、各项权重和缺交情况。

    >>> homework = pd.DataFrame({"学号": ["1", "1", "2", "2"], "姓名": ["张三", "张三", "李四", "李四"],
    ...                          "作业": ["m0", "m1", "m0", "m1"], "得分": [10.0, 5.0, 8.0, 0.0],
    ...                          "满分": [10.0, 10.0, 10.0, 10.0], "已提交": [True, True, True, False]})
    >>> sheet = pd.DataFrame({"学号": ["1", "2"], "姓名": ["张三", "李四"], "期末": [80.0, 60.0],
    ...                       "期中": [90.0, 70.0], "考勤": [100.0, 100.0], "课堂表现": [80.0, 60.0]})
    >>> grades = course_grades(homework, sheet)
    >>> for row in grades[["学号", "作业", "平时", "总评", "缺交作业"]].to_dict("records"):
    ...     print(row)
    {'学号': '1', '作业': 75.0, '平时': 82.5, '总评': 82.25, '缺交作业': ''}
    {'学号': '2', '作业': 40.0, '平时': 60.0, '总评': 62.0, '缺交作业': 'm1'}
    """
    weights = _check_weights(weights or COURSE_WEIGHTS, COURSE_WEIGHTS, "weights")
    usual_weights = _check_weights(usual_weights or USUAL_WEIGHTS, USUAL_WEIGHTS, "usual_weights")
    in_gradebook = set(homework["学号"])
    in_sheet = set(sheet["学号"])
    only_gradebook = sorted(in_gradebook - in_sheet)
    if only_gradebook:
        names = homework.drop_duplicates("学号").set_index("学号")["姓名"]
        shown = "、".join(f"{sid}（{names[sid]}）" if names[sid] else sid for sid in only_gradebook[:10])
        raise CRMDataError(
            f"成绩登记表里缺少这些学生（成绩库里有他们的作业）：{shown}"
            f"{' 等' if len(only_gradebook) > 10 else ''}，共 {len(only_gradebook)} 人。"
            "请在登记表里补上他们的行（学号要和交作业时用的一致）。"
        )
    only_sheet = ~sheet["学号"].isin(in_gradebook)
    if only_sheet.any():
        raise CRMDataError(
            f"成绩登记表第 {_rows(only_sheet, sheet['学号'])} 行的学生不在 nbgrader 成绩库里。"
            "请检查学号是否写错；如果这位学生一次作业都没交，先在课程文件夹里运行 "
            "nbgrader db student add <学号> 把他登记进成绩库（他的作业按 0 分算）。"
        )
    percent = homework.assign(得分率=homework["得分"] / homework["满分"].where(homework["满分"] > 0) * 100)
    percent["得分率"] = percent["得分率"].fillna(0.0)
    wide = percent.pivot(index="学号", columns="作业", values="得分率")
    assignment_ids = sorted(wide.columns)
    missed = (percent[~percent["已提交"]].sort_values(["学号", "作业"])
              .groupby("学号")["作业"].agg("、".join))
    table = sheet.set_index("学号")
    grades = pd.DataFrame(index=pd.Index(sorted(in_sheet), name="学号"))
    grades["姓名"] = table["姓名"]
    for assignment in assignment_ids:
        grades[f"作业:{assignment}"] = wide[assignment]
    grades["作业"] = wide[assignment_ids].mean(axis=1)
    grades["考勤"] = table["考勤"]
    grades["课堂表现"] = table["课堂表现"]
    grades["平时"] = sum(grades[part] * w for part, w in usual_weights.items())
    grades["期中"] = table["期中"]
    grades["期末"] = table["期末"]
    grades["总评"] = sum(grades[part] * w for part, w in weights.items())
    grades["缺交作业"] = missed.reindex(grades.index).fillna("")
    grades = grades.reset_index()
    grades.attrs["report"] = {
        "作业次数": len(assignment_ids),
        "作业": assignment_ids,
        "学生人数": len(grades),
        "总评权重": weights,
        "平时权重": usual_weights,
        "缺交作业人次": int((~homework["已提交"]).sum()),
        "缺交作业": {sid: text.split("、") for sid, text in missed.items()},
    }
    return grades


def assignment_statistics(homework: pd.DataFrame) -> pd.DataFrame:
    """每次作业的统计：满分、应交人数、提交人数，以及已提交作业的平均分、中位数、最高分、最低分（单位：分）。

    >>> homework = pd.DataFrame({"学号": ["1", "2", "3"], "姓名": ["", "", ""], "作业": ["m0"] * 3,
    ...                          "得分": [10.0, 6.0, 0.0], "满分": [10.0] * 3, "已提交": [True, True, False]})
    >>> assignment_statistics(homework).iloc[0].to_dict()  # doctest: +NORMALIZE_WHITESPACE
    {'作业': 'm0', '满分': 10.0, '应交人数': 3, '提交人数': 2,
     '平均分': 8.0, '中位数': 8.0, '最高分': 10.0, '最低分': 6.0}
    """
    rows = []
    for assignment, group in homework.groupby("作业", sort=True):
        submitted = group.loc[group["已提交"], "得分"]
        rows.append({
            "作业": assignment,
            "满分": float(group["满分"].max()),
            "应交人数": len(group),
            "提交人数": len(submitted),
            "平均分": float(submitted.mean()) if len(submitted) else np.nan,
            "中位数": float(submitted.median()) if len(submitted) else np.nan,
            "最高分": float(submitted.max()) if len(submitted) else np.nan,
            "最低分": float(submitted.min()) if len(submitted) else np.nan,
        })
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- 图和文件


def grade_band_counts(scores: pd.Series) -> pd.Series:
    """各分数段（不及格、及格、中等、良好、优秀）的人数。

    >>> grade_band_counts(pd.Series([59.9, 60, 95, 100])).tolist()
    [1, 1, 0, 0, 2]
    """
    values = scores.to_numpy(dtype=float)
    return pd.Series([int(((values >= lo) & (values < hi)).sum()) for lo, hi, _ in GRADE_BANDS],
                     index=[label for _, _, label in GRADE_BANDS], name="人数")


def plot_grade_distribution(grades: pd.DataFrame, *, column: str = "总评", ax=None):
    """画出 ``grades[column]`` 各分数段的人数柱状图，返回 matplotlib 的 Axes。"""
    import matplotlib.pyplot as plt

    from crm_lab import plots

    plots.use_chinese_font()
    counts = grade_band_counts(grades[column])
    if ax is None:
        _, ax = plt.subplots(figsize=(7, 4.5))
    colors = ["#d62728", "#ff7f0e", "#bcbd22", "#2ca02c", "#1f77b4"]
    bars = ax.bar(counts.index, counts.to_numpy(), color=colors, edgecolor="black", linewidth=0.6)
    ax.bar_label(bars, labels=[f"{n} 人" for n in counts], padding=2)
    ax.set_title(f"{column}成绩分布（共 {len(grades)} 人，平均 {grades[column].mean():.1f} 分）")
    ax.set_xlabel(f"{column}成绩分数段")
    ax.set_ylabel("人数")
    ax.set_ylim(0, max(1, counts.max()) * 1.2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    return ax


def write_grades(grades: pd.DataFrame, stats: pd.DataFrame, folder, *, name: str = "总评成绩") -> dict[str, Path]:
    """把总评表和作业统计写进 ``folder``，返回 {"csv", "xlsx", "png", "stats_csv"} → 路径。

    - ``<name>.csv``：总评表，带 BOM 的 UTF-8（Excel 双击打开不乱码），分数保留 1 位小数；
    - ``<name>.xlsx``：工作表“总评”和“作业统计”，中文表头；
    - ``<name>_分布.png``：总评分数段柱状图；
    - ``作业统计.csv``：每次作业的统计。
    """
    import matplotlib.pyplot as plt

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    rounded = grades.round(1)
    stats_rounded = stats.round(1)
    paths = {"csv": folder / f"{name}.csv", "xlsx": folder / f"{name}.xlsx",
             "png": folder / f"{name}_分布.png", "stats_csv": folder / "作业统计.csv"}
    rounded.to_csv(paths["csv"], index=False, encoding="utf-8-sig")
    stats_rounded.to_csv(paths["stats_csv"], index=False, encoding="utf-8-sig")
    with pd.ExcelWriter(paths["xlsx"], engine="openpyxl") as writer:
        rounded.to_excel(writer, sheet_name="总评", index=False)
        stats_rounded.to_excel(writer, sheet_name="作业统计", index=False)
        for sheet in writer.sheets.values():
            for column in sheet.columns:
                sheet.column_dimensions[column[0].column_letter].width = max(
                    10, 2 * max(len(str(c.value or "")) for c in column) + 2)
    ax = plot_grade_distribution(grades)
    ax.figure.tight_layout()
    ax.figure.savefig(paths["png"], dpi=120)
    plt.close(ax.figure)
    return paths
