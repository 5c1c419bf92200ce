"""crm_lab.plots, value charts: the Pareto chart of an ABC analysis and the segment share chart."""

import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex  # noqa: E402

from crm_lab import CRMDataError  # noqa: E402
from crm_lab.plots import ABC_COLOURS, pareto_chart, segment_share_chart  # noqa: E402
from crm_lab.value import abc_analysis, rfm_segment, segment_summary  # noqa: E402


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_pareto_chart_draws_sorted_bars_coloured_by_class_and_the_cumulative_line(tmp_path):
    sales = pd.Series({"P1": 30.0, "P2": 50.0, "P3": 15.0, "P4": 5.0})
    abc = abc_analysis(sales)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = pareto_chart(abc, item_label="商品")
        ax.figure.savefig(tmp_path / "pareto.png")
    assert not [w for w in caught if "missing from" in str(w.message)]  # every Chinese glyph found
    bars = ax.patches
    assert [b.get_height() for b in bars] == [50.0, 30.0, 15.0, 5.0]
    assert [to_hex(b.get_facecolor()) for b in bars] == [ABC_COLOURS[k] for k in ["A", "A", "B", "C"]]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["P2", "P1", "P3", "P4"]
    curve, reference = ax.right_ax.get_lines()
    np.testing.assert_allclose(curve.get_ydata(), [0.5, 0.8, 0.95, 1.0])
    assert list(reference.get_ydata()) == [0.8, 0.8]
    assert ax.get_title() and ax.get_ylabel() == "金额（元）" and ax.right_ax.get_ylabel() == "累计占比"
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend[0].startswith("A 类：2 个商品（50%），金额占 80%")
    assert len(legend) == 3


def test_pareto_chart_with_many_items_labels_ranks_and_uses_the_given_axes():
    values = pd.Series(np.linspace(1, 100, 200))
    fig, ax = plt.subplots()
    returned = pareto_chart(abc_analysis(values), ax=ax, line=0.7)
    assert returned is ax
    assert len(ax.patches) == 200
    assert "排名" in ax.get_xlabel()
    assert list(ax.right_ax.get_lines()[1].get_ydata()) == [0.7, 0.7]


def test_pareto_chart_bad_input():
    with pytest.raises(CRMDataError, match="abc_analysis"):
        pareto_chart(pd.DataFrame({"value": [1.0]}))
    with pytest.raises(CRMDataError, match="是空的"):
        pareto_chart(abc_analysis(pd.Series([1.0])).iloc[0:0])
    with pytest.raises(CRMDataError, match="line"):
        pareto_chart(abc_analysis(pd.Series([1.0, 2.0])), line=80)


def test_segment_share_chart_shows_both_shares_per_segment():
    rfm = pd.DataFrame({"recency": [5, 15, 300, 200], "frequency": [10, 6, 1, 1],
                        "monetary": [900.0, 700.0, 50.0, 350.0]})
    summary = segment_summary(rfm_segment(rfm))
    ax = segment_share_chart(summary)
    people, money = ax.patches[:8], ax.patches[8:]
    np.testing.assert_allclose([b.get_width() for b in people], summary["share"])
    np.testing.assert_allclose([b.get_width() for b in money], summary["monetary_share"])
    position = dict(zip([t.get_text() for t in ax.get_yticklabels()], ax.get_yticks(), strict=True))
    assert sorted(position, key=position.get, reverse=True) == list(summary.index)  # first segment on top
    centres = [b.get_y() + b.get_height() / 2 for b in people]
    assert all(position[name] < centre for name, centre in zip(summary.index, centres, strict=True))
    assert "80.0%" in [t.get_text() for t in ax.texts]  # 重要价值客户 bring 80% of the money
    with pytest.raises(CRMDataError, match="segment_summary"):
        segment_share_chart(rfm)
