import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []
SLIDE = {"slideshow": {"slide_type": "slide"}}
SUB = {"slideshow": {"slide_type": "subslide"}}


def md(text, meta=None):
    cells.append(new_markdown_cell(text.strip("\n"), metadata=meta or {}))


def code(text, meta=None):
    cells.append(new_code_cell(text.strip("\n"), metadata=meta or {}))


def answer(grade_id, text):
    code(text, {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                             "solution": True, "task": False}})


def test(grade_id, points, text):
    code(text, {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                             "schema_version": 3, "solution": False, "task": False},
                "slideshow": {"slide_type": "skip"}})


def manual(grade_id, points, text):
    md(text, {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": False, "points": points,
                           "schema_version": 3, "solution": True, "task": False},
              "slideshow": {"slide_type": "skip"}})



# =============================================================================================== 标题
md(r"""
# 实训1 校园展销会客户满意度指标体系的建立

**实训任务：** 校园展销会中客户满意度指标体系的建立——为校园展销会画出满意度和忠诚度的指标体系（决策树），
由它生成调查问卷并导入问卷星，再分析问卷星收回的答卷：问卷可不可靠、哪些指标更重要、满意度得多少分、
顾客愿不愿意推荐、哪里最该改进，最后写出调研计划书和调研报告。

**学习目标（实训目的）**

能力目标：立足分析客户信息所得到的客户需求与利益结果，能够设计评价客户满意度的指标体系。

知识目标：1、客户满意度的影响因素　2、客户满意度的指标及进行测评的指标体系　3、客户满意度的测评方法与流程

**重点：** 满意度指标体系（决策树）的建立和由它设计调查问卷；满意度指数和重要性—表现分析（IPA）。
**难点：** 问卷的信度检验（Cronbach's α，含反向题的处理）；由数据确定指标权重；从分析结果找出问题、提出对策。

**小组分工（实训步骤 1）：** 将全体学生分成若干小组，每组 4～5 人，选出一名同学担任组长，负责本组的组织工作。建议分工：
组长（选企业、定计划、汇总报告、上台汇报）、问卷员（指标体系和问卷、在问卷星发布和回收）、数据员（运行和检查代码、
导出数据）、分析员 1～2 人（信度、权重、满意度指数、NPS、IPA，找问题和写对策）。

**实训步骤（对照实训指导书）：**
① 分组、选组长；② 画出满意度和忠诚度调研相关指标的决策树（第 1 节）；③ 根据决策树的每一个分支撰写调研计划书、
设计调研问卷（第 2、9 节）；④ 分组交调研计划书和调研问卷；⑤ 运用问卷星邀请校园展销会的顾客进行问卷调研（第 2、10 节）；
⑥ 分析答卷（第 3～8 节），分组交调研报告书（第 9 节）。

**要交的东西（实训结果）：** 1、调研计划书　2、调查问卷　3、调查和调研报告。本笔记本把它们的初稿写进笔记本旁边的文件夹
`p1_output/`（调研计划书、问卷星导入文字、Word 问卷、调研报告提纲、问题与对策表、两张图），小组在此基础上修改；
另交本笔记本（含练习和两项书面任务）。课程实训报告要求：约 3000 字，封面有报告名称、小组成员姓名、专业、班级，
正文宋体小四、行间距 22 磅，内容包括企业概况、满意度调查情况的介绍及问卷分析、存在的问题和提高满意度的策略，并附问卷。

本笔记本：① 指标体系 → ② 调查问卷与问卷星 → ③ 信度 → ④ 指标权重 → ⑤ 满意度指数 → ⑥ 净推荐值 → ⑦ IPA
→ ⑧ 问题与对策 → ⑨ 实训结果文件 → ⑩ 小组实训安排 → 用你们自己的问卷星数据 → 本章小结。
""")

md(r"""
先导入工具包，读入两张表：`survey_items`（问卷的每道题，属于哪一部分、哪个指标）和 `survey_responses`（问卷星收回的答卷，
每份一行）。结果文件都放进文件夹 `p1_output/`；文件已经存在时不覆盖，免得冲掉小组改过的稿子。
""")

code(r"""
from pathlib import Path

import pandas as pd

import crm_lab
from crm_lab import plots, survey
from crm_lab.wenjuanxing import parse_wenjuanxing_text

plots.use_chinese_font()
items = crm_lab.load_dataset("survey_items")
responses = crm_lab.load_dataset("survey_responses")
OUT = Path("p1_output")
OUT.mkdir(exist_ok=True)


def save_text(name, text):
    # 存进 p1_output/；已经有这个文件时不覆盖（小组可能改过它），要重新生成就先删掉它
    path = OUT / name
    if path.exists():
        print(f"{path} 已经存在，没有覆盖（要重新生成，先删掉它）")
    else:
        path.write_text(text, encoding="utf-8")
        print(f"已保存 {path}")
    return path


print(f"问卷 {len(items)} 道题，收回答卷 {len(responses)} 份，"
      f"提交时间 {responses['submitted_at'].min():%Y-%m-%d} 到 {responses['submitted_at'].max():%Y-%m-%d}")
print(items["part"].value_counts())
""")

# =============================================================================================== 1 指标体系
md(r"""
## 1. 满意度与忠诚度指标体系（决策树）

**重点。** 满意度不能只问一句“您满意吗”：要先想清楚**满意度受哪些因素影响、又会带来什么结果**，把它们一层层分解成能问的题目。
常用的框架是美国顾客满意度指数（American Customer Satisfaction Index, ACSI；Fornell, Johnson, Anderson, Cha & Bryant 1996,
*Journal of Marketing* 60(4)）：

**顾客期望、感知质量 → 感知价值 → 顾客满意度 → 顾客抱怨、顾客忠诚**

前三个是满意度的**影响因素**（来之前期望多高、实际感到质量怎样、觉得值不值），后两个是满意度的**结果**（会不会抱怨、
会不会再来和推荐）。把这六个**一级指标**再分成**二级指标**（例如感知质量 → 商品、服务、环境），每个二级指标落实成一两道
**题目**（三级指标），就得到实训指导书要的“满意度和忠诚度调研相关指标的决策树”。

`survey.indicator_tree_default()` 是为校园展销会写好的一棵示范树，画出来看看（括号里是权重，现在是等权）：
""")

code(r"""
default_tree = survey.indicator_tree_default()
print(default_tree.attrs["report"])
ax = plots.indicator_tree_chart(default_tree, show_items=True)
""")

md(r"""
**例子：** 指标树也可以自己写：嵌套字典 `{一级指标: {二级指标: [题目, ...]}}`，交给 `survey.indicator_tree`。它检查有没有空白，
给题目编号（Q1、Q2……），没写权重时各题等权。比如一个奶茶摊位只关心两个一级指标：
""")

code(r"""
tea = survey.indicator_tree({
    "感知质量": {"口味": ["奶茶的口味好"], "出杯速度": ["不用等很久就能拿到奶茶"]},
    "顾客忠诚": {"重复购买": ["下次我还会来买"]},
})
tea
""")

md(r"""
我们的答卷用的是 `survey_items` 里的题目：它的 `indicator`（一级指标）、`sub_indicator`（二级指标）、`question`（题目）三列
正好是一棵树，`item` 列是题目在答卷表里的列名。但表里还有别的题：客户基础信息、竞争对手的题（没有指标），
IPA 用的“重要性”“表现”两组题（第 7 节；它们不在指标树里，小组自己的问卷要做 IPA 时，在问卷星里第二部分的后面
添上这两组题），以及 0～10 分的推荐题 `nps`（第 6 节）。
""")

code(r"""
ACSI = ["顾客期望", "感知质量", "感知价值", "顾客满意度", "顾客抱怨", "顾客忠诚"]
print(items["indicator"].value_counts(dropna=False))
items[items["indicator"] == "顾客忠诚"][["item", "indicator", "sub_indicator", "question", "scale"]]
""")

md(r"""
### 练习 1：答卷的指标树（2 分）

从 `items` 里选出一级指标是 `ACSI` 六个之一、并且是 1～5 分量表题的题目（推荐题 `nps` 是 0～10 分，不要），
用 `survey.indicator_tree` 做成指标树 `survey_tree`：一级、二级指标和题目分别用 `indicator`、`sub_indicator`、`question` 列，
`item` 用表里的 `item` 列（这样才能和答卷表的列对上）。
""")

answer("p1_ex1_tree", r"""
### BEGIN SOLUTION
rows = items[items["indicator"].isin(ACSI) & (items["item"] != "nps")]
survey_tree = survey.indicator_tree(rows, level1="indicator", level2="sub_indicator", question="question", item="item")
### END SOLUTION
print(survey_tree.attrs["report"])
""")

test("p1_ex1_tree_test", 2, r"""
assert "survey_tree" in globals(), "请先定义 survey_tree"
assert list(survey_tree.columns) == survey.TREE_COLUMNS, "请用 survey.indicator_tree(...) 生成指标树，不要自己拼表"
assert "nps" not in set(survey_tree["item"]), "nps 是 0～10 分的推荐题，不是 1～5 分的量表题：不要放进指标树（第 6 节单独算 NPS）"
assert set(survey_tree["一级指标"]) == set(ACSI), "一级指标应正好是 ACSI 的六个：去掉“重要性”“表现”两组 IPA 题和没有指标的题"
assert set(survey_tree["item"]) <= set(responses.columns), "item 要用表里的 item 列（item=\"item\"），不要用默认的 Q1、Q2……"
### BEGIN HIDDEN TESTS
_rows = items[items["indicator"].isin(ACSI) & items["scale"].str.contains("非常同意", regex=False)]
assert survey_tree["item"].tolist() == _rows["item"].tolist()
assert survey_tree["二级指标"].tolist() == _rows["sub_indicator"].tolist()
assert survey_tree["题目"].tolist() == _rows["question"].tolist()
assert abs(survey_tree["权重"] - 1 / len(_rows)).max() < 1e-12
### END HIDDEN TESTS
""")

md(r"""
这就是我们调研的决策树。它存成 `p1_output/指标体系图.png`，可以直接放进调研计划书和报告：
""")

code(r"""
ax = plots.indicator_tree_chart(survey_tree, show_items=True, title="校园展销会满意度与忠诚度指标体系")
ax.figure.savefig(OUT / "指标体系图.png", dpi=120, bbox_inches="tight")
print(f"一级指标 {survey_tree['一级指标'].nunique()} 个，二级指标 {survey_tree.attrs['report']['二级指标数']} 个，"
      f"题目 {len(survey_tree)} 道")
""")

md(r"""
### 任务 1：你们组的指标体系（人工评分，5 分）

实训要你们**自己找一家企业**（它的一部分或全部客户是大学生，例如校园展销会上的一个摊位、学校附近的奶茶店、快递站），
为它画出满意度和忠诚度的指标树。在下面的代码单元格里改写 `my_tree`（一级指标至少包括 ACSI 的六个，每个一级指标至少
2 个二级指标，每个二级指标至少 1 道题），运行它画出你们的树；然后在再下面的单元格里写：企业是谁、主要客户是谁；
和示范树比，你们增、删、改了哪些指标，为什么（依据客户的需求和利益）；哪道题是反向题（同意反而表示不满意）。
""")

code(r"""
# 把下面的示范改成你们组企业的指标树
my_tree = survey.indicator_tree({
    "顾客期望": {"总体期望": ["来之前，我对这家店期望很高"], "商品期望": ["我期望在这里买到质量可靠的商品"]},
    "感知质量": {"商品": ["商品质量可靠"], "服务": ["店员热情、耐心"], "环境": ["店里整洁、购物方便"]},
    "感知价值": {"价格": ["价格合理"], "优惠": ["优惠活动让我觉得划算"]},
    "顾客满意度": {"总体满意": ["总的来说，我对这家店很满意"], "与期望比较": ["这家店达到了我来之前的期望"]},
    "顾客抱怨": {"不满经历": ["我在这里遇到过让我不满意的事情"], "问题处理": ["遇到问题时店里能及时处理"]},
    "顾客忠诚": {"重复购买": ["下次我还会来买"], "推荐意愿": ["我愿意向同学推荐这家店"]},
})
ax = plots.indicator_tree_chart(my_tree, show_items=True, title="我们组的指标体系")
""")

manual("p1_indicator_system", 5, r"""
### BEGIN SOLUTION
**参考答案（评分要点）：** 企业：学校东门的“一点点”奶茶店，客户九成是本校学生。指标树六个一级指标齐全（顾客期望、感知质量、
感知价值、顾客满意度、顾客抱怨、顾客忠诚），每个下面 2～3 个二级指标：感知质量分为口味、出杯速度、店员服务、卫生；
感知价值分为价格、第二杯半价等优惠；顾客抱怨分为不满经历、问题处理；顾客忠诚分为重复购买、推荐意愿、价格容忍。
与示范树相比：删去“现场环境”（外带为主，环境不重要），增加“出杯速度”和“外卖配送”（下课时间短、很多人点外卖）——
这些来自对学生需求的分析（时间紧、预算有限、爱拼单）。反向题：“我在这里遇到过让我不满意的事情”，同意表示不满意，分析前要反向计分。

评分：企业和客户群说清楚 1 分；六个一级指标齐全、二级指标和题目合理（每个至少 2 个二级指标）2 分；增删改有理由且依据客户需求 1 分；
指出反向题并说明怎样处理 1 分。
### END SOLUTION
""")

# =============================================================================================== 2 问卷
md(r"""
## 2. 由指标树设计调查问卷，导入问卷星

**重点。** 课程实训要求问卷**至少包括三部分**：客户基础信息、客户对企业产品的认知及满意度、客户对竞争对手产品的认知。
`survey.questionnaire(tree, basic=..., competitor=...)` 按这三部分出题：第二部分由指标树的每道题生成一道 5 级量表题
（非常不同意 …… 非常同意），最后加一道 0～10 分的推荐题（NPS）；第一、三部分的题目用 `basic=`、`competitor=` 给出。

我们的第一、三部分就用 `survey_items` 里的题：把 `scale` 列（例如“单选：学生 / 教职工 / 校外个人”）拆成题型和选项。
最后那道开放题“您对校园展销会还有什么意见和建议？”放在问卷末尾。
小组为自己的企业出问卷时，把下面的 `survey_tree` 换成任务 1 的 `my_tree`，`basic`、`competitor` 换成你们自己的题目。
""")

code(r"""
def question_of(row):
    # survey_items 的一行 → questionnaire 要的题目字典
    if row["scale"].startswith("填空"):
        return {"item": row["item"], "type": "填空题", "question": row["question"], "options": []}
    options = [option.strip() for option in row["scale"].split("：", 1)[1].split("/")]
    return {"item": row["item"], "type": "单选题", "question": row["question"], "options": options}


basic = [question_of(row) for _, row in items[items["part"] == "客户基础信息"].iterrows()]
competitor = [question_of(row) for _, row in items[(items["part"] == "对竞争对手的认知") | (items["item"] == "comment")].iterrows()]
q = survey.questionnaire(survey_tree, basic=basic, competitor=competitor)
print(q.groupby("part", sort=False).size())
q[["number", "part", "type", "question", "item", "一级指标"]].head(8)
""")

md(r"""
**导入问卷星：** `survey.to_wenjuanxing_text` 把问卷写成问卷星“文本导入”用的纯文字：第一行是标题，部分标题后面加
`[段落说明]`，每道题一行“题号. 题目[题型]”，选项每个一行，题目之间空一行。在问卷星“创建问卷 → 导入文本”里粘贴这段文字即可生成问卷；
导入后务必在预览里逐题检查一遍（题型、选项、必答）。文字存成 `p1_output/调查问卷_问卷星导入.txt`。
""")

code(r"""
wjx_text = survey.to_wenjuanxing_text(q)
print("\n".join(wjx_text.splitlines()[:18]))
save_text("调查问卷_问卷星导入.txt", wjx_text)
""")

md(r"""
**往返检查（round trip）：** 复制粘贴、手工修改都可能弄坏格式（漏了题型、两题之间没空行、选项写到了下一题）。
导入问卷星之前，先用 `parse_wenjuanxing_text` 把这段文字**读回**成题目表，再和原来的问卷逐列比较：完全一样，才说明文字没有丢题、
没有串题。
""")

code(r"""
parsed = parse_wenjuanxing_text(wjx_text)
columns = ["number", "part", "type", "question", "options"]
print(f"读回的标题：{parsed.attrs['title']}；部分：{parsed.attrs['parts']}")
print(f"读回 {len(parsed)} 道题，原问卷 {len(q)} 道题")
print("逐列是否一致：", (parsed[columns] == q[columns]).all().to_dict())
print("整张表完全一致：", parsed.equals(q[columns]))
""")

md(r"""
如果有人把第一题的 `[单选题]` 删掉了，读回时就会报出是第几行、哪里不对、怎么改：
""")

code(r"""
broken = wjx_text.replace("[单选题]", "", 1)
try:
    parse_wenjuanxing_text(broken)
except crm_lab.CRMDataError as problem:
    print("格式有问题：", problem)
""")

md(r"""
纸质问卷（或附在报告后面的问卷）用 `survey.save_questionnaire` 存成 Word 能打开的 `.docx`：选项前画“□”，填空题留横线。
""")

code(r"""
docx = OUT / "调查问卷.docx"
if docx.exists():
    print(f"{docx} 已经存在，没有覆盖（要重新生成，先删掉它）")
else:
    print("已保存", survey.save_questionnaire(q, docx))
""")

# =============================================================================================== 3 信度
md(r"""
## 3. 问卷可靠吗：信度（Cronbach's α）

**难点。** 测同一个指标的几道题，同一个人的回答应该大体一致：真心满意的人，三道满意度题都会打高分。这种**内部一致性信度**
用 Cronbach's α 衡量（Cronbach 1951, *Psychometrika* 16(3)）：

$$\alpha = \frac{k}{k-1}\left(1 - \frac{\sum_{i=1}^{k} s_i^2}{s_T^2}\right)$$

k 是题目数，$s_i^2$ 是第 i 题得分的方差，$s_T^2$ 是**每人总分**的方差（都用 n − 1 作分母；两个方差同用 n 也一样，比值不变）。
题目之间越一致，总分的方差就比各题方差之和大得越多，α 越接近 1。一般认为 α ≥ 0.7 可以接受，≥ 0.8 较好（Nunnally 1978）。

**例子：** 手算“感知价值”三道题的 α。有人漏答了某一题，先删掉这三题有缺答的答卷：
""")

code(r"""
value_items = responses[["value_1", "value_2", "value_3"]].dropna()
k = value_items.shape[1]
item_variances = value_items.var()
total_variance = value_items.sum(axis=1).var()
alpha_value = k / (k - 1) * (1 - item_variances.sum() / total_variance)
print(f"完整答卷 {len(value_items)} 份；各题方差 {item_variances.round(3).to_dict()}")
print(f"各题方差之和 {item_variances.sum():.3f}，总分方差 {total_variance:.3f}")
print(f"手算 α = {k}/{k - 1} × (1 − {item_variances.sum():.3f}/{total_variance:.3f}) = {alpha_value:.4f}")
print(f"survey.cronbach_alpha：{survey.cronbach_alpha(value_items):.4f}")
""")

md(r"""
### 练习 2：手算顾客忠诚的 α（2 分）

不用 `cronbach_alpha`，按上面的公式手算“顾客忠诚”三道题 `loyalty_1`、`loyalty_2`、`loyalty_3` 的 α，存进 `alpha_loyalty`。
先删掉这三题有缺答的答卷。
""")

answer("p1_ex2_alpha", r"""
### BEGIN SOLUTION
loyal = responses[["loyalty_1", "loyalty_2", "loyalty_3"]].dropna()
alpha_loyalty = 3 / 2 * (1 - loyal.var().sum() / loyal.sum(axis=1).var())
### END SOLUTION
print(f"顾客忠诚的 α = {alpha_loyalty:.4f}")
""")

test("p1_ex2_alpha_test", 2, r"""
assert "alpha_loyalty" in globals(), "请先定义 alpha_loyalty"
assert alpha_loyalty == alpha_loyalty, "α 是空值（NaN）：先用 .dropna() 删掉有缺答的答卷再算方差"
assert 0 < alpha_loyalty < 1, "α 应在 0～1 之间：分母是“每人总分”的方差 (三列相加后 .var())，不是各题方差之和"
### BEGIN HIDDEN TESTS
_cols = ["loyalty_1", "loyalty_2", "loyalty_3"]
assert abs(alpha_loyalty - survey.cronbach_alpha(responses[_cols].dropna())) < 1e-9, "和 cronbach_alpha 的结果不一致：k/(k−1) × (1 − Σ各题方差 / 总分方差)"
### END HIDDEN TESTS
""")

md(r"""
再看整个量表（指标树的全部题目）。`alpha_if_deleted` 逐题算“删掉这一题后其余题的 α”和“校正的题总相关”（这一题和其余各题总分的相关系数）：
删掉后 α 反而上升、题总相关是负数的题，和其他题“唱反调”。
""")

code(r"""
scale_items = survey_tree["item"].tolist()
alpha_all = survey.cronbach_alpha(responses[scale_items], missing="drop")
print(f"全部 {len(scale_items)} 题的 α = {alpha_all:.3f}")
deleted = survey.alpha_if_deleted(responses[scale_items], missing="drop")
deleted.sort_values("alpha_change", ascending=False).head(5).round(3)
""")

md(r"""
### 练习 3：删掉哪一题 α 升得最多（1 分）

根据 `deleted` 表，找出删掉后 α **上升最多**的那一题，把它的列名（例如 `"expect_1"`）存进 `item_to_delete`。
""")

answer("p1_ex3_delete", r"""
### BEGIN SOLUTION
item_to_delete = deleted["alpha_change"].idxmax()
### END SOLUTION
print(f"删掉 {item_to_delete}：{survey_tree.set_index('item').loc[item_to_delete, '题目']}")
""")

test("p1_ex3_delete_test", 1, r"""
assert "item_to_delete" in globals(), "请先定义 item_to_delete"
assert item_to_delete in scale_items, "item_to_delete 应是一个题目的列名（deleted 表的行索引），例如 \"expect_1\""
assert deleted.loc[item_to_delete, "alpha_change"] > 0, "要找删掉后 α 上升的题：alpha_change 最大（.idxmax()），不是最小"
### BEGIN HIDDEN TESTS
_d = survey.alpha_if_deleted(responses[survey_tree["item"].tolist()], missing="drop")
assert item_to_delete == _d["alpha_if_deleted"].idxmax()
### END HIDDEN TESTS
""")

md(r"""
**先读题目，再决定删不删。** “在展销会购物时我遇到过让我不满意的事情”“我曾经向工作人员或客服抱怨、投诉过”——同意反而表示
**不满意**，和其他题的方向相反，这叫**反向题**（reverse-worded item）。它们不是坏题，只是要**反向计分**（5 分制：1↔5、2↔4），让所有题都是“分越高越好”。
`reverse=` 参数就做这件事。反向之后再看 α：
""")

code(r"""
REVERSE = ["complaint_1", "complaint_2"]
alpha_reversed = survey.cronbach_alpha(responses[scale_items], missing="drop", reverse=REVERSE)
print(f"不反向 α = {alpha_all:.3f}，反向计分后 α = {alpha_reversed:.3f}")
after = survey.alpha_if_deleted(responses[scale_items], missing="drop", reverse=REVERSE)
print(f"反向后题总相关最低的题：{after['item_total_corr'].idxmin()}（{after['item_total_corr'].min():.3f}），"
      f"删掉任何一题 α 都不会上升：{(after['alpha_change'] <= 0).all()}")
""")

md(r"""
每个一级指标也单独看一下 α（调研报告里要写）：
""")

code(r"""
alpha_by_indicator = pd.Series({
    name: survey.cronbach_alpha(responses[part["item"]].dropna(), reverse=[c for c in REVERSE if c in set(part["item"])])
    for name, part in survey_tree.groupby("一级指标", sort=False)
}, name="α")
alpha_by_indicator.round(3)
""")

# =============================================================================================== 4 权重
md(r"""
## 4. 指标权重：哪些指标更重要

**难点。** 上面各题等权，可是“价格”和“摊位环境”对顾客未必一样重要。两种由数据定权重的办法（`survey.weights_from_data`）：

* **相关系数法**（correlation method）**：** 每题与总体满意度题 `satisfaction_1`（“总的来说，我对校园展销会很满意”）的相关系数 $r_j$，权重
  $w_j = \max(r_j, 0) / \sum \max(r, 0)$。和总体满意度关系越密切的题越重要（“推导的重要性”）。总体满意度题自己的权重记 0。
* **熵权法**（entropy weight method）**：** 受访者之间分歧越大（信息越多）的题权重越大（Hwang & Yoon 1981）。

**例子：** 手算“结账很快，不用排长队”（`quality_4`）的相关系数法权重。`weights_from_data` 用的是所有题都答了的答卷，
反向题先反向计分：
""")

code(r"""
complete = responses[scale_items].dropna().copy()
complete[REVERSE] = 6 - complete[REVERSE]
r = complete[scale_items].corrwith(complete["satisfaction_1"]).clip(lower=0)
r["satisfaction_1"] = 0.0
print(f"完整答卷 {len(complete)} 份；quality_4 与总体满意度的相关系数 {r['quality_4']:.3f}，"
      f"全部相关系数之和 {r.sum():.3f}，权重 {r['quality_4'] / r.sum():.4f}")
weighted_tree = survey.weights_from_data(responses, survey_tree, overall="satisfaction_1", missing="drop", reverse=REVERSE)
print(f"weights_from_data：{weighted_tree.set_index('item').loc['quality_4', '权重']:.4f}")
print(weighted_tree.attrs["report"]["权重来源"], "；删掉有缺答的答卷", weighted_tree.attrs["report"]["排除的缺答行"], "份")
""")

md(r"""
把两种方法的权重按一级指标加起来，和等权比较：
""")

code(r"""
entropy_tree = survey.weights_from_data(responses, survey_tree, method="entropy", missing="drop", reverse=REVERSE)
weight_compare = pd.DataFrame({
    "等权": survey_tree.groupby("一级指标", sort=False)["权重"].sum(),
    "相关系数法": weighted_tree.groupby("一级指标", sort=False)["权重"].sum(),
    "熵权法": entropy_tree.groupby("一级指标", sort=False)["权重"].sum(),
})
weight_compare.round(3)
""")

md(r"""
把相关系数法的权重画回指标树上，调研报告里可以用这张图说明“哪些指标更重要”：
""")

code(r"""
ax = plots.indicator_tree_chart(weighted_tree, title="指标体系（相关系数法权重）")
""")

md(r"""
下面的满意度指数用**相关系数法**的权重：它回答的是“哪些方面和顾客总体满不满意关系最大”，对找改进方向最有用。
""")

# =============================================================================================== 5 指数
md(r"""
## 5. 满意度指数（0～100 分）

**重点。** ACSI 把满意度报告成 0～100 分（Fornell et al. 1996）。5 分制的一道题换算成百分制：

$$\text{得分} = \frac{\text{平均分} - 1}{5 - 1} \times 100$$

全部“非常不同意”是 0 分，全部“非常同意”是 100 分。一个指标的得分 = 它下面各题得分按权重的加权平均（权重在指标内部重新换算成和为 1）；
总体得分 = 所有题得分 × 权重之和。`survey.satisfaction_index` 一次算出题目、二级指标、一级指标和总体的得分；
`missing="available"` 表示每题用答了这一题的人计算。

**例子：** 手算“结账很快，不用排长队”这一题的得分：
""")

code(r"""
index = survey.satisfaction_index(responses, weighted_tree, missing="available", reverse=REVERSE)
mean_q4 = responses["quality_4"].mean()
print(f"quality_4 平均分 {mean_q4:.3f}（{responses['quality_4'].notna().sum()} 人作答），"
      f"得分 ({mean_q4:.3f} − 1) / 4 × 100 = {(mean_q4 - 1) / 4 * 100:.2f}")
print(f"satisfaction_index：{index.loc[index['indicator'] == 'quality_4', 'score'].iloc[0]:.2f}")
index[index["level"].isin(["一级指标", "总体"])].round(2)
""")

md(r"""
### 练习 4：手算“感知价值”的得分（2 分）

用 `weighted_tree` 的权重，手算一级指标“感知价值”的满意度得分（0～100），存进 `value_score`：
先算它下面每道题的得分（平均分时空白不算，pandas 的 `.mean()` 默认就跳过空值），再按这几题的权重加权平均
（除以这几题的权重之和）。
""")

answer("p1_ex4_index", r"""
### BEGIN SOLUTION
part = weighted_tree[weighted_tree["一级指标"] == "感知价值"].set_index("item")
item_scores = (responses[part.index].mean() - 1) / 4 * 100
value_score = (item_scores * part["权重"]).sum() / part["权重"].sum()
### END SOLUTION
print(f"感知价值得分：{value_score:.2f}")
""")

test("p1_ex4_index_test", 2, r"""
assert "value_score" in globals(), "请先定义 value_score"
assert 0 <= value_score <= 100, "得分在 0～100 之间：(平均分 − 1) ÷ 4 × 100"
_w = weighted_tree.loc[weighted_tree["一级指标"] == "感知价值", "权重"].sum()
assert value_score > 100 * _w, "得分太小：是不是没有除以“感知价值”几道题的权重之和（指标内部的权重要换算成和为 1），或者忘了 × 100？"
### BEGIN HIDDEN TESTS
_t = survey.weights_from_data(responses, survey_tree, overall="satisfaction_1", missing="drop", reverse=REVERSE)
_i = survey.satisfaction_index(responses, _t, missing="available", reverse=REVERSE)
_ref = _i.loc[(_i["level"] == "一级指标") & (_i["indicator"] == "感知价值"), "score"].iloc[0]
assert abs(value_score - _ref) < 1e-9, "和 satisfaction_index 不一致：每题得分按 weighted_tree 的权重加权平均"
### END HIDDEN TESTS
""")

md(r"""
六个一级指标的得分画成条形图，一眼看出哪里最弱：
""")

code(r"""
first_level = index[index["level"] == "一级指标"].set_index("indicator")["score"]
overall_score = index.loc[index["level"] == "总体", "score"].iloc[0]
equal_weights = survey.satisfaction_index(responses, survey_tree, missing="available", reverse=REVERSE)
ax = first_level.sort_values().plot.barh(color="#42a5f5", figsize=(7, 3.5), label="一级指标得分")
ax.axvline(overall_score, color="#e53935", linestyle="--", label="总体得分")
ax.set_xlabel("满意度得分（0～100）")
ax.set_ylabel("一级指标")
ax.set_title("各一级指标的满意度得分")
ax.legend(loc="lower right")
print(f"总体满意度指数 {overall_score:.1f} 分（等权时 {equal_weights['score'].iloc[-1]:.1f} 分）；"
      f"最低的一级指标：{first_level.idxmin()}（{first_level.min():.1f} 分）")
""")

md(r"""
一级指标只是平均数：再往下看得分最低的五个二级指标，问题具体在哪里就更清楚了：
""")

code(r"""
second_level = index[index["level"] == "二级指标"].sort_values("score")
second_level[["parent", "indicator", "weight", "score"]].head(5).round(3)
""")

# =============================================================================================== 6 NPS
md(r"""
## 6. 顾客愿意推荐吗：净推荐值（NPS）

忠诚看两面：行为（会不会再来买）和态度（愿不愿意推荐）。净推荐值（Net Promoter Score, NPS；Reichheld 2003,
*Harvard Business Review* 81(12)）只问一题：“您有多大可能把校园展销会推荐给同学或朋友？”（0～10 分）

* 9～10 分：**推荐者**（promoters）；7～8 分：**被动者**（passives）；0～6 分：**贬损者**（detractors）
* NPS = 推荐者占比 − 贬损者占比，单位是百分点，−100 到 100；没有作答的人不计入。

**例子：** 前 12 份答卷手算，再和 `survey.nps` 对照：
""")

code(r"""
first12 = responses["nps"].head(12)
print(first12.tolist())
answered = first12.dropna()
promoters, detractors = (answered >= 9).sum(), (answered <= 6).sum()
print(f"作答 {len(answered)} 人，推荐者 {promoters} 人，贬损者 {detractors} 人，"
      f"NPS = ({promoters} − {detractors}) / {len(answered)} × 100 = {(promoters - detractors) / len(answered) * 100:.1f}")
survey.nps(first12)
""")

md(r"""
### 练习 5：学生顾客的 NPS（2 分）

只看身份 `identity` 是“学生”的答卷，按定义手算他们的 NPS（百分点），存进 `nps_students`。没答推荐题的人不计入。
""")

answer("p1_ex5_nps", r"""
### BEGIN SOLUTION
scores = responses.loc[responses["identity"] == "学生", "nps"].dropna()
nps_students = ((scores >= 9).mean() - (scores <= 6).mean()) * 100
### END SOLUTION
print(f"学生顾客的 NPS：{nps_students:.1f}")
""")

test("p1_ex5_nps_test", 2, r"""
assert "nps_students" in globals(), "请先定义 nps_students"
assert -100 <= nps_students <= 100, "NPS 是百分点，在 −100 到 100 之间：(推荐者占比 − 贬损者占比) × 100"
assert abs(nps_students) > 1 or nps_students == 0, "NPS 要 × 100 换成百分点"
_s = responses.loc[responses["identity"] == "学生", "nps"].dropna()
assert abs(nps_students - ((_s >= 7).mean() - (_s <= 6).mean()) * 100) > 1e-6, "7～8 分是被动者，既不是推荐者也不是贬损者：推荐者只算 9～10 分"
### BEGIN HIDDEN TESTS
_ref = survey.nps(responses, by="identity").loc["学生", "nps"]
assert abs(nps_students - _ref) < 1e-9, "和 survey.nps 不一致：只看学生，没答推荐题（空白）的人不计入"
### END HIDDEN TESTS
""")

md(r"""
按身份和来店频率分组比较（`by=`），看哪类顾客最愿意推荐、哪类最不愿意：
""")

code(r"""
by_identity = survey.nps(responses, by="identity")
by_visits = survey.nps(responses, by="visit_frequency")
print(f"全部答卷的 NPS：{survey.nps(responses)['nps'].iloc[0]:.1f}（排除缺答 {survey.nps(responses).attrs['report']['排除的缺答行']} 份）")
pd.concat([by_identity, by_visits])[["respondents", "promoter_share", "passive_share", "detractor_share", "nps"]].round(3)
""")

# =============================================================================================== 7 IPA
md(r"""
## 7. 重要性—表现分析（IPA）：先改哪里

**重点。** 问卷里有两组题：同一批方面（商品质量、种类、价格、服务态度、结账速度、摊位环境、优惠活动、线上下单和配送），
先问“对您有多重要”（`imp_…`），再问“展销会做得怎么样”（`perf_…`）。以重要性为纵轴、表现为横轴，以平均值为界分成四个象限，这就是重要性—表现分析
（Importance-Performance Analysis, IPA；Martilla & James 1977, *Journal of Marketing* 41(1)）：

| 象限 | 重要性 | 表现 | 建议 |
|---|---|---|---|
| 继续保持 | 高 | 好 | 保持，作为宣传亮点 |
| 重点改进 | 高 | 差 | 优先投入资源改进 |
| 低优先级 | 低 | 差 | 暂不投入 |
| 过度投入 | 低 | 好 | 适当减少投入，把资源转给重点改进 |

先算每个方面的平均重要性和平均表现（两组题的 `sub_indicator` 是同一批方面、顺序相同）：
""")

code(r"""
imp_items = items[items["indicator"] == "重要性"]
perf_items = items[items["indicator"] == "表现"]
print("两组题的方面一一对应：", imp_items["sub_indicator"].tolist() == perf_items["sub_indicator"].tolist())
aspects = imp_items["sub_indicator"].to_numpy()
importance = pd.Series(responses[imp_items["item"]].mean().to_numpy(), index=aspects, name="重要性")
performance = pd.Series(responses[perf_items["item"]].mean().to_numpy(), index=aspects, name="表现")
ipa_table = survey.ipa(importance, performance)
print("分界值：", {k: round(v, 3) for k, v in ipa_table.attrs["report"]["分界值"].items()})
ipa_table.round(3)
""")

md(r"""
画成 IPA 象限图（存成 `p1_output/IPA象限图.png`，放进调研报告）：
""")

code(r"""
ax = plots.ipa_chart(ipa_table, xlabel="表现（平均分，1～5）", ylabel="重要性（平均分，1～5）")
ax.figure.savefig(OUT / "IPA象限图.png", dpi=120, bbox_inches="tight")
focus = ipa_table.index[ipa_table["quadrant"] == "重点改进"].tolist()
print("重点改进：", "、".join(focus))
""")

md(r"""
### 练习 6：换一种分界，结论变不变（1 分）

分界线除了平均值，也常用**中位数**（`split="median"`）。用中位数作分界时，“商品种类”落在哪个象限？把象限名称
（例如 `"继续保持"`）存进 `variety_quadrant`。
""")

answer("p1_ex6_ipa", r"""
### BEGIN SOLUTION
variety_quadrant = survey.ipa(importance, performance, split="median").loc["商品种类", "quadrant"]
### END SOLUTION
print(f"中位数分界时，商品种类在：{variety_quadrant}（平均值分界时在：{ipa_table.loc['商品种类', 'quadrant']}）")
""")

test("p1_ex6_ipa_test", 1, r"""
assert "variety_quadrant" in globals(), "请先定义 variety_quadrant"
assert variety_quadrant in survey.IPA_ADVICE, "象限名称只能是 继续保持、重点改进、低优先级、过度投入 之一"
### BEGIN HIDDEN TESTS
_m = pd.Series(responses[imp_items["item"]].mean().to_numpy(), index=aspects)
_p = pd.Series(responses[perf_items["item"]].mean().to_numpy(), index=aspects)
_high = _m["商品种类"] > _m.median()
_good = _p["商品种类"] > _p.median()
_ref = {(True, True): "继续保持", (True, False): "重点改进", (False, False): "低优先级", (False, True): "过度投入"}[(_high, _good)]
assert variety_quadrant == _ref, "用中位数（split=\"median\"）作分界，不是平均值"
### END HIDDEN TESTS
""")

md(r"""
两种分界比一比：离分界线很近的方面，换一种分界就换了象限。写报告时要说明用的是哪种分界，并把“差距”（重要性 − 表现）一起看。
""")

code(r"""
by_median = survey.ipa(importance, performance, split="median")
pd.DataFrame({"平均值分界": ipa_table["quadrant"], "中位数分界": by_median["quadrant"],
              "差距（重要性 − 表现）": (importance - performance).round(3)})
""")

# =============================================================================================== 8 问题与对策
md(r"""
## 8. 找出问题，提出对策

**难点。** 课程实训要求“对客户满意度问卷调研结果进行分析并找出问题，提出对策性建议”。问题从三处来：IPA 的“重点改进”象限、
差距（重要性 − 表现）大的方面、顾客在开放题里说的话。先数一数开放题里提到每个方面的意见有几条（按关键词；“无”不算）：
""")

code(r"""
KEYWORDS = {
    "商品质量": ["质量", "坏", "临期"], "商品种类": ["不够全", "多进", "多一点", "商品挺全"],
    "价格": ["贵", "便宜", "价格", "折扣", "实惠"], "服务态度": ["态度", "热情", "爱答不理"],
    "结账速度": ["排队", "结账", "付款", "收银"], "摊位环境": ["挤", "环境"],
    "优惠活动": ["优惠", "满减", "领券", "活动"], "线上下单和配送": ["小程序", "线上", "配送", "页面"],
}
comments = responses["comment"].dropna()
comments = comments[comments.str.strip() != "无"]
mentions = pd.Series({aspect: int(comments.str.contains("|".join(words)).sum()) for aspect, words in KEYWORDS.items()})
print(f"写了意见的答卷 {len(comments)} 份")
mentions.sort_values(ascending=False)
""")

md(r"""
再把 IPA 表、差距和意见条数合成一张**问题与对策表**：按象限排优先级（重点改进 → 低优先级 → 过度投入 → 继续保持），
同一象限里差距大的在前；“建议”是象限给出的方向，“具体对策”是老师写的示范，小组要结合自己的调研改写。
表存成 `p1_output/问题与对策.csv`（Excel 能直接打开）。
""")

code(r"""
MEASURES = {
    "结账速度": "下课高峰加开收银台和自助扫码付款点；排队超过 5 分钟发放小额代金券。",
    "价格": "学生证专享折扣；推出平价套餐；主动标出与网店的比价。",
    "优惠活动": "简化满减规则，一张海报讲清怎么领券；降低满减门槛或推出拼单满减。",
    "商品种类": "按开放题和问卷星调查补充考研书、宿舍小电器、收纳用品。",
    "商品质量": "进货抽检，临期商品下架；坏了七天内无理由换货。",
    "服务态度": "上岗前服务培训，设立“金牌摊位”评比。",
    "摊位环境": "保持现状即可，把部分布置费用转给结账和价格。",
    "线上下单和配送": "优化小程序的商品搜索；宿舍区定时集中配送。",
}
ORDER = {"重点改进": 0, "低优先级": 1, "过度投入": 2, "继续保持": 3}
problems = ipa_table.assign(gap=importance - performance, mentions=mentions, priority=ipa_table["quadrant"].map(ORDER))
problems = problems.sort_values(["priority", "gap"], ascending=[True, False])
problems["measure"] = problems.index.map(MEASURES)
problems = problems[["quadrant", "importance", "performance", "gap", "mentions", "advice", "measure"]]
problems_file = OUT / "问题与对策.csv"
if problems_file.exists():
    print(f"{problems_file} 已经存在，没有覆盖（要重新生成，先删掉它）")
else:
    problems.round(3).to_csv(problems_file, encoding="utf-8-sig", index_label="方面")
    print("已保存", problems_file)
problems.round(2)
""")

md(r"""
第三部分问卷是和竞争对手的比较：顾客平时还在哪里买、那里强在哪里。它告诉我们对策要对着谁、比什么：
""")

code(r"""
rivals = pd.crosstab(responses["competitor"], responses["competitor_advantage"], margins=True, margins_name="合计")
print(f"和最常去的地方相比，展销会总体“好一些”或“好很多”的占 {(responses['competitor_compare'].dropna() >= 4).mean():.1%}，"
      f"“差一些”或“差很多”的占 {(responses['competitor_compare'].dropna() <= 2).mean():.1%}")
rivals
""")

md(r"""
### 任务 2：存在的问题与提高满意度的对策（人工评分，6 分）

写调研报告的“存在的问题”和“提高客户满意度的策略”两部分（300～400 字）：列出两到三个最主要的问题，每个问题都用本笔记本
算出的数字说明（满意度得分、IPA 象限和差距、开放题意见条数、竞争对手比较、不同身份顾客的 NPS），再针对每个问题提出
具体、可执行的对策（谁来做、做什么、什么时候、怎样检验效果）。
""")

manual("p1_countermeasures", 6, r"""
### BEGIN SOLUTION
**参考答案（评分要点）：**
1. **结账排队太久。** 结账速度重要性高、表现最差，在“重点改进”象限、差距最大；开放题里抱怨排队、扫码卡的意见最多；
   题目“结账很快，不用排长队”的得分是各题最低之一。对策：下课高峰加开收银台、增设自助扫码付款点，由展销会后勤组负责，
   下次展销会前完成；用平均排队时间和下次问卷的结账得分检验。
2. **价格偏高、性价比感知低。** 价格在“重点改进”象限，感知价值是得分最低的一级指标；网店和拼多多的优势是“价格更低”。
   对策：学生证专享折扣、平价套餐、比价标签；用感知价值得分和学生 NPS 检验。
3. **优惠活动看不懂。** 优惠活动表现不高，开放题里有领券规则复杂、满减门槛高的意见。对策：简化规则、一张海报讲清楚、降低门槛或拼单满减。
另外，摊位环境在“过度投入”象限，可把部分布置经费转给结账和价格。

评分：问题找得准（来自 IPA 重点改进和得分最低的指标）2 分；每个问题有本笔记本的数字支持 2 分；对策具体可执行（谁、做什么、何时）1 分；
说明怎样检验效果（下次问卷的得分、NPS、排队时间等）1 分。
### END SOLUTION
""")

# =============================================================================================== 9 实训结果
md(r"""
## 9. 实训结果：调研计划书、调查问卷、调研报告

实训指导书要交三样东西。`survey.research_outline` 按指导书的要求写出提纲（Markdown 文字），调研计划书“根据决策树的每一个分支”
列出调研内容；调研报告的提纲里已经填进了本笔记本算出的信度、各一级指标得分和“重点改进”的方面。小组把它们复制到 Word 里修改、
补全（记事本、JupyterLab 都能打开 `.md` 文件）。
""")

code(r"""
plan = survey.research_outline(survey_tree, kind="plan", title="校园展销会顾客满意度调研")
save_text("调研计划书.md", plan)
print(plan)
""")

md(r"""
调研报告的提纲把本笔记本的结果带进去：信度、各一级指标的得分和 IPA “重点改进”的方面；其余部分（企业概况、调查情况、
竞争对手比较、对策）由小组填写：
""")

code(r"""
report = survey.research_outline(survey_tree, kind="report", title="校园展销会顾客满意度调研",
                                 index=index, ipa_table=ipa_table, alpha=alpha_reversed)
save_text("调研报告_提纲.md", report)
print("\n".join(report.splitlines()[:30]))
""")

md(r"""
`p1_output/` 里现在有这些文件（各组交的时候把整个文件夹压缩后和笔记本一起交）：
""")

code(r"""
for path in sorted(OUT.iterdir()):
    print(f"{path.name:<20} {path.stat().st_size / 1024:6.1f} KB")
""")

# =============================================================================================== 10 小组
md(r"""
## 10. 小组实训安排

| 步骤 | 做什么 | 主要负责 | 交什么 |
|---|---|---|---|
| ① 分组 | 4～5 人一组，选组长；选定一家客户是大学生的企业，了解企业背景 | 组长 | 小组名单、企业名称 |
| ② 决策树 | 在任务 1 改写 `my_tree`，讨论每个指标为什么要、怎样问 | 问卷员、全组 | 指标体系图 |
| ③ 计划书和问卷 | 用 `my_tree` 重新运行第 2、9 节，修改 `调研计划书.md`、问卷文字；往返检查通过 | 组长、问卷员 | 调研计划书、调查问卷 |
| ④ 发布和回收 | 问卷星“导入文本”，预览检查，在展销会现场扫码邀请顾客填写（目标至少 100 份有效问卷） | 问卷员 | 问卷星链接 |
| ⑤ 分析 | 从问卷星下载答卷，按下一节读入，重跑第 3～8 节 | 数据员、分析员 | 本笔记本 |
| ⑥ 报告 | 改写 `调研报告_提纲.md` 成约 3000 字的调研报告，附问卷；上台汇报 | 全组 | 调研报告、汇报 |

注意：问卷里不收集姓名、手机号等不需要的个人信息；要留联系方式的，写明用途并征得同意（《个人信息保护法》的最少必要原则）。
""")

# =============================================================================================== 自己的数据
md(r"""
## 用你们自己的问卷星数据

问卷星的“下载答卷数据”选 **按选项序号下载**（单选题得到 1、2、3……，量表题得到 1～5 分），存成 Excel 或 CSV，用 `read_table` 读入，
把列名改成指标树的 `item`，就能用同样的函数分析。下面先写一个小的示例文件（模仿问卷星导出的列名）再读回来：
""")

code(r"""
demo_file = OUT / "问卷星答卷_示例.csv"
pd.DataFrame({"序号": [1, 2, 3, 4, 5],
              "5、商品质量可靠": [4, 5, 3, 4, 2], "6、店员热情、耐心": [4, 4, 3, 5, 2],
              "7、下次我还会来买": [5, 4, 2, 4, 1]}).to_csv(demo_file, index=False, encoding="gbk")
mine = crm_lab.read_table(demo_file)
mine = mine.rename(columns={"5、商品质量可靠": "Q1", "6、店员热情、耐心": "Q2", "7、下次我还会来买": "Q3"})
mini_tree = survey.indicator_tree({"感知质量": {"商品": ["商品质量可靠"], "服务": ["店员热情、耐心"]},
                                   "顾客忠诚": {"重复购买": ["下次我还会来买"]}})
print(f"读到 {len(mine)} 份答卷（编码 {mine.attrs['encoding']}），α = {survey.cronbach_alpha(mine[['Q1', 'Q2', 'Q3']]):.3f}")
survey.satisfaction_index(mine, mini_tree).round(1)
""")

# =============================================================================================== 小结
md(r"""
## 本章小结

- **指标体系（决策树）**：按 ACSI 把满意度分解成顾客期望、感知质量、感知价值 → 顾客满意度 → 顾客抱怨、顾客忠诚，
  再分成二级指标和题目；指标要来自对客户需求和利益的分析。
- **调查问卷**：至少三部分（客户基础信息、对企业产品的认知及满意度、对竞争对手产品的认知）；导出问卷星文字后做往返检查，
  读回的题目和原问卷完全一样才导入。
- **信度**：Cronbach's α = k/(k−1) × (1 − Σ各题方差 / 总分方差)，≥ 0.7 可以接受；α 偏低先读题目，反向题要反向计分而不是删掉。
- **权重和满意度指数**：相关系数法、熵权法由数据定权重；得分 = (平均分 − 1)/(5 − 1) × 100，指标得分是题目得分的加权平均。
- **NPS**：9～10 分推荐者、7～8 分被动者、0～6 分贬损者，NPS = 推荐者占比 − 贬损者占比。
- **IPA**：重要性高、表现差的方面“重点改进”；分界用平均值还是中位数要说明。问题和对策要有数字支持、具体可执行。

## 思考题

1. “总体满意度”题 `satisfaction_1` 在相关系数法里权重是 0，这合理吗？如果改用“与忠诚度题 `loyalty_1` 的相关系数”定权重，
   结果可能有什么不同？
2. α 是不是越高越好？如果一个一级指标的几道题几乎是同一句话换个说法，α 会怎样？这样的问卷好不好？
3. 第 7 节的重要性是顾客**自己说的**；第 4 节相关系数法的权重是由数据**推导的**重要性。两者对“摊位环境”的判断一致吗？为什么会不一致？
4. 展销会现场扫码填问卷的人，和没来展销会的同学比，满意度可能偏高还是偏低？怎样让样本更有代表性？
5. 学生、教职工、校外个人的 NPS 不同，说明对策应该怎样分人群来做？
""")

nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                         "name": "python3"}, "language_info": {"name": "python"}})
import pathlib  # noqa: E402

pathlib.Path("solutions/p1_satisfaction_index").mkdir(parents=True, exist_ok=True)
nbformat.write(nb, "solutions/p1_satisfaction_index/p1_satisfaction_index.ipynb")
