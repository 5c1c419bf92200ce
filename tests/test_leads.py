"""crm_lab.leads: MAN/BANT qualification, lead scores and priority lists, funnels, source performance."""

import itertools
import warnings

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from helpers import raises  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from crm_lab import plots  # noqa: E402
from crm_lab.leads import (  # noqa: E402
    FOLLOW_UP,
    FUNNEL_STAGES,
    MAN_RULES,
    funnel,
    lead_scores,
    priority_list,
    qualify_man,
    source_performance,
)

PROPERTY = settings(max_examples=50, deadline=None, database=None)



# ------------------------------------------------------------------------------------------ MAN / BANT


def all_eight():
    combos = list(itertools.product([True, False], repeat=3))
    return pd.DataFrame(combos, columns=["money", "authority", "need"])


def test_man_covers_all_eight_combinations():
    result = qualify_man(all_eight())
    codes = result["qualification_code"].tolist()
    assert sorted(codes) == sorted({"M+A+N", "M+A+n", "M+a+N", "M+a+n", "m+A+N", "m+A+n", "m+a+N", "m+a+n"})
    expected_code = ["".join(["M" if m else "m", "+", "A" if a else "a", "+", "N" if n else "n"])
                     for m, a, n in itertools.product([True, False], repeat=3)]
    assert codes == expected_code
    by_code = result.set_index("qualification_code")["qualification"]
    assert by_code["M+A+N"] == "理想的潜在客户" and by_code["m+a+n"] == "非潜在客户"
    assert {by_code[c] for c in ("M+A+n", "M+a+N", "m+A+N")} == {"可以接触"}
    assert {by_code[c] for c in ("m+a+N", "m+A+n", "M+a+n")} == {"长期培养"}
    assert "找到有决策权的人" in result.set_index("qualification_code").loc["M+a+N", "next_action"]
    assert "停止接触" in result.set_index("qualification_code").loc["m+a+n", "next_action"]
    counts = result.attrs["report"]["各类别线索数"]
    assert counts == {"理想的潜在客户": 1, "可以接触": 3, "长期培养": 3, "非潜在客户": 1}
    assert len(MAN_RULES) == 8


def test_man_reads_common_yes_no_spellings_and_custom_columns():
    leads = pd.DataFrame({"有钱": ["是", " 有 ", "Yes", "1", "否", "无", "no", "没有"],
                          "能拍板": [1, 1, 0, 0, 1, 0, 1, 0], "需要": ["Y", "n", "TRUE", "false", "√", "×", "y", "N"]},
                         index=[f"L{i}" for i in range(8)])
    result = qualify_man(leads, money="有钱", authority="能拍板", need="需要")
    assert result["qualification_code"].tolist() == ["M+A+N", "M+A+n", "M+a+N", "M+a+n",
                                                     "m+A+N", "m+a+n", "m+A+N", "m+a+n"]
    assert result.index.tolist() == leads.index.tolist()
    assert list(result.columns[:3]) == ["有钱", "能拍板", "需要"]


def test_bant_adds_timeline():
    leads = pd.concat([all_eight(), all_eight()], ignore_index=True)
    leads["timeline"] = [True] * 8 + [False] * 8
    result = qualify_man(leads, rule="BANT")
    assert result.loc[0, "qualification_code"] == "B+A+N+T" and result.loc[0, "qualification"] == "合格的销售线索"
    assert result.loc[8, "qualification_code"] == "B+A+N+t" and result.loc[8, "qualification"] == "时机未到"
    man = qualify_man(all_eight())["qualification"].tolist()
    assert result["qualification"].tolist()[1:8] == man[1:8] and result["qualification"].tolist()[9:] == man[1:8]
    assert result.attrs["report"]["鉴定规则"] == "BANT"
    raises(lambda: qualify_man(all_eight(), rule="BANT"), "缺少这些列：timeline")


def test_man_with_graded_columns_and_yes_values():
    leads = pd.DataFrame({"money": ["高", "中", "低", "高"],
                          "authority": ["自己决定", "需与他人商量", "无决策权", "自己决定"],
                          "need": ["强", "一般", "弱", "弱"],
                          "timeline": ["1个月内", "不确定", "1-3个月", "3个月以上"]})
    yes = {"money": ["高", "中"], "authority": "自己决定", "need": ["强", "一般"], "timeline": ["1个月内", "1-3个月"]}
    man = qualify_man(leads, yes=yes)
    expected = [(m in yes["money"], a == "自己决定", n in yes["need"])
                for m, a, n in zip(leads["money"], leads["authority"], leads["need"], strict=True)]
    assert man["qualification_code"].tolist() == [MAN_RULES[key][0] for key in expected]
    assert man.attrs["report"]["算作具备的取值"]["authority"] == ["自己决定"]
    bant = qualify_man(leads, yes=yes, rule="BANT")
    assert bant["qualification_code"].tolist() == ["B+A+N+T", "B+a+N+t", "b+a+n+T", "B+A+n+t"]
    raises(lambda: qualify_man(leads), "列 money 有认不出的“是/否”值", "行 0（'高'）", 'yes={"money": ["高"]}')
    raises(lambda: qualify_man(leads, yes={**yes, "money": ["髙"]}), "列 money 的取值 髙 在表里没有出现", "高、中、低")
    raises(lambda: qualify_man(leads, yes={"budget": ["高"]}), "列名只能是 money, authority, need, timeline")
    raises(lambda: qualify_man(leads.assign(need=["强", None, "弱", "弱"]), yes=yes), "列 need 有 1 个空值", "行 1")


def test_man_bad_input():
    raises(lambda: qualify_man(all_eight().drop(columns="need")), "线索表（leads 参数）缺少这些列：need",
           "现有的列：money, authority")
    raises(lambda: qualify_man(all_eight().iloc[0:0]), "线索表是空的")
    raises(lambda: qualify_man(all_eight().assign(money=["是", "也许"] + ["否"] * 6)), "列 money 有认不出的“是/否”值",
           "行 1（'也许'）")
    raises(lambda: qualify_man(all_eight().assign(need=[None] + [True] * 7)), "列 need 有 1 个空值", "行 0")
    raises(lambda: qualify_man(all_eight(), rule="SPIN"), "rule 只能是")


# ---------------------------------------------------------------------------------- scores and lists


def test_lead_scores_by_hand_and_priority_list():
    leads = pd.DataFrame({"money": ["是", "否", "是", "否", "是"], "authority": [1, 1, 0, 0, 1],
                          "need": [1.0, 0.5, 1.0, 0.0, 0.0], "visits": [0.2, 1.0, 0.0, 0.0, 0.5]},
                         index=["L1", "L2", "L3", "L4", "L5"])
    scored = lead_scores(leads, weights={"money": 2, "authority": 1, "need": 1, "visits": 0})
    # L1 (2+1+1)/4 = 100; L2 (1+0.5)/4 = 37.5; L3 (2+1)/4 = 75; L4 0; L5 (2+1)/4 = 75
    assert scored["lead_score"].tolist() == [100.0, 37.5, 75.0, 0.0, 75.0]
    assert scored["priority"].tolist() == ["A", "C", "A", "C", "A"]
    assert scored.attrs["report"]["各级线索数"] == {"A": 3, "B": 0, "C": 2}
    default = lead_scores(leads)  # money 30, authority 30, need 40
    assert default["lead_score"].tolist() == pytest.approx([100, 50, 70, 0, 60])
    assert default["priority"].tolist() == ["A", "B", "A", "C", "B"]
    assert lead_scores(leads, thresholds=(90, 55))["priority"].tolist() == ["A", "C", "B", "C", "B"]

    listed = priority_list(default)
    assert listed.index.tolist() == ["L1", "L3", "L5", "L2"]
    assert listed["rank"].tolist() == [1, 2, 3, 4]
    assert listed["follow_up"].tolist() == [FOLLOW_UP[p] for p in listed["priority"]]
    assert listed.attrs["report"]["未列入名单的线索"] == 1
    assert priority_list(default, priorities=("A", "B", "C"), top=2).index.tolist() == ["L1", "L3"]
    assert priority_list(default, priorities="C").index.tolist() == ["L4"]


def test_lead_scores_with_levels():
    leads = pd.DataFrame({"money": ["高", "中", "低"], "need": ["强", "弱", "一般"], "contacted": ["是", "否", "是"]})
    levels = {"money": {"低": 0, "中": 0.5, "高": 1}, "need": {"弱": 0, "一般": 0.5, "强": 1}}
    scored = lead_scores(leads, weights={"money": 2, "need": 1, "contacted": 1}, levels=levels)
    # (2*1 + 1 + 1) / 4, (2*0.5 + 0 + 0) / 4, (0 + 0.5 + 1) / 4
    assert scored["lead_score"].tolist() == pytest.approx([100, 25, 37.5])
    assert scored.attrs["report"]["等级分数"] == levels
    raises(lambda: lead_scores(leads, weights={"money": 1}, levels={"money": {"高": 1, "中": 0.5}}),
           "有 levels 里没有写分数的取值（低）", "行 2（'低'）")
    raises(lambda: lead_scores(leads, weights={"money": 1}, levels={"money": {"高": 2}}), "分数应该在 0～1 之间")
    raises(lambda: lead_scores(leads, weights={"money": 1}, levels={"need": {"强": 1}}), "列名要在 weights 里")


def test_lead_scores_and_priority_list_bad_input():
    leads = pd.DataFrame({"money": [1, 0], "authority": [1, 1], "need": [1, 0]})
    raises(lambda: lead_scores(leads, weights={"money": 1, "budget": 1}), "缺少这些列：budget")
    raises(lambda: lead_scores(leads, weights={"money": -1}), "列 money 的权重应该是 ≥ 0 的数")
    raises(lambda: lead_scores(leads, weights={"money": 0}), "权重全是 0")
    raises(lambda: lead_scores(leads, weights=["money"]), "weights 应该是字典")
    raises(lambda: lead_scores(leads.assign(need=[3000, 0])), "列 need 有不在 0～1 之间的数", "行 0（3000）",
           'df[列] / df[列].max()')
    raises(lambda: lead_scores(leads.assign(need=[np.nan, 1.0])), "列 need 有 1 个空值")
    raises(lambda: lead_scores(leads, thresholds=(40, 70)), "100 ≥ A 级下限 > B 级下限 ≥ 0")
    raises(lambda: lead_scores(leads, thresholds=70), "thresholds 应该是两个数")
    raises(lambda: lead_scores(leads.iloc[0:0]), "线索表是空的")
    scored = lead_scores(leads)
    raises(lambda: priority_list(scored, priorities=("A", "D")), "priorities 只能从")
    raises(lambda: priority_list(scored, top=0), "top（只要前几名）应该是正整数")
    raises(lambda: priority_list(scored.assign(priority=["A", "X"])), "priority 列有不认识的等级", "行 1（'X'）")
    raises(lambda: priority_list(leads), "缺少这些列：lead_score, priority")


# ----------------------------------------------------------------------------------------------- funnel


@PROPERTY
@given(st.lists(st.sampled_from(FUNNEL_STAGES), min_size=1, max_size=80))
def test_funnel_counts_match_plain_pandas(stages):
    leads = pd.DataFrame({"stage": stages})
    table = funnel(leads)
    assert table.index.tolist() == list(FUNNEL_STAGES)
    codes = pd.Categorical(leads["stage"], categories=FUNNEL_STAGES, ordered=True).codes
    expected = [int((codes >= k).sum()) for k in range(len(FUNNEL_STAGES))]
    assert table["leads"].tolist() == expected
    assert (np.diff(table["leads"]) <= 0).all()
    assert table["stopped_here"].tolist() == leads["stage"].value_counts().reindex(FUNNEL_STAGES, fill_value=0).tolist()
    assert table["leads"].iloc[0] == len(leads)
    np.testing.assert_allclose(table["overall_conversion"], np.array(expected) / len(leads))
    previous = np.array([expected[0]] + expected[:-1], dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        np.testing.assert_allclose(table["step_conversion"], np.where(previous > 0, expected / previous, np.nan))


def test_funnel_custom_stages_and_groups():
    leads = pd.DataFrame({"阶段": ["看房", "认筹", "签约", "看房", "来电", "签约"],
                          "渠道": ["中介", "中介", "中介", "网络", "网络", "网络"]})
    stages = ["来电", "看房", "认筹", "签约"]
    table = funnel(leads, stage="阶段", stages=stages)
    assert table["leads"].tolist() == [6, 5, 3, 2]
    grouped = funnel(leads, stage="阶段", stages=stages, by="渠道")
    assert grouped.index.names == ["渠道", "stage"]
    assert grouped.loc["中介", "leads"].tolist() == [3, 3, 2, 1]
    assert grouped.loc["网络", "leads"].tolist() == [3, 2, 1, 1]
    np.testing.assert_array_equal(grouped["leads"].groupby(level="stage", sort=False).sum(), table["leads"])
    ordered = leads.assign(阶段=pd.Categorical(leads["阶段"], categories=stages, ordered=True))
    assert funnel(ordered, stage="阶段", stages=stages)["leads"].tolist() == [6, 5, 3, 2]


def test_funnel_bad_input():
    leads = pd.DataFrame({"stage": ["线索", "成交", "已成交", "联系"]})
    raises(lambda: funnel(leads), "有不在 stages 里的阶段（已成交、联系）", "行 2（'已成交'）", "行 3（'联系'）",
           "线索 → 已联系 → 合格 → 意向 → 成交")
    raises(lambda: funnel(leads, stage="阶段"), "缺少这些列：阶段", "现有的列：stage")
    raises(lambda: funnel(leads.iloc[0:0]), "线索表是空的")
    raises(lambda: funnel(pd.DataFrame({"stage": ["线索", None]})), "阶段列 stage 有空值", "行 1")
    raises(lambda: funnel(leads, stages=["线索", "成交", "线索"]), "stages 里有重复的阶段：线索")
    raises(lambda: funnel(leads, stages={"线索", "成交"}), "集合和字典没有顺序")
    raises(lambda: funnel(leads, stages="线索"), "按先后顺序排列的阶段名称列表")
    raises(lambda: funnel(leads, stages=["线索"]), "至少要有 2 个")
    backwards = pd.DataFrame({"stage": pd.Categorical(["线索", "成交"], categories=["成交", "线索"], ordered=True)})
    raises(lambda: funnel(backwards, stages=["线索", "成交"]), "顺序 成交 → 线索 与 stages 的顺序 线索 → 成交 不一致")
    raises(lambda: funnel(pd.DataFrame({"stage": ["线索"], "g": [None]}), by="g"), "分组列 g 有空值")


# ------------------------------------------------------------------------------------ source performance


def fair_leads():
    return pd.DataFrame({
        "source": ["展销会"] * 5 + ["转介绍"] * 3 + ["网络"] * 2,
        "converted": [True, False, True, False, True, True, False, True, False, False],
    })


def test_source_performance_matches_cost_over_customers():
    costs = pd.DataFrame({"source": ["转介绍", "展销会", "网络"], "cost": [60, 900.0, 250]})
    table = source_performance(fair_leads(), costs)
    assert table.index.tolist() == ["转介绍", "展销会", "网络", "合计"]
    plain = fair_leads().groupby("source")["converted"].agg(["size", "sum"])
    for source in ("转介绍", "展销会", "网络"):
        size, won = plain.loc[source, "size"], plain.loc[source, "sum"]
        assert table.loc[source, "leads"] == size and table.loc[source, "customers"] == won
        assert table.loc[source, "conversion_rate"] == pytest.approx(won / size)
        cost = costs.set_index("source").loc[source, "cost"]
        assert table.loc[source, "cost_per_lead"] == pytest.approx(cost / size)
    assert table.loc["展销会", "cac"] == pytest.approx(900 / 3)
    assert table.loc["转介绍", "cac"] == pytest.approx(60 / 2)
    assert np.isnan(table.loc["网络", "cac"]) and "无法计算获客成本" in table.loc["网络", "note"]
    assert table.loc["展销会", "note"] == ""
    assert table.loc["合计", "cac"] == pytest.approx(1210 / 5)
    assert table.loc["合计", "leads"] == 10 and table.loc["合计", "cost"] == 1210
    assert table.attrs["report"]["没有成交的来源"] == ["网络"]


def test_source_performance_converted_as_text_or_dates_and_free_sources():
    leads = fair_leads()
    leads["converted"] = leads["converted"].map({True: "是", False: "否"})
    costs = pd.DataFrame({"source": ["展销会", "转介绍", "网络"], "cost": [900, 0, 250]})
    as_text = source_performance(leads, costs)
    assert as_text.loc["转介绍", "cac"] == 0.0
    dates = fair_leads().assign(won=lambda d: pd.to_datetime(np.where(d["converted"], "2024-05-01", None)))
    as_dates = source_performance(dates, costs, converted="won")
    pd.testing.assert_series_equal(as_dates["customers"], as_text["customers"])


def test_source_performance_sums_monthly_costs_per_source():
    monthly = pd.DataFrame({"month": ["2024-09", "2024-09", "2024-10", "2024-10", "2024-09"],
                            "source": ["展销会", "网络", "展销会", "网络", "转介绍"],
                            "spend": [500, 100, 400, 150, 60.0]})
    table = source_performance(fair_leads(), monthly, cost="spend")
    assert table.index.tolist() == ["展销会", "网络", "转介绍", "合计"]
    assert table["cost"].tolist() == [900.0, 250.0, 60.0, 1210.0]
    assert table.loc["展销会", "cac"] == pytest.approx(900 / 3)
    assert table.attrs["report"]["费用表行数"] == 5 and table.attrs["report"]["来源数"] == 3


def test_source_performance_bad_input():
    costs = pd.DataFrame({"source": ["展销会", "转介绍", "网络"], "cost": [900, 60, 250]})
    raises(lambda: source_performance(fair_leads(), costs.assign(source=["展消会", "转介绍", "网络"])),
           "费用表里有线索表中没有的来源：展消会", "“展消会”是不是“展销会”？")
    raises(lambda: source_performance(fair_leads(), costs.iloc[:2]), "费用表缺少这些来源的费用：网络", "填 0")
    raises(lambda: source_performance(fair_leads(), costs.assign(cost=[900, -5, "二百"])),
           "有空值、负数或不是数字的值", "行 1（-5）", "行 2（'二百'）")
    raises(lambda: source_performance(fair_leads(), costs.rename(columns={"cost": "费用"})),
           "费用表（costs 参数）缺少这些列：cost", "现有的列：source, 费用")
    raises(lambda: source_performance(fair_leads().drop(columns="converted"), costs), "缺少这些列：converted")
    raises(lambda: source_performance(fair_leads().iloc[0:0], costs), "线索表是空的")
    raises(lambda: source_performance(fair_leads(), costs.iloc[0:0]), "费用表是空的")
    raises(lambda: source_performance(fair_leads().assign(source=[None] + ["展销会"] * 9), costs),
           "线索表的来源列 source 有空值", "行 0")
    raises(lambda: source_performance(fair_leads().assign(converted=["成交"] * 10), costs),
           "成交列 converted 有认不出的“是/否”值")


# ----------------------------------------------------------------------------------------------- plots


def test_funnel_chart_renders_chinese(tmp_path):
    table = funnel(pd.DataFrame({"stage": ["线索"] * 5 + ["已联系"] * 3 + ["合格", "成交"]}))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax = plots.funnel_chart(table)
        ax.figure.savefig(tmp_path / "funnel.png")
    plt.close(ax.figure)
    assert not [w for w in caught if "missing from" in str(w.message)]
    assert [t.get_text() for t in ax.get_yticklabels()] == list(FUNNEL_STAGES)
    widths = [bar.get_width() for bar in ax.patches]
    assert widths == table["leads"].tolist()
    assert table["leads"].tolist() == [10, 5, 2, 1, 1]
    assert "5 人（上一步的 50%，总体 50%）" in [t.get_text() for t in ax.texts]
    empty_tail = plots.funnel_chart(funnel(pd.DataFrame({"stage": ["线索", "已联系"]})))
    texts = [t.get_text() for t in empty_tail.texts]  # reached: 2, 1, 0, 0, 0; no "nan%" after an empty stage
    assert texts[2] == "0 人（上一步的 0%，总体 0%）" and texts[3:] == ["0 人", "0 人"]
    plt.close(empty_tail.figure)
    grouped = funnel(pd.DataFrame({"stage": ["线索", "成交"], "g": ["a", "b"]}), by="g")
    raises(lambda: plots.funnel_chart(grouped), "这张漏斗表是分组的", 'table.loc["展销会"]')
