"""营销策划汇报 PPT：由笔记本里的表格和图表生成 .pptx 演示文稿，并检查、转成 PDF。

实训5 要求“制作 PPT，汇报其新的营销策略”。``strategy_deck`` 把一组的分析结果排成一份结构固定的
演示文稿：封面、项目背景、数据发现（每页一张图和几条要点）、策略表、预算、时间安排、结束页。
生成的文件用 PowerPoint、WPS 或 LibreOffice 打开后还可以继续修改。

* ``strategy_deck``：生成 .pptx；目标文件已存在时先把旧文件改名保留，不会覆盖同学改过的版本；
* ``deck_outline``：打开一份 .pptx，列出每页的标题、图片数、表格数和文字，用来检查；
* ``deck_to_pdf``：用 LibreOffice（命令 ``soffice``）把 .pptx 转成 PDF，方便打印或发给老师。
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from crm_lab.data import CRMDataError

SLIDE_WIDTH_INCHES = 13.333  # 16:9
SLIDE_HEIGHT_INCHES = 7.5
TABLE_ROWS_PER_SLIDE = 8  # 再多字就太小，投影时后排看不清
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
DEFAULT_FONT = "微软雅黑"  # Windows 和 WPS 都有；LibreOffice 找不到时自动换成系统里的中文字体

# python-pptx 默认模板的版式编号
_TITLE_LAYOUT, _BULLETS_LAYOUT, _TITLE_ONLY_LAYOUT = 0, 1, 5


def strategy_deck(path, *, title: str, background, findings, strategy: pd.DataFrame, budget: pd.DataFrame,
                  timeline: pd.DataFrame, subtitle: str = "", budget_amount: str = "预算（元）",
                  closing: str = "谢谢！欢迎提问", font: str = DEFAULT_FONT) -> Path:
    """生成营销策划汇报的 .pptx 演示文稿（16:9）。

    幻灯片的顺序：封面 → 项目背景 → 每条数据发现一页 → 营销策略表 → 预算（带合计）→ 时间安排 → 结束页。
    表格超过 8 行时自动分成几页（标题后加“（续）”）。

    参数
    ----
    path : 保存的文件名，扩展名必须是 .pptx。文件已存在时，旧文件先改名为
        ``<原名>.旧版-<修改时间>.pptx`` 留在同一文件夹，再写新文件。
    title : 封面标题，例如 "校园展销会营销策略新策划"。
    background : 项目背景的要点，一个字符串列表（每条一行）。
    findings : 数据发现的列表，每条是一个字典：``{"title": 页标题, "image": 图片文件 .png/.jpg,
        "notes": 要点（字符串或字符串列表）}``；``image`` 可以省略。
    strategy : 策略表（DataFrame），每个策略一行，列名作为表头。
    budget : 预算表（DataFrame），必须含 ``budget_amount`` 这一数值列；合计自动算出写在页上。
    timeline : 时间安排表（DataFrame），例如“阶段、开始、结束、负责人”。
    subtitle : 封面副标题，例如组名和组员。
    budget_amount : 预算表里金额那一列的列名。
    closing : 结束页的文字。
    font : 全部文字用的中文字体名。

    返回
    ----
    保存的文件路径（``pathlib.Path``）。

    例子
    ----
    >>> import tempfile
    >>> strategy = pd.DataFrame({"目标客户": ["重要价值客户"], "营销方式": ["关系营销"], "预期 ROI": [0.35]})
    >>> budget = pd.DataFrame({"项目": ["短信", "礼品"], "预算（元）": [300.0, 500.0]})
    >>> timeline = pd.DataFrame({"阶段": ["预热"], "开始": ["2026-09-01"], "结束": ["2026-09-07"]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     deck = strategy_deck(Path(folder) / "汇报.pptx", title="营销策略新策划", background=["展销会每学期一次"],
    ...                          findings=[{"title": "老客户贡献大", "notes": "前 20% 的客户贡献 60% 的收入"}],
    ...                          strategy=strategy, budget=budget, timeline=timeline)
    ...     deck_outline(deck)["title"].tolist()
    ['营销策略新策划', '项目背景', '老客户贡献大', '营销策略', '预算', '时间安排', '谢谢！欢迎提问']
    """
    from pptx import Presentation
    from pptx.util import Inches

    path = _pptx_path(path, parameter="path")
    title = _text("title", title)
    background = _lines("background", background)
    findings = _findings(findings)
    strategy = _table("strategy", strategy)
    budget = _table("budget", budget)
    timeline = _table("timeline", timeline)
    total = _budget_total(budget, budget_amount)

    deck = Presentation()
    deck.slide_width, deck.slide_height = Inches(SLIDE_WIDTH_INCHES), Inches(SLIDE_HEIGHT_INCHES)

    cover = deck.slides.add_slide(deck.slide_layouts[_TITLE_LAYOUT])
    cover.shapes.title.text = title
    cover.placeholders[1].text = str(subtitle or dt.date.today().isoformat())

    _bullet_slide(deck, "项目背景", background)
    for finding in findings:
        _finding_slide(deck, finding)
    _table_slides(deck, "营销策略", strategy)
    _table_slides(deck, "预算", budget, footer=f"合计：{_money(total)} 元")
    _table_slides(deck, "时间安排", timeline)
    end = deck.slides.add_slide(deck.slide_layouts[_TITLE_LAYOUT])
    end.shapes.title.text = _text("closing", closing)
    end.placeholders[1].text = title

    for slide in deck.slides:
        _fit_placeholders(slide, cover=slide in (cover, end))
        _set_font(slide, font)
    _keep_old_version(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    deck.save(path)
    return path


def deck_outline(path) -> pd.DataFrame:
    """列出一份 .pptx 每页的标题、图片数、表格数和全部文字，用来检查生成的演示文稿。

    返回的 DataFrame 以页码（从 1 开始）为索引，列为 ``title``、``images``、``tables``、``text``。

    >>> import tempfile
    >>> table = pd.DataFrame({"项目": ["礼品"], "预算（元）": [200.0]})
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     deck = strategy_deck(Path(folder) / "a.pptx", title="策划", background=["背景"], findings=[],
    ...                          strategy=table, budget=table, timeline=table)
    ...     outline = deck_outline(deck)
    >>> outline["title"].tolist()
    ['策划', '项目背景', '营销策略', '预算', '时间安排', '谢谢！欢迎提问']
    >>> outline["tables"].tolist()
    [0, 0, 1, 1, 1, 0]
    >>> "合计：200 元" in outline.loc[4, "text"]
    True
    """
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE
    from pptx.exc import PackageNotFoundError

    path = Path(path)
    if not path.is_file():
        raise CRMDataError(f"找不到演示文稿 {path}：请检查文件名和文件夹（path 参数）。")
    try:
        deck = Presentation(str(path))
    except (PackageNotFoundError, KeyError, ValueError) as error:
        raise CRMDataError(
            f"{path.name} 打不开，不是有效的 .pptx 文件（{error}）。请确认它是 PowerPoint 2007 以后的格式，"
            "用 PowerPoint 或 WPS“另存为 .pptx”后再试。"
        ) from error
    rows = []
    for slide in deck.slides:
        texts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                texts.append(shape.text_frame.text)
            if shape.has_table:
                texts.extend(cell.text for row in shape.table.rows for cell in row.cells)
        title_shape = slide.shapes.title
        rows.append({
            "title": title_shape.text_frame.text if title_shape is not None else "",
            "images": sum(shape.shape_type == MSO_SHAPE_TYPE.PICTURE for shape in slide.shapes),
            "tables": sum(shape.has_table for shape in slide.shapes),
            "text": "\n".join(t for t in texts if t),
        })
    outline = pd.DataFrame(rows, columns=["title", "images", "tables", "text"])
    outline.index = pd.RangeIndex(1, len(outline) + 1, name="slide")
    return outline


def libreoffice_command() -> str | None:
    """本机 LibreOffice 的命令（``soffice`` 或 ``libreoffice``）；没有安装时为 None。"""
    return shutil.which("soffice") or shutil.which("libreoffice")


def deck_to_pdf(path, outdir=None, *, timeout: float = 180) -> Path:
    """用 LibreOffice 把 .pptx 转成 PDF，返回 PDF 的路径（默认和 .pptx 在同一文件夹）。

    需要安装 LibreOffice（Debian/Ubuntu：``sudo apt-get install libreoffice-impress``；Windows：从
    libreoffice.org 下载安装）。没有 LibreOffice 时也可以用 PowerPoint 或 WPS 的“另存为 PDF”。
    """
    path = _pptx_path(path, parameter="path")
    if not path.is_file():
        raise CRMDataError(f"找不到演示文稿 {path}：请先运行 strategy_deck 生成它（path 参数）。")
    command = libreoffice_command()
    if command is None:
        raise CRMDataError(
            "没有找到 LibreOffice（soffice 命令），无法转成 PDF。请安装 LibreOffice"
            "（Debian/Ubuntu：sudo apt-get install libreoffice-impress），或者用 PowerPoint/WPS 打开后“另存为 PDF”。"
        )
    outdir = Path(outdir) if outdir is not None else path.parent
    outdir.mkdir(parents=True, exist_ok=True)
    # 单独的用户配置目录：和正在运行的 LibreOffice 互不干扰，也不会弹出首次运行向导
    with tempfile.TemporaryDirectory(prefix="crm-lab-lo-") as profile:
        result = subprocess.run(
            [command, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
             "--outdir", str(outdir), str(path)],
            capture_output=True, text=True, timeout=timeout, check=False,
        )
    pdf = outdir / (path.stem + ".pdf")
    if result.returncode != 0 or not pdf.is_file():
        raise CRMDataError(
            f"LibreOffice 没能把 {path.name} 转成 PDF（返回码 {result.returncode}）：{result.stderr.strip()[-300:]}"
            " 请用 LibreOffice 或 PowerPoint 打开这个文件看看能否正常显示。"
        )
    return pdf


def _bullet_slide(deck, title: str, lines: list[str]) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[_BULLETS_LAYOUT])
    slide.shapes.title.text = title
    body = slide.placeholders[1]
    _place(body, left=0.7, top=1.6, width=SLIDE_WIDTH_INCHES - 1.4, height=5.4)
    _fill_lines(body.text_frame, lines)


def _finding_slide(deck, finding: dict) -> None:
    from pptx.util import Inches, Pt

    slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY_LAYOUT])
    slide.shapes.title.text = finding["title"]
    text_left = 0.7
    if finding["image"] is not None:
        picture = slide.shapes.add_picture(str(finding["image"]), Inches(0.5), Inches(1.5))
        scale = min(Inches(7.8) / picture.width, Inches(5.6) / picture.height)
        picture.width, picture.height = int(picture.width * scale), int(picture.height * scale)
        text_left = 0.5 + picture.width / Inches(1) + 0.3
    if finding["notes"]:
        box = slide.shapes.add_textbox(Inches(text_left), Inches(1.6),
                                       Inches(SLIDE_WIDTH_INCHES - text_left - 0.5), Inches(5.4))
        box.text_frame.word_wrap = True
        _fill_lines(box.text_frame, finding["notes"], bullet="• ", size=Pt(18))


def _table_slides(deck, title: str, table: pd.DataFrame, *, footer: str | None = None) -> None:
    from pptx.util import Inches, Pt

    chunks = [table.iloc[start:start + TABLE_ROWS_PER_SLIDE] for start in range(0, len(table), TABLE_ROWS_PER_SLIDE)]
    for number, chunk in enumerate(chunks):
        slide = deck.slides.add_slide(deck.slide_layouts[_TITLE_ONLY_LAYOUT])
        slide.shapes.title.text = title if number == 0 else f"{title}（续）"
        height = Inches(0.5) * (len(chunk) + 1)
        shape = slide.shapes.add_table(len(chunk) + 1, len(chunk.columns), Inches(0.5), Inches(1.5),
                                       Inches(SLIDE_WIDTH_INCHES - 1.0), height)
        size = Pt(16 if len(chunk.columns) <= 4 else 12)
        for j, column in enumerate(chunk.columns):
            _cell_text(shape.table.cell(0, j), str(column), size)
        for i, row in enumerate(chunk.itertuples(index=False), start=1):
            for j, value in enumerate(row):
                _cell_text(shape.table.cell(i, j), _show(value), size)
        if footer and number == len(chunks) - 1:
            box = slide.shapes.add_textbox(Inches(0.5), Inches(1.7) + height, Inches(8), Inches(0.6))
            _fill_lines(box.text_frame, [footer], size=Pt(20))


def _fill_lines(frame, lines, *, bullet: str = "", size=None) -> None:
    frame.clear()
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.text = f"{bullet}{line}"
        if size is not None:
            for run in paragraph.runs:
                run.font.size = size


def _cell_text(cell, text: str, size) -> None:
    cell.text = text
    for paragraph in cell.text_frame.paragraphs:
        for run in paragraph.runs:
            run.font.size = size


def _place(shape, *, left, top, width, height) -> None:
    from pptx.util import Inches

    shape.left, shape.top, shape.width, shape.height = Inches(left), Inches(top), Inches(width), Inches(height)


def _fit_placeholders(slide, *, cover: bool) -> None:
    """默认模板的占位符按 4:3 排好；换成 16:9 后重新摆放，标题才居中、不挤在左边。"""
    width = SLIDE_WIDTH_INCHES - 1.6
    if cover:
        _place(slide.shapes.title, left=0.8, top=2.2, width=width, height=1.5)
        _place(slide.placeholders[1], left=0.8, top=3.9, width=width, height=1.2)
    else:
        _place(slide.shapes.title, left=0.5, top=0.3, width=SLIDE_WIDTH_INCHES - 1.0, height=1.1)


def _set_font(slide, font: str) -> None:
    """每段文字的西文字体和东亚字体（a:latin、a:ea）都设成 ``font``，中文才不会落到默认的 Calibri 上。"""
    from pptx.oxml.ns import qn

    for run in slide.shapes._spTree.iter(qn("a:r")):
        properties = run.get_or_add_rPr()
        for tag in ("a:latin", "a:ea"):
            element = properties.find(qn(tag))
            if element is None:
                element = properties.makeelement(qn(tag), {})
                properties.append(element)
            element.set("typeface", font)
    # 版式里的占位符标题也常常沿用主题字体，统一换掉
    for shape in slide.placeholders:
        for paragraph in shape.text_frame.paragraphs:
            paragraph.font.name = font


def _keep_old_version(path: Path) -> None:
    """已有的文件改名为 ``<原名>.旧版-<修改时间>.pptx``，留在同一文件夹。"""
    if not path.exists():
        return
    stamp = dt.datetime.fromtimestamp(path.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.stem}.旧版-{stamp}{path.suffix}")
    counter = 1
    while kept.exists():
        counter += 1
        kept = path.with_name(f"{path.stem}.旧版-{stamp}-{counter}{path.suffix}")
    path.rename(kept)


def _pptx_path(path, *, parameter: str) -> Path:
    if not isinstance(path, (str, Path)) or not str(path).strip():
        raise CRMDataError(f"{parameter} 参数应该是文件名，例如 \"营销策划.pptx\"，收到的是 {path!r}。")
    path = Path(path)
    if path.suffix.lower() != ".pptx":
        raise CRMDataError(f"{parameter} 参数的扩展名必须是 .pptx，收到的是 {path.name}。例如 \"营销策划.pptx\"。")
    return path


def _text(name: str, value) -> str:
    if not isinstance(value, str) or not value.strip():
        raise CRMDataError(f"{name} 参数应该是一段不为空的文字，收到的是 {value!r}。")
    return value.strip()


def _lines(name: str, value) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, Sequence) or not value:
        raise CRMDataError(
            f"{name} 参数应该是字符串列表（每条一行），例如 [\"展销会每学期一次\"]，收到的是 {value!r}。"
        )
    bad = [i for i, line in enumerate(value) if not isinstance(line, str) or not line.strip()]
    if bad:
        raise CRMDataError(f"{name} 参数的第 {bad[0] + 1} 条不是文字或是空的（{value[bad[0]]!r}）：请删掉或写上内容。")
    return [line.strip() for line in value]


def _findings(findings) -> list[dict]:
    if not isinstance(findings, Sequence) or isinstance(findings, str):
        raise CRMDataError("findings 参数应该是字典的列表，例如 [{\"title\": \"老客户贡献大\", \"image\": \"图.png\", "
                           "\"notes\": [\"…\"]}]。")
    checked = []
    for number, finding in enumerate(findings, start=1):
        where = f"findings 的第 {number} 条"
        if not isinstance(finding, Mapping):
            raise CRMDataError(f"{where}应该是字典（含 title、image、notes），收到的是 {type(finding).__name__}。")
        unknown = sorted(set(finding) - {"title", "image", "notes"})
        if unknown:
            raise CRMDataError(
                f"{where}有不认识的键 {unknown}：只能用 title（页标题）、image（图片文件）、notes（要点）。"
            )
        title = _text(f"{where}的 title", finding.get("title"))
        image = finding.get("image")
        if image is not None:
            image = Path(image)
            if image.suffix.lower() not in IMAGE_SUFFIXES:
                raise CRMDataError(
                    f"{where}的图片 {image.name} 不是 .png 或 .jpg：请用 fig.savefig(\"图.png\") 保存图表。"
                )
            if not image.is_file():
                raise CRMDataError(f"{where}的图片 {image} 不存在：请先运行保存这张图的单元格，或检查文件名。")
        notes = finding.get("notes") or []
        notes = _lines(f"{where}的 notes", notes) if notes else []
        if image is None and not notes:
            raise CRMDataError(f"{where}（{title}）既没有图片也没有要点：至少给 image 或 notes 之一。")
        checked.append({"title": title, "image": image, "notes": notes})
    return checked


def _table(name: str, table) -> pd.DataFrame:
    if not isinstance(table, pd.DataFrame):
        raise CRMDataError(f"{name} 参数应该是一个 DataFrame（表格），收到的是 {type(table).__name__}。")
    if table.empty or len(table.columns) == 0:
        raise CRMDataError(f"{name} 表是空的：至少要有一行一列。请检查生成它的单元格。")
    return table.reset_index(drop=True)


def _budget_total(budget: pd.DataFrame, amount: str) -> float:
    if amount not in budget.columns:
        raise CRMDataError(
            f"预算表（budget 参数）缺少金额列“{amount}”，现有的列是 {list(budget.columns)}。"
            "请把金额那一列改成这个名字，或用 budget_amount 参数指出列名。"
        )
    values = pd.to_numeric(budget[amount], errors="coerce")
    bad = values.isna() | (values < 0)
    if bad.any():
        row = int(bad.to_numpy().nonzero()[0][0])
        shown = budget[amount].iloc[row]
        shown = shown.item() if hasattr(shown, "item") else shown
        raise CRMDataError(
            f"预算表“{amount}”列的第 {row + 1} 行（{shown!r}）不是非负的数字：请填写金额（元），不要带单位。"
        )
    return float(values.sum())


def _money(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0")


def _show(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return str(value)
