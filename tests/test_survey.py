"""crm_lab.survey: indicator tree, questionnaire export, Cronbach's alpha, weights, satisfaction index, NPS, IPA."""

import re
import warnings
import zipfile
from xml.etree import ElementTree

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
from crm_lab.survey import (  # noqa: E402
    AGREEMENT_LABELS,
    IPA_ADVICE,
    alpha_if_deleted,
    cronbach_alpha,
    indicator_tree,
    indicator_tree_default,
    ipa,
    nps,
    questionnaire,
    research_outline,
    satisfaction_index,
    save_questionnaire,
    to_wenjuanxing_text,
    weights_from_data,
)

PROPERTY = settings(max_examples=50, deadline=None, database=None)
ACSI = ["顾客期望", "感知质量", "感知价值", "顾客满意度", "顾客抱怨", "顾客忠诚"]



def small_tree():
    return indicator_tree(pd.DataFrame({
        "item": ["A1", "A2", "B1"], "一级指标": ["质量", "质量", "忠诚"], "二级指标": ["商品", "服务", "推荐"],
        "题目": ["商品好", "服务好", "会推荐"], "权重": [2.0, 1.0, 1.0],
    }))


# ------------------------------------------------------------------------------------ indicator tree


def test_tree_from_dataframe_normalises_weights_and_keeps_items():
    tree = small_tree()
    assert tree.columns.tolist() == ["item", "一级指标", "二级指标", "题目", "权重"]
    assert tree["item"].tolist() == ["A1", "A2", "B1"]
    assert tree["权重"].tolist() == [0.5, 0.25, 0.25]
    report = tree.attrs["report"]
    assert report["原权重之和"] == 4.0 and report["题目数"] == 3
    assert report["一级指标数"] == 2 and report["二级指标数"] == 3


def test_tree_from_nested_dict_with_and_without_weights():
    equal = indicator_tree({"质量": {"商品": ["好", "耐用"], "服务": "热情"}}, item_prefix="S")
    assert equal["item"].tolist() == ["S1", "S2", "S3"]
    assert equal["二级指标"].tolist() == ["商品", "商品", "服务"]
    np.testing.assert_allclose(equal["权重"], [1 / 3] * 3)
    assert equal.attrs["report"]["权重来源"].startswith("等权")
    weighted = indicator_tree({"质量": {"商品": {"好": 3, "耐用": 1}}, "忠诚": {"推荐": {"会推荐": 4}}})
    assert weighted["权重"].tolist() == [0.375, 0.125, 0.5]


def test_default_tree_is_the_acsi_tree():
    tree = indicator_tree_default()
    assert list(dict.fromkeys(tree["一级指标"])) == ACSI
    per_level1 = tree.groupby("一级指标")["二级指标"].nunique()
    assert (per_level1 >= 2).all()
    assert tree["item"].is_unique and tree["权重"].sum() == pytest.approx(1.0)
    assert {"商品质量", "服务态度", "价格合理性", "总体满意", "重复购买", "推荐意愿"} <= set(tree["二级指标"])


def test_tree_bad_input():
    frame = pd.DataFrame({"一级指标": ["质量"], "二级指标": ["商品"], "题目": ["好"]})
    raises(lambda: indicator_tree(frame.drop(columns="题目")), "缺少这些列：题目", "现有的列：一级指标, 二级指标")
    raises(lambda: indicator_tree(frame.iloc[0:0]), "指标表是空的")
    raises(lambda: indicator_tree([1, 2]), "应该是指标表（DataFrame）或嵌套字典", "list")
    raises(lambda: indicator_tree({}), "字典是空的")
    raises(lambda: indicator_tree({"质量": ["好"]}), "一级指标“质量”下面应该是字典")
    raises(lambda: indicator_tree({"质量": {"商品": []}}), "二级指标“商品”下面没有题目")
    raises(lambda: indicator_tree({"质量": {"商品": {"好": 1}, "服务": ["热情"]}}), "有的二级指标给了权重")
    blank = pd.DataFrame({"一级指标": ["质量", " "], "二级指标": ["商品", "服务"], "题目": ["好", "热情"]})
    raises(lambda: indicator_tree(blank), "列 一级指标（一级指标）有空白", "行 1")
    repeated = frame.loc[[0, 0]].reset_index(drop=True).assign(item=["Q1", "Q1"], 二级指标=["商品", "商品"])
    raises(lambda: indicator_tree(repeated), "列 item 有重复的列名", "行 0", "行 1")
    raises(lambda: indicator_tree(frame.assign(权重=[-1])), "不是数字或是负数", "行 0（-1）")
    raises(lambda: indicator_tree(frame.assign(权重=["高"])), "不是数字或是负数", "行 0（'高'）")
    raises(lambda: indicator_tree(frame.assign(权重=[0])), "全是 0")
    raises(lambda: indicator_tree(frame.assign(权重=[None])), "权重列 权重 有空值")


def test_same_second_level_name_under_two_first_level_indicators_is_two_nodes(tmp_path):
    # As in the course survey: 顾客期望—商品 and 感知质量—商品 are different indicators.
    tree = indicator_tree(pd.DataFrame({"item": ["e1", "q1", "q2"], "一级指标": ["期望", "质量", "质量"],
                                        "二级指标": ["商品", "商品", "服务"], "题目": ["a", "b", "c"]}))
    assert tree.attrs["report"]["二级指标数"] == 3
    answers = pd.DataFrame({"e1": [5, 5], "q1": [1, 2], "q2": [3, 3]})
    second = satisfaction_index(answers, tree).query("level == '二级指标'")
    assert second[["indicator", "parent"]].values.tolist() == [["商品", "期望"], ["商品", "质量"], ["服务", "质量"]]
    assert second["score"].tolist() == pytest.approx([100.0, 12.5, 50.0])
    ax = plots.indicator_tree_chart(tree)
    assert sorted(t.get_text() for t in ax.texts if t.get_text().startswith("商品")) == ["商品（33%）", "商品（33%）"]
    plt.close(ax.figure)


# ------------------------------------------------------------------------------------- questionnaire


def parse_wenjuanxing(text):
    """Parse the plain-text format back: title, sections and (number, question, type, options)."""
    blocks = [b.splitlines() for b in text.strip().split("\n\n")]
    title, sections, questions = blocks[0][0], [], []
    assert len(blocks[0]) == 1
    pattern = re.compile(r"^(\d+)\. (.+)\[(单选题|多选题|填空题|量表题)\]$")
    for block in blocks[1:]:
        if block[0].endswith("[段落说明]"):
            assert len(block) == 1
            sections.append(block[0][: -len("[段落说明]")])
            continue
        match = pattern.match(block[0])
        assert match, block[0]
        questions.append((int(match[1]), match[2], match[3], tuple(block[1:]), sections[-1]))
    return title, sections, questions


def test_questionnaire_has_the_three_parts_and_one_scale_question_per_item():
    tree = indicator_tree_default()
    q = questionnaire(tree)
    assert list(dict.fromkeys(q["part"])) == ["第一部分 客户基础信息", "第二部分 对企业产品的认知及满意度",
                                               "第三部分 对竞争对手产品的认知"]
    assert q["number"].tolist() == list(range(1, len(q) + 1))
    second = q[q["part"].str.startswith("第二部分")]
    assert second["item"].tolist() == tree["item"].tolist() + ["nps"]
    assert second["question"].tolist()[:-1] == tree["题目"].tolist()
    assert (second["type"] == "量表题").all()
    assert all(options == AGREEMENT_LABELS for options in second["options"].iloc[:-1])
    assert second["options"].iloc[-1] == tuple(str(v) for v in range(11))
    assert q["item"].is_unique
    without_nps = questionnaire(tree, include_nps=False)
    assert "nps" not in without_nps["item"].tolist() and len(without_nps) == len(q) - 1


def test_wenjuanxing_text_round_trips_the_questions():
    basic = [{"item": "g", "type": "单选题", "question": "性别", "options": ["男", "女"]},
             {"item": "ch", "type": "多选题", "question": "渠道", "options": ["海报", "朋友"]},
             {"item": "name", "type": "填空题", "question": "班级", "options": []}]
    for q in (questionnaire(indicator_tree_default()),
              questionnaire(small_tree(), title="测试问卷", basic=basic, scale_labels=["差", "中", "好"])):
        title, sections, parsed = parse_wenjuanxing(to_wenjuanxing_text(q))
        assert title == q.attrs["title"]
        assert sections == list(dict.fromkeys(q["part"]))
        assert len(parsed) == len(q)
        assert [p[0] for p in parsed] == q["number"].tolist()
        assert [p[1] for p in parsed] == q["question"].tolist()
        assert [p[2] for p in parsed] == q["type"].tolist()
        assert [p[3] for p in parsed] == q["options"].tolist()
        assert [p[4] for p in parsed] == q["part"].tolist()
    assert parse_wenjuanxing(to_wenjuanxing_text(q, title="另一个标题"))[0] == "另一个标题"


def test_questionnaire_bad_input():
    tree = indicator_tree_default()
    raises(lambda: questionnaire(tree.drop(columns="权重")), "缺少这些列：权重")
    def ask(kind, options, item="x"):
        return [{"item": item, "type": kind, "question": "?", "options": options}]

    raises(lambda: questionnaire(tree, basic=ask("判断题", ["是", "否"])), "basic 的第 1 题", "题型 '判断题' 不认识")
    raises(lambda: questionnaire(tree, basic=ask("单选题", ["是"])), "至少要有 2 个选项")
    raises(lambda: questionnaire(tree, competitor=ask("填空题", ["a"])), "competitor 的第 1 题", "不应该有选项")
    raises(lambda: questionnaire(tree, basic=ask("填空题", [], item="Q1")), "重复的列名 item：Q1")
    raises(lambda: questionnaire(tree, basic=[{"item": "x", "question": "?"}]), "至少含 item、type、question")
    raises(lambda: questionnaire(tree, scale_labels=["好"]), "scale_labels 至少要有 2 个选项")
    q = questionnaire(small_tree())
    broken = q.copy()
    broken.loc[0, "question"] = "第一行\n第二行"
    raises(lambda: to_wenjuanxing_text(broken), "第 1 题 是空的或含有换行")
    raises(lambda: to_wenjuanxing_text(q.iloc[0:0]), "问卷是空的")


def test_save_questionnaire_docx_and_html(tmp_path):
    q = questionnaire(indicator_tree_default(), basic=[
        {"item": "x", "type": "填空题", "question": "您的班级 <请写全称> & 学号", "options": []}])
    docx = save_questionnaire(q, tmp_path / "问卷.docx")
    with zipfile.ZipFile(docx) as archive:
        assert {"[Content_Types].xml", "_rels/.rels", "word/document.xml"} <= set(archive.namelist())
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    namespace = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    texts = [t.text for t in root.iter(f"{namespace}t")]
    assert texts[0] == q.attrs["title"]
    for row in q.itertuples():
        assert f"{row.number}. {row.question}（{row.type}）" in texts
        for option in row.options:
            assert f"□ {option}" in texts
    html = save_questionnaire(q, tmp_path / "问卷.html").read_text(encoding="utf-8")
    assert "您的班级 &lt;请写全称&gt; &amp; 学号" in html
    assert all(part in html for part in q["part"].unique())
    raises(lambda: save_questionnaire(q, tmp_path / "问卷.doc"), "只能保存为 .docx 或 .html")


# ------------------------------------------------------------------------------------- Cronbach's α


def anova_icc3k(matrix: np.ndarray) -> float:
    """Hoyt (1941): reliability from the two-way ANOVA respondents x items, (MS_rows - MS_error) / MS_rows."""
    n, k = matrix.shape
    grand = matrix.mean()
    ss_rows = k * ((matrix.mean(axis=1) - grand) ** 2).sum()
    ss_cols = n * ((matrix.mean(axis=0) - grand) ** 2).sum()
    ss_error = ((matrix - grand) ** 2).sum() - ss_rows - ss_cols
    ms_rows = ss_rows / (n - 1)
    ms_error = ss_error / ((n - 1) * (k - 1))
    return (ms_rows - ms_error) / ms_rows


@st.composite
def likert_matrices(draw, min_items=2):
    n = draw(st.integers(min_value=3, max_value=30))
    k = draw(st.integers(min_value=min_items, max_value=6))
    cells = draw(st.lists(st.integers(min_value=1, max_value=5), min_size=n * k, max_size=n * k))
    matrix = np.array(cells, dtype=float).reshape(n, k)
    return pd.DataFrame(matrix.astype(int), columns=[f"Q{j + 1}" for j in range(k)])


@PROPERTY
@given(likert_matrices())
def test_alpha_equals_the_anova_reliability(answers):
    matrix = answers.to_numpy(dtype=float)
    if matrix.sum(axis=1).var() == 0:
        raises(lambda: cronbach_alpha(answers), "总分方差为 0")
        return
    assert cronbach_alpha(answers) == pytest.approx(anova_icc3k(matrix), abs=1e-9)


def test_alpha_on_the_shrout_fleiss_published_example():
    # Shrout, P. E. & Fleiss, J. L. (1979). Intraclass correlations: uses in assessing rater reliability.
    # Psychological Bulletin, 86(2), 420-428. Table 2: 6 targets rated by 4 judges; Table 4 reports
    # ICC(3,4) = .91, which is Cronbach's alpha with the judges as items.
    ratings = pd.DataFrame({"J1": [9, 6, 8, 7, 10, 6], "J2": [2, 1, 4, 1, 5, 2],
                            "J3": [5, 3, 6, 2, 6, 4], "J4": [8, 2, 8, 6, 9, 7]})
    assert round(cronbach_alpha(ratings, scale=10), 2) == 0.91


def test_alpha_by_hand():
    # Item variances 1.3, 1.3, 1.7; totals 13, 14, 8, 7, 13 have variance 10.5: alpha = 1.5 * (1 - 4.3 / 10.5).
    answers = pd.DataFrame({"Q1": [4, 5, 3, 2, 4], "Q2": [4, 4, 3, 2, 5], "Q3": [5, 5, 2, 3, 4]})
    assert cronbach_alpha(answers) == pytest.approx(1.5 * (1 - 4.3 / 10.5))


@PROPERTY
@given(likert_matrices(min_items=3))
def test_alpha_if_deleted_equals_alpha_on_the_reduced_matrix(answers):
    if answers.sum(axis=1).var() == 0:
        return
    table = alpha_if_deleted(answers)
    assert table.index.tolist() == answers.columns.tolist()
    overall = cronbach_alpha(answers)
    assert table.attrs["report"]["总体α"] == pytest.approx(overall)
    for column in answers.columns:
        rest = answers.drop(columns=column)
        expected = anova_icc3k(rest.to_numpy(dtype=float)) if rest.sum(axis=1).var() > 0 else np.nan
        np.testing.assert_allclose(table.loc[column, "alpha_if_deleted"], expected, atol=1e-9)
        np.testing.assert_allclose(table.loc[column, "alpha_change"], expected - overall, atol=1e-9)
        if answers[column].std() > 0 and rest.sum(axis=1).std() > 0:
            corr = answers[column].corr(rest.sum(axis=1))
            assert table.loc[column, "item_total_corr"] == pytest.approx(corr)


def test_alpha_if_deleted_with_constant_items_gives_missing_values_not_warnings():
    answers = pd.DataFrame({"Q1": [1, 2, 3, 4], "Q2": [3, 3, 3, 3], "Q3": [2, 2, 2, 2]})
    table = alpha_if_deleted(answers)  # filterwarnings=error: a division by zero would fail here
    assert np.isnan(table.loc["Q1", "item_total_corr"]) and np.isnan(table.loc["Q2", "item_total_corr"])
    assert np.isnan(table.loc["Q1", "alpha_if_deleted"])  # Q2 + Q3 is constant
    assert table.loc["Q2", "alpha_if_deleted"] == pytest.approx(0.0)  # Q1 and a constant: no shared variance


def test_alpha_missing_answers_error_or_listwise_deletion():
    answers = pd.DataFrame({"Q1": [4, 5, None, 2, 4, 3], "Q2": [4, 4, 3, 2, 5, None], "Q3": [5, 5, 2, 3, 4, 3]})
    raises(lambda: cronbach_alpha(answers), "2 位受访者有缺答", "行 2", "行 5", 'missing="drop"')
    with pytest.warns(UserWarning, match="有 2 位受访者有缺答，已整行删除"):
        dropped = cronbach_alpha(answers, missing="drop")
    assert dropped == pytest.approx(cronbach_alpha(answers.dropna()))
    table = alpha_if_deleted(answers, missing="drop")
    assert table.attrs["report"]["输入行数"] == 6
    assert table.attrs["report"]["排除的缺答行"] == 2 and table.attrs["report"]["计入的答卷数"] == 4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cronbach_alpha(answers.dropna(), missing="drop")  # nothing dropped: no warning


def test_alpha_bad_input():
    good = pd.DataFrame({"Q1": [4, 5, 3], "Q2": [4, 4, 3]}, index=["r1", "r2", "r3"])
    raises(lambda: cronbach_alpha(good.assign(Q2=[4, 6, 0])), "列 Q2 有超出 1～5 分的答案", "行 'r2'（6）",
           "行 'r3'（0）", "df.loc[['r2', 'r3']]")
    raises(lambda: cronbach_alpha(good.assign(Q1=[4, 3.5, 3])), "列 Q1 有超出 1～5 分的答案", "行 'r2'（3.5）")
    raises(lambda: cronbach_alpha(good.assign(Q1=["4", "满意", "3"])), "列 Q1 有不是数字的答案", "行 'r2'（'满意'）")
    assert cronbach_alpha(good.assign(Q1=["4", " 5 ", "3"])) == cronbach_alpha(good)
    raises(lambda: cronbach_alpha(good.assign(Q1=[True, False, True])), "列 Q1 是“是/否”")
    raises(lambda: cronbach_alpha(good.assign(Q2=[7, 8, 9]), scale=7), "列 Q2 有超出 1～7 分", "行 'r2'（8）")
    raises(lambda: cronbach_alpha(good[["Q1"]]), "只有 1 题")
    raises(lambda: cronbach_alpha(good.iloc[:1]), "只有 1 份完整的答卷")
    raises(lambda: cronbach_alpha(good.iloc[0:0]), "是空的")
    raises(lambda: cronbach_alpha(pd.DataFrame({"Q1": [3, 3], "Q2": [2, 2]})), "总分方差为 0")
    raises(lambda: cronbach_alpha(good, scale=1), "scale（几分制）")
    raises(lambda: cronbach_alpha(good, missing="mean"), "missing 只能是")
    raises(lambda: cronbach_alpha([[1, 2], [3, 4]]), "应该是 pandas 的 DataFrame", "list")
    raises(lambda: alpha_if_deleted(good), "至少要 3 题")


def test_reverse_scored_items():
    answers = pd.DataFrame({"Q1": [4, 5, 3, 2, 4], "Q2": [4, 4, 3, 2, 5], "C1": [2, 1, 3, 4, 1]})
    flipped = answers.assign(C1=6 - answers["C1"])
    assert cronbach_alpha(answers, reverse=["C1"]) == pytest.approx(cronbach_alpha(flipped))
    assert cronbach_alpha(answers, reverse=["C1"]) > cronbach_alpha(answers)
    pd.testing.assert_frame_equal(alpha_if_deleted(answers, reverse="C1"), alpha_if_deleted(flipped))
    tree = indicator_tree({"质量": {"商品": ["好"], "服务": ["好"]}, "抱怨": {"投诉": ["我投诉过"]}})
    tree["item"] = ["Q1", "Q2", "C1"]
    index = satisfaction_index(answers, tree, reverse=["C1"]).set_index("indicator")
    assert index.loc["C1", "mean"] == pytest.approx((6 - answers["C1"]).mean())
    assert index.attrs["report"]["反向计分的题"] == ["C1"]
    raises(lambda: cronbach_alpha(answers, reverse=["C9"]), "reverse（反向计分的题）里的 C9 不在要计算的题目里")


def test_satisfaction_index_with_available_cases():
    tree = small_tree()
    answers = pd.DataFrame({"A1": [5, None, 3, 4], "A2": [2, 2, None, None], "B1": [5, 4, 5, 5]})
    raises(lambda: satisfaction_index(answers, tree), "3 位受访者有缺答", 'missing="drop"', 'missing="available"')
    index = satisfaction_index(answers, tree, missing="available").set_index("indicator")
    assert index.loc[["A1", "A2", "B1"], "mean"].tolist() == pytest.approx(answers.mean().tolist())
    assert index.attrs["report"]["各题缺答数"] == {"A1": 1, "A2": 2}
    dropped = satisfaction_index(answers, tree, missing="drop").set_index("indicator")
    assert dropped.loc["A1", "mean"] == 5 and dropped.attrs["report"]["计入的答卷数"] == 1
    raises(lambda: satisfaction_index(answers.assign(A2=None), tree, missing="available"), "没有任何人回答：A2")
    raises(lambda: cronbach_alpha(answers, missing="available"), "missing 只能是")


# ----------------------------------------------------------------------------- weights and the index


def test_satisfaction_index_by_hand():
    tree = small_tree()  # weights A1 0.5, A2 0.25, B1 0.25
    answers = pd.DataFrame({"A1": [5, 4, 3, 4], "A2": [2, 2, 3, 1], "B1": [5, 5, 5, 5], "other": [0, 0, 0, 0]})
    index = satisfaction_index(answers, tree).set_index(["level", "indicator"])
    # means: A1 4.0 -> 75, A2 2.0 -> 25, B1 5.0 -> 100
    assert index.loc[("题目", "A1"), "score"] == pytest.approx(75)
    assert index.loc[("题目", "A2"), "score"] == pytest.approx(25)
    assert index.loc[("二级指标", "推荐"), "score"] == pytest.approx(100)
    # 质量 = (0.5 * 75 + 0.25 * 25) / 0.75
    assert index.loc[("一级指标", "质量"), "score"] == pytest.approx((0.5 * 75 + 0.25 * 25) / 0.75)
    assert index.loc[("一级指标", "质量"), "mean"] == pytest.approx((0.5 * 4 + 0.25 * 2) / 0.75)
    assert index.loc[("一级指标", "质量"), "weight"] == pytest.approx(0.75)
    assert index.loc[("总体", "总体"), "score"] == pytest.approx(0.5 * 75 + 0.25 * 25 + 0.25 * 100)
    assert index.loc[("二级指标", "商品"), "parent"] == "质量"
    seven = satisfaction_index(answers.assign(A1=[7, 7, 1, 1]), tree, scale=7).set_index(["level", "indicator"])
    assert seven.loc[("题目", "A1"), "score"] == pytest.approx(50)
    raises(lambda: satisfaction_index(answers.drop(columns="A2"), tree), "答卷表（answers 参数）缺少这些列：A2")
    raises(lambda: satisfaction_index(answers.assign(B1=[5, 5, 6, 5]), tree), "列 B1 有超出 1～5 分", "行 2（6）")


def test_weights_from_data_correlation_and_entropy_match_plain_computations():
    rng = np.random.default_rng(7)
    tree = small_tree()
    answers = pd.DataFrame(rng.integers(1, 6, size=(30, 3)), columns=["A1", "A2", "B1"])
    answers["overall"] = np.clip(answers["A1"] + rng.integers(-1, 2, size=30), 1, 5)
    by_corr = weights_from_data(answers, tree, overall="overall")
    r = answers[["A1", "A2", "B1"]].corrwith(answers["overall"]).clip(lower=0)
    np.testing.assert_allclose(by_corr["权重"], r / r.sum())
    assert by_corr["item"].tolist() == tree["item"].tolist()
    assert "相关系数" in by_corr.attrs["report"]["权重来源"]

    x = answers[["A1", "A2", "B1"]].to_numpy(dtype=float)
    p = x / x.sum(axis=0)
    e = -(p * np.log(p)).sum(axis=0) / np.log(len(x))
    np.testing.assert_allclose(weights_from_data(answers, tree, method="entropy")["权重"], (1 - e) / (1 - e).sum())

    inside = weights_from_data(answers.assign(B1=answers["overall"]), tree, overall="B1")
    assert inside.loc[2, "权重"] == 0.0  # the overall item itself gets no weight


def test_weights_from_data_bad_input():
    tree = small_tree()
    answers = pd.DataFrame({"A1": [1, 2, 3], "A2": [3, 2, 1], "B1": [2, 2, 2]})
    raises(lambda: weights_from_data(answers, tree), "要用 overall= 指出总体满意度题")
    raises(lambda: weights_from_data(answers, tree, overall="total"), "缺少这些列：total")
    raises(lambda: weights_from_data(answers, tree, overall="B1"), "总体满意度列 B1 的答案全都一样")
    raises(lambda: weights_from_data(answers.assign(o=[3, 2, 1]), tree.iloc[[0]], overall="o"), "权重都是 0")
    raises(lambda: weights_from_data(answers, tree, method="ahp"), "method 只能是")


# ---------------------------------------------------------------------------------------------- NPS


@PROPERTY
@given(st.lists(st.one_of(st.integers(min_value=0, max_value=10), st.none()), min_size=1, max_size=60))
def test_nps_counts_match_a_plain_computation(values):
    scores = pd.Series(values, dtype="Float64")
    answered = scores.dropna()
    if answered.empty:
        raises(lambda: nps(scores), "全是空值")
        return
    row = nps(scores).loc["全部"]
    promoters, detractors = int((answered >= 9).sum()), int((answered <= 6).sum())
    assert row["promoters"] == promoters and row["detractors"] == detractors
    assert row["passives"] == len(answered) - promoters - detractors
    assert row["respondents"] == len(answered)
    assert row["nps"] == pytest.approx(100 * (promoters - detractors) / len(answered))
    assert row["promoter_share"] + row["passive_share"] + row["detractor_share"] == pytest.approx(1)
    assert nps(scores).attrs["report"]["排除的缺答行"] == len(scores) - len(answered)


def test_nps_by_group_and_from_a_table():
    answers = pd.DataFrame({"nps": [10, 9, 3, 8, 6, 10, None], "identity": ["学生", "学生", "学生", "教师", "教师",
                                                                           "教师", "教师"]})
    table = nps(answers, by="identity")
    assert table.index.tolist() == ["学生", "教师"] and table.index.name == "identity"
    assert table.loc["学生", "nps"] == pytest.approx(100 * (2 - 1) / 3)
    assert table.loc["教师", "nps"] == pytest.approx(0.0)
    assert table["respondents"].tolist() == [3, 3]
    assert nps(answers.rename(columns={"nps": "推荐"}), column="推荐").loc["全部", "respondents"] == 6


def test_nps_bad_input():
    raises(lambda: nps(pd.Series([10, 11, -1, 7.5])), "不在 0～10 的整数范围内", "行 1（11.0）", "行 2（-1.0）",
           "行 3（7.5）")
    raises(lambda: nps(pd.Series(["9", "十"])), "行 1（'十'）")
    raises(lambda: nps(pd.Series([], dtype=float)), "是空的")
    raises(lambda: nps(pd.DataFrame({"score": [1]})), "缺少这些列：nps")
    raises(lambda: nps(pd.Series([9]), by="x"), "不能写 by=")
    raises(lambda: nps([9, 10]), "应该是 pandas 的 Series 或 DataFrame")
    raises(lambda: nps(pd.DataFrame({"nps": [9, 8], "g": ["a", None]}), by="g"), "分组列 g 有空值", "行 1")


# ---------------------------------------------------------------------------------------------- IPA


def test_ipa_quadrants_on_a_hand_built_table():
    importance = pd.Series({"质量": 5.0, "价格": 4.5, "环境": 2.0, "停车": 1.5, "服务": 3.0})  # mean 3.2
    performance = pd.Series({"质量": 4.5, "价格": 2.0, "环境": 4.8, "停车": 1.0, "服务": 3.26})  # mean 3.112
    table = ipa(importance, performance)
    assert table["quadrant"].to_dict() == {"质量": "继续保持", "价格": "重点改进", "环境": "过度投入",
                                           "停车": "低优先级", "服务": "过度投入"}
    assert table.loc["价格", "advice"] == IPA_ADVICE["重点改进"]
    assert table.attrs["report"]["分界值"] == pytest.approx({"importance": 3.2, "performance": 3.112})
    by_median = ipa(importance, performance, split="median")  # medians 3.0 and 3.26: 服务 sits on both lines
    assert by_median.loc["服务", "quadrant"] == "低优先级"
    assert by_median.loc["价格", "quadrant"] == "重点改进"


def test_ipa_bad_input():
    a = pd.Series({"质量": 1.0, "价格": 2.0})
    raises(lambda: ipa(a, pd.Series({"质量": 1.0, "环境": 2.0})), "行索引（指标名称）不一致", "价格、环境")
    raises(lambda: ipa(a, a.iloc[::-1]), "顺序不同")
    raises(lambda: ipa(a, a.replace(2.0, np.nan)), "performance 有空值或不是数字", "行 '价格'")
    raises(lambda: ipa(a.to_dict(), a), "importance 应该是 pandas 的 Series")
    raises(lambda: ipa(a.iloc[0:0], a.iloc[0:0]), "importance 是空的")
    raises(lambda: ipa(a, a, split="mode"), "split 只能是")


# ---------------------------------------------------------------------------------------- outlines


def test_research_plan_covers_every_branch_of_the_tree():
    tree = indicator_tree_default()
    plan = research_outline(tree)
    for first, part in tree.groupby("一级指标"):
        assert f"- {first}：{'、'.join(dict.fromkeys(part['二级指标']))}" in plan
    assert "问卷星" in plan and "客户基础信息" in plan and "对竞争对手产品的认知" in plan


def test_research_report_has_the_seed_sections_and_fills_in_results():
    tree = small_tree()
    answers = pd.DataFrame({"A1": [5, 4, 3, 4], "A2": [2, 2, 3, 1], "B1": [5, 5, 4, 5]})
    importance = pd.Series({"商品": 0.5, "服务": 0.4, "推荐": 0.1})
    table = ipa(importance, pd.Series({"商品": 80.0, "服务": 20.0, "推荐": 90.0}))  # 服务 is the one to improve
    report = research_outline(tree, kind="report", index=satisfaction_index(answers, tree), ipa_table=table,
                              alpha=0.65)
    for section in ("封面", "小组成员姓名", "专业、班级", "宋体小四", "22 磅", "企业概况", "客户满意度调查情况的介绍",
                    "调研问卷的分析", "存在的问题", "提高客户满意度的策略", "附录：满意度调查问卷"):
        assert section in report
    assert "| 质量 | 58.3 |" in report  # (0.5 * 75 + 0.25 * 25) / 0.75
    assert "- 服务：重要性高但表现差（重点改进）" in report and "- 商品：" not in report
    assert "α = 0.650（< 0.7" in report
    blank = research_outline(tree, kind="report")
    assert "（填写各一级指标的满意度得分。）" in blank
    raises(lambda: research_outline(tree, kind="ppt"), "kind 只能是")
    raises(lambda: research_outline(tree.iloc[0:0]), "指标树是空的")


# -------------------------------------------------------------------------------------------- plots


def saved_without_missing_glyphs(ax, path):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ax.figure.savefig(path)
    plt.close(ax.figure)
    assert not [w for w in caught if "missing from" in str(w.message)]
    assert path.stat().st_size > 10_000


def test_survey_plots_render_chinese(tmp_path):
    tree = indicator_tree_default()
    ax = plots.indicator_tree_chart(tree)
    labels = {t.get_text() for t in ax.texts}
    assert "顾客满意度与忠诚度" in labels
    # weights 2/15, 4/15, 3/15 and 1/15
    assert {"顾客期望（13%）", "感知质量（27%）", "顾客忠诚（20%）", "商品质量（7%）"} <= labels
    saved_without_missing_glyphs(ax, tmp_path / "tree.png")
    ax = plots.indicator_tree_chart(tree, show_items=True)
    assert {"Q1", "Q15"} <= {t.get_text() for t in ax.texts}
    saved_without_missing_glyphs(ax, tmp_path / "tree_items.png")
    table = ipa(pd.Series({"质量": 0.4, "价格": 0.3, "环境": 0.1, "服务": 0.2}),
                pd.Series({"质量": 80.0, "价格": 50.0, "环境": 90.0, "服务": 40.0}))
    ax = plots.ipa_chart(table)
    assert ax.get_ylabel() == "重要性（权重）" and ax.get_legend().get_title().get_text() == "象限"
    saved_without_missing_glyphs(ax, tmp_path / "ipa.png")
