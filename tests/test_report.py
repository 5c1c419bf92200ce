"""crm_lab.report: the 实训5 strategy deck opens with python-pptx, keeps old versions, renders to PDF.

The PDF test needs LibreOffice (installed by .ci/run); its first page goes to test-artifacts/report/ as a PNG
so a person can look at it.
"""

import re
import shutil
import subprocess
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from pptx import Presentation  # noqa: E402
from pptx.oxml.ns import qn  # noqa: E402

from crm_lab.data import CRMDataError  # noqa: E402
from crm_lab.plots import use_chinese_font  # noqa: E402
from crm_lab.report import TABLE_ROWS_PER_SLIDE, deck_outline, deck_to_pdf, libreoffice_command, strategy_deck  # noqa: E402

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "report"


@pytest.fixture(scope="module")
def chart(tmp_path_factory):
    use_chinese_font()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar(["重要价值客户", "重要保持客户", "一般发展客户"], [0.42, 0.31, 0.12])
    ax.set_xlabel("客户类别")
    ax.set_ylabel("响应率")
    ax.set_title("各类客户的历史响应率")
    path = tmp_path_factory.mktemp("chart") / "响应率.png"
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def deck_parts(chart, strategy_rows=3):
    strategy = pd.DataFrame({
        "目标客户": [f"客户群{i}" for i in range(strategy_rows)],
        "营销方式": ["一对一营销"] * strategy_rows,
        "预期 ROI": [0.25 + i / 100 for i in range(strategy_rows)],
    })
    return dict(
        title="校园展销会营销策略新策划",
        subtitle="第三组：张三、李四",
        background=["展销会每学期举办一次", "老客户复购率下降"],
        findings=[{"title": "重要价值客户响应最好", "image": chart, "notes": ["响应率 42%", "建议一对一邀请"]},
                  {"title": "购物篮规则", "notes": "买笔记本的人常买中性笔"}],
        strategy=strategy,
        budget=pd.DataFrame({"项目": ["短信", "礼品", "海报"], "预算（元）": [320.0, 800.5, 150.0]}),
        timeline=pd.DataFrame({"阶段": ["预热", "展销", "回访"], "开始": pd.to_datetime(["2026-09-01", "2026-09-08",
                                                                                     "2026-09-15"]),
                               "负责人": ["组长", "全体", "客服"]}),
    )


def test_deck_has_every_part_in_order_with_images_tables_and_chinese(tmp_path, chart):
    parts = deck_parts(chart, strategy_rows=TABLE_ROWS_PER_SLIDE + 2)  # the strategy table needs two slides
    deck = strategy_deck(tmp_path / "汇报.pptx", **parts)
    outline = deck_outline(deck)

    assert outline["title"].tolist() == ["校园展销会营销策略新策划", "项目背景", "重要价值客户响应最好", "购物篮规则",
                                         "营销策略", "营销策略（续）", "预算", "时间安排", "谢谢！欢迎提问"]
    by_title = outline.set_index("title")
    assert by_title.loc["重要价值客户响应最好", "images"] == 1
    assert outline["images"].sum() == 1
    assert by_title.loc["营销策略", "tables"] == 1 and by_title.loc["营销策略（续）", "tables"] == 1
    assert "客户群0" in by_title.loc["营销策略", "text"] and "客户群9" in by_title.loc["营销策略（续）", "text"]
    assert "第三组：张三、李四" in outline.loc[1, "text"]
    assert "老客户复购率下降" in by_title.loc["项目背景", "text"]
    assert "买笔记本的人常买中性笔" in by_title.loc["购物篮规则", "text"]
    assert "合计：1,270.5 元" in by_title.loc["预算", "text"]  # 320 + 800.5 + 150, computed by the deck
    assert "2026-09-08" in by_title.loc["时间安排", "text"]  # dates shown as dates, not timestamps

    presentation = Presentation(str(deck))
    assert presentation.slide_width > presentation.slide_height  # 16:9
    east_asian = {element.get("typeface") for slide in presentation.slides
                  for element in slide.shapes._spTree.iter(qn("a:ea"))}
    assert east_asian == {"微软雅黑"}


def test_an_existing_deck_is_kept_under_a_new_name(tmp_path, chart):
    target = tmp_path / "汇报.pptx"
    first = strategy_deck(target, **deck_parts(chart))
    edited = first.read_bytes()
    parts = deck_parts(chart)
    parts["title"] = "第二版"
    strategy_deck(target, **parts)
    kept = sorted(tmp_path.glob("汇报.旧版-*.pptx"))
    assert len(kept) == 1 and kept[0].read_bytes() == edited
    assert deck_outline(target).loc[1, "title"] == "第二版"
    strategy_deck(target, **parts)
    assert len(list(tmp_path.glob("汇报.旧版-*.pptx"))) == 2


@pytest.mark.parametrize("change, message", [
    (lambda p: p.update(budget=p["budget"].rename(columns={"预算（元）": "金额"})), "缺少金额列“预算（元）”"),
    (lambda p: p["budget"].__setitem__("预算（元）", [320.0, -5.0, 1.0]), "第 2 行（-5.0）不是非负的数字"),
    (lambda p: p["budget"].__setitem__("预算（元）", ["320元", 1.0, 1.0]), "第 1 行（'320元'）"),
    (lambda p: p.update(strategy=p["strategy"].iloc[0:0]), "strategy 表是空的"),
    (lambda p: p.update(timeline=[["预热"]]), "timeline 参数应该是一个 DataFrame"),
    (lambda p: p["findings"].append({"title": "缺图", "image": "没有这张图.png"}), "findings 的第 3 条的图片"),
    (lambda p: p["findings"].append({"title": "格式", "image": "图.gif"}), "不是 .png 或 .jpg"),
    (lambda p: p["findings"].append({"title": "拼错", "notes": "x", "img": "a.png"}), "不认识的键 ['img']"),
    (lambda p: p["findings"].append({"title": "空", "notes": []}), "既没有图片也没有要点"),
    (lambda p: p.update(background=[]), "background 参数应该是字符串列表"),
    (lambda p: p.update(title="  "), "title 参数应该是一段不为空的文字"),
])
def test_bad_input_gets_a_chinese_error_and_writes_nothing(tmp_path, chart, change, message):
    parts = deck_parts(chart)
    change(parts)
    with pytest.raises(CRMDataError, match=re.escape(message)):
        strategy_deck(tmp_path / "汇报.pptx", **parts)
    assert list(tmp_path.iterdir()) == []


def test_wrong_file_names_are_refused(tmp_path, chart):
    with pytest.raises(CRMDataError, match=r"扩展名必须是 \.pptx"):
        strategy_deck(tmp_path / "汇报.ppt", **deck_parts(chart))
    with pytest.raises(CRMDataError, match="找不到演示文稿"):
        deck_outline(tmp_path / "没有.pptx")
    broken = tmp_path / "坏的.pptx"
    broken.write_text("不是 pptx", encoding="utf-8")
    with pytest.raises(CRMDataError, match="不是有效的 .pptx 文件"):
        deck_outline(broken)


@pytest.mark.skipif(libreoffice_command() is None, reason="LibreOffice (soffice) is not installed; .ci/run installs it")
def test_deck_renders_to_pdf_with_chinese_fonts_and_a_page_image(tmp_path, chart):
    deck = strategy_deck(tmp_path / "汇报.pptx", **deck_parts(chart))
    pdf = deck_to_pdf(deck)
    assert pdf == tmp_path / "汇报.pdf" and pdf.read_bytes().startswith(b"%PDF")

    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)$", pages, re.M).group(1)) == len(deck_outline(deck))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s+", "", text)
    assert "校园展销会营销策略新策划" in text and "合计：1,270.5元" in text and "一对一营销" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert any(name in fonts for name in ("CJK", "WenQuanYi", "Fallback", "Hei", "Song")), fonts  # no empty boxes

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for page in (1, 3):  # the cover and the page with the chart
        stem = ARTIFACTS / f"page{page}"
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
                        str(stem)], check=True)
        assert stem.with_suffix(".png").stat().st_size > 5_000


def test_deck_to_pdf_explains_a_missing_libreoffice(tmp_path, chart, monkeypatch):
    deck = strategy_deck(tmp_path / "汇报.pptx", **deck_parts(chart))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(CRMDataError, match="没有找到 LibreOffice"):
        deck_to_pdf(deck)
