"""Chinese text renders in plots with no missing glyphs, even on a machine without CJK fonts."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import seaborn as sns  # noqa: E402

from crm_lab import plots  # noqa: E402


def render_chinese_figure(tmp_path) -> list[str]:
    """Draw a figure with Chinese title, labels, ticks, legend and a negative axis; return glyph warnings."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig, ax = plt.subplots()
        ax.bar(["教职工", "大一学生"], [-12.5, 30], label="人均消费（元）")
        ax.set_title("校园展销会：不同身份顾客的消费")
        ax.set_xlabel("顾客身份")
        ax.set_ylabel("金额（元）")
        ax.legend(title="图例")
        fig.savefig(tmp_path / "chinese.png")
        plt.close(fig)
    return [str(w.message) for w in caught if "missing from" in str(w.message)]


@pytest.fixture(autouse=True)
def restore_rc():
    with mpl.rc_context():
        yield


def test_chinese_renders_without_missing_glyphs(tmp_path):
    name = plots.use_chinese_font()
    assert mpl.rcParams["font.sans-serif"][0] == name
    assert render_chinese_figure(tmp_path) == []
    assert (tmp_path / "chinese.png").stat().st_size > 5000


def test_the_glyph_check_detects_a_font_without_chinese(tmp_path):
    mpl.rcParams["font.family"] = "sans-serif"
    mpl.rcParams["font.sans-serif"] = ["DejaVu Sans"]
    assert render_chinese_figure(tmp_path), "without a CJK font matplotlib must warn about glyphs"


def test_use_chinese_font_is_idempotent():
    first = plots.use_chinese_font()
    again = plots.use_chinese_font()
    assert first == again
    assert mpl.rcParams["font.sans-serif"].count(first) == 1
    assert mpl.rcParams["axes.unicode_minus"] is False


def test_bundled_font_works_without_system_fonts(tmp_path, monkeypatch):
    monkeypatch.setattr(plots, "PREFERRED_FONTS", ())
    name = plots.use_chinese_font()
    assert plots.bundled_font_path() is not None
    assert name == "Noto Sans CJK SC"
    assert render_chinese_figure(tmp_path) == []


def test_seaborn_theme_keeps_the_chinese_font(tmp_path):
    sns.set_theme()  # plain seaborn resets the font: Chinese would break
    assert render_chinese_figure(tmp_path)
    name = plots.set_theme(style="ticks")
    assert mpl.rcParams["font.sans-serif"][0] == name
    assert render_chinese_figure(tmp_path) == []


def test_buying_centre_chart_marks_missing_roles(tmp_path):
    import pandas as pd

    from crm_lab.accounts import buying_centre
    from crm_lab.data import CRMDataError

    contacts = pd.DataFrame({"contact_id": ["K1", "K2"], "account_id": ["B1", "B1"], "name": ["张处长", "李老师"],
                             "title": ["处长", "教师"], "role": ["决策者", "使用者"]})
    centre = buying_centre(contacts, "B1", activities=pd.DataFrame({"contact_id": ["K2"], "activity_date": [
        pd.Timestamp("2025-01-01")]}))
    ax = plots.buying_centre_chart(centre)
    texts = [t.get_text() for t in ax.texts]
    assert ax.get_title() == "采购中心图：B1"
    assert "缺：影响者" in texts and "决策者（1）" in texts and "李老师·教师（1 次）" in texts
    ax.figure.savefig(tmp_path / "centre.png")
    with pytest.raises(CRMDataError, match="空的"):
        plots.buying_centre_chart(centre.iloc[:0])
    plt.close("all")


def test_retention_curves_draw_one_line_per_cohort_and_a_heatmap():
    import pandas as pd

    from crm_lab import CRMDataError
    from crm_lab.retention import cohort_retention

    orders = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C3", "C3"],
                           "order_time": ["2025-01-05", "2025-02-10", "2025-01-20", "2025-02-03", "2025-03-15"],
                           "status": ["已完成"] * 5})
    table = cohort_retention(orders)
    ax = plots.plot_retention_curves(table)
    assert len(ax.get_lines()) == len(table) == 2
    assert list(ax.get_lines()[0].get_ydata()[:2]) == [1.0, 0.5]
    assert "留存" in ax.get_ylabel()
    plt.close(ax.figure)
    ax = plots.plot_retention_curves(table, kind="heatmap", cohorts=["2025-02"])
    assert [t.get_text() for t in ax.texts] == ["100%", "100%"]
    plt.close(ax.figure)
    with pytest.raises(CRMDataError, match="kind"):
        plots.plot_retention_curves(table, kind="bar")
    with pytest.raises(CRMDataError, match="2030-01"):
        plots.plot_retention_curves(table, cohorts=["2030-01"])
