"""满意度调研（实训1）：指标体系、调查问卷、信度（Cronbach's α）、指标权重、满意度指数、NPS、IPA 分析。

- ``indicator_tree(data)``：把指标表（一级指标、二级指标、题目、权重）或嵌套字典整理成检查过的指标树；
  ``indicator_tree_default()``：校园展销会的 ACSI 式指标树（顾客期望、感知质量、感知价值、顾客满意度、
  顾客抱怨、顾客忠诚）；画图用 ``crm_lab.plots.indicator_tree_chart``；
- ``questionnaire(tree)``：按实训要求的三部分（客户基础信息、对企业产品的认知及满意度、对竞争对手产品的
  认知）生成问卷；``to_wenjuanxing_text(q)`` 导出为问卷星“文本导入”用的文字；``save_questionnaire(q, path)``
  保存为 Word 能打开的 .docx 或 .html；
- ``cronbach_alpha(items)``、``alpha_if_deleted(items)``：量表的信度；
- ``weights_from_data(answers, tree)``：由数据定权重（与总体满意度的相关系数，或熵权法）；
- ``satisfaction_index(answers, tree)``：0～100 分的满意度指数，总体和每个指标；
- ``research_outline(tree, kind=...)``：调研计划书、调研报告的提纲（Markdown），可以填入分析结果；
- ``nps(scores)``：净推荐值；``ipa(importance, performance)``：重要性—表现分析的四个象限，画图用
  ``crm_lab.plots.ipa_chart``。

统一约定（与 ``crm_lab.value`` 相同）
------------------------------------
* 答卷表“宽”格式：每行一位受访者，每个量表题一列（1～``scale`` 分的整数，默认 5 分制），NPS 一列（0～10）。
* 量表题的值不是整数或超出 1～``scale`` → ``CRMDataError``，指出哪一列、哪几行。
* 缺答（空值）：默认报错（``missing="error"``），列出缺答的行；写 ``missing="drop"`` 时整行删除（listwise），
  删掉的行数记在结果的 ``attrs["report"]``（``cronbach_alpha`` 返回一个数，没有 attrs，所以用
  ``warnings.warn`` 报告删了几行）。
"""

from __future__ import annotations

import math
import numbers
import warnings
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, check_columns
from crm_lab.value import _blank, _check_choice, _rows

__all__ = [
    "AGREEMENT_LABELS",
    "IPA_ADVICE",
    "QUESTIONNAIRE_COLUMNS",
    "QUESTION_TYPES",
    "SECTION_MARK",
    "TREE_COLUMNS",
    "alpha_if_deleted",
    "cronbach_alpha",
    "indicator_tree",
    "indicator_tree_default",
    "ipa",
    "nps",
    "questionnaire",
    "research_outline",
    "satisfaction_index",
    "save_questionnaire",
    "to_wenjuanxing_text",
    "weights_from_data",
]

TREE_COLUMNS = ["item", "一级指标", "二级指标", "题目", "权重"]
AGREEMENT_LABELS = ("非常不同意", "不同意", "一般", "同意", "非常同意")
PARTS = ("第一部分 客户基础信息", "第二部分 对企业产品的认知及满意度", "第三部分 对竞争对手产品的认知")
QUESTION_TYPES = ("单选题", "多选题", "填空题", "量表题")
# 问卷星文本导入格式：部分标题行的结尾标记，以及导出（to_wenjuanxing_text）和读回（wenjuanxing）都用到的问卷列
SECTION_MARK = "[段落说明]"
QUESTIONNAIRE_COLUMNS = ["number", "part", "type", "question", "options"]

# IPA 的四个象限（Martilla & James 1977）：(重要性高, 表现好) -> (象限, 建议)
IPA_ADVICE = {
    "继续保持": "重要且做得好：保持现有水平，作为宣传亮点。",
    "重点改进": "重要但做得差：优先投入资源改进，这是提高满意度最有效的地方。",
    "低优先级": "不太重要、做得也一般：暂不投入，资源充裕时再改进。",
    "过度投入": "不太重要却做得很好：可以适当减少投入，把资源转到“重点改进”的指标上。",
}
_IPA_QUADRANTS = {(True, True): "继续保持", (True, False): "重点改进",
                  (False, False): "低优先级", (False, True): "过度投入"}

# 校园展销会的 ACSI 式指标树：一级指标 -> 二级指标 -> 题目（陈述句，用“非常不同意 …… 非常同意”作答，
# 分数越高越好）。结构参照美国顾客满意度指数 ACSI（Fornell et al. 1996）：顾客期望、感知质量、
# 感知价值 → 顾客满意度 → 顾客抱怨、顾客忠诚。
_DEFAULT_TREE = {
    "顾客期望": {
        "总体期望": ["来之前，我对本次校园展销会抱有很高的期望"],
        "商品期望": ["来之前，我期望能在展销会上买到合适的商品"],
    },
    "感知质量": {
        "商品质量": ["展销会上商品的质量让我放心"],
        "商品种类": ["展销会上商品的种类丰富，能满足我的需要"],
        "服务态度": ["摊位工作人员热情、耐心"],
        "现场环境": ["展销会现场整洁、布置合理、购物方便"],
    },
    "感知价值": {
        "价格合理性": ["与商品质量相比，展销会的价格是合理的"],
        "优惠活动": ["展销会的优惠活动让我觉得很实惠"],
    },
    "顾客满意度": {
        "总体满意": ["总的来说，我对本次校园展销会感到满意"],
        "与期望相比": ["本次展销会达到或超过了我来之前的期望"],
    },
    "顾客抱怨": {
        "问题处理": ["遇到问题（退换货、质量问题）时，摊位能及时妥善处理"],
        "意见渠道": ["我知道在哪里、用什么方式提出意见和投诉"],
    },
    "顾客忠诚": {
        "重复购买": ["下次校园展销会我还会来购买"],
        "推荐意愿": ["我愿意向同学、朋友推荐校园展销会"],
        "价格容忍": ["即使价格略有上涨，我仍会在展销会购买"],
    },
}

_DEFAULT_BASIC = [
    {"item": "gender", "type": "单选题", "question": "您的性别", "options": ["男", "女"]},
    {"item": "identity", "type": "单选题", "question": "您的身份",
     "options": ["大一学生", "大二学生", "大三学生", "教职工", "校外人员"]},
    {"item": "budget", "type": "单选题", "question": "您每月可自由支配的生活费",
     "options": ["1000 元以下", "1000～1500 元", "1500～2000 元", "2000 元以上"]},
    {"item": "channel", "type": "多选题", "question": "您是通过什么渠道知道本次展销会的",
     "options": ["校园海报", "微信群或朋友圈", "同学介绍", "路过现场", "学校公众号", "其他"]},
]
_DEFAULT_COMPETITOR = [
    {"item": "competitor_where", "type": "多选题", "question": "除了校园展销会，您平时还在哪里购买同类商品",
     "options": ["淘宝、京东、拼多多等网店", "学校超市", "校外商店", "其他集市或展销会"]},
    {"item": "competitor_price", "type": "单选题", "question": "与这些地方相比，展销会的价格",
     "options": ["更便宜", "差不多", "更贵", "说不清"]},
    {"item": "competitor_quality", "type": "单选题", "question": "与这些地方相比，展销会的商品质量",
     "options": ["更好", "差不多", "更差", "说不清"]},
    {"item": "competitor_strength", "type": "填空题", "question": "您觉得其他购物渠道最值得展销会学习的一点是什么",
     "options": []},
]
_NPS_QUESTION = {"item": "nps", "type": "量表题",
                 "question": "您有多大可能向同学或朋友推荐校园展销会（0 表示完全不可能，10 表示非常可能）",
                 "options": [str(v) for v in range(11)]}


# ---------------------------------------------------------------------------------------------
# 1. 指标树
# ---------------------------------------------------------------------------------------------


def indicator_tree(data, *, level1: str = "一级指标", level2: str = "二级指标", question: str = "题目",
                   item: str = "item", weight: str = "权重", item_prefix: str = "Q") -> pd.DataFrame:
    """把指标体系整理成一张检查过的“指标树”表：每行一个题目（三级指标），带所属的二级、一级指标和权重。

    参数
    ----
    data : 两种写法之一。

        * DataFrame，每行一个题目，含 ``level1``、``level2``、``question`` 三列（列名可以改），可选
          ``item`` 列（题目在答卷表里的列名，例如 Q1）和 ``weight`` 列（权重）；
        * 嵌套字典 ``{一级指标: {二级指标: [题目, ...]}}``，或 ``{一级指标: {二级指标: {题目: 权重}}}``。

    item_prefix : 没有 ``item`` 列时，题目按顺序编号为 Q1、Q2 ……（前缀可以改）。

    权重是每个题目在总体满意度指数里的权重：不能为负、不能全为 0；不写权重时所有题目等权。
    权重之和不是 1 时按比例换算成和为 1（原来的和记在 ``attrs["report"]["原权重之和"]``）。
    一个指标的权重 = 它下面各题目权重之和。二级指标由（一级指标, 二级指标）一起确定：不同一级指标下的
    同名二级指标（例如“顾客期望—商品”和“感知质量—商品”）是两个不同的指标。

    返回
    ----
    DataFrame，列 ``item``、``一级指标``、``二级指标``、``题目``、``权重``；``attrs["report"]`` 里有
    ``题目数``、``一级指标数``、``二级指标数``、``权重来源``。

    例子
    ----
    >>> tree = indicator_tree({"感知质量": {"商品质量": ["商品质量让我放心"], "服务态度": ["工作人员热情"]},
    ...                        "顾客忠诚": {"推荐意愿": ["我愿意推荐展销会"]}})
    >>> tree[["item", "一级指标", "二级指标"]]
      item  一级指标  二级指标
    0   Q1  感知质量  商品质量
    1   Q2  感知质量  服务态度
    2   Q3  顾客忠诚  推荐意愿
    >>> tree["权重"].round(3).tolist()
    [0.333, 0.333, 0.333]
    """
    if isinstance(data, dict):
        rows = _rows_from_dict(data)
        frame = pd.DataFrame(rows, columns=["一级指标", "二级指标", "题目", "权重"])
        given_weights = frame["权重"].notna().any()
        if given_weights and frame["权重"].isna().any():
            raise CRMDataError(
                "指标树字典里有的二级指标给了权重 {题目: 权重}，有的只给了题目列表 [题目, ...]。"
                "请全部给出权重，或全部不写权重（等权）。"
            )
        level1, level2, question, weight = "一级指标", "二级指标", "题目", "权重"
        if not given_weights:
            frame = frame.drop(columns="权重")
        item_given = False
    elif isinstance(data, pd.DataFrame):
        check_columns(data, [level1, level2, question], table="指标表（data 参数）")
        frame = data
        item_given = item in data.columns
        given_weights = weight in data.columns
    else:
        raise CRMDataError(
            f"data 应该是指标表（DataFrame）或嵌套字典 {{一级指标: {{二级指标: [题目, ...]}}}}，"
            f"收到的是 {type(data).__name__}。"
        )
    if len(frame) == 0:
        raise CRMDataError("指标表是空的：至少要有一个题目。")
    for column, meaning in ((level1, "一级指标"), (level2, "二级指标"), (question, "题目")):
        blank = _blank(frame[column])
        if blank.any():
            raise CRMDataError(f"指标表的列 {column}（{meaning}）有空白：{_rows(blank)}。请补上名称。")
    text = {c: frame[c].astype(object).map(lambda v: str(v).strip()) for c in (level1, level2, question)}

    if item_given:
        blank = _blank(frame[item])
        if blank.any():
            raise CRMDataError(f"指标表的列 {item}（题目在答卷表里的列名）有空白：{_rows(blank)}。")
        items = frame[item].astype(object).map(lambda v: str(v).strip())
        repeated = items.duplicated(keep=False)
        if repeated.any():
            raise CRMDataError(
                f"指标表的列 {item} 有重复的列名：{_rows(repeated, items)}。每个题目要对应答卷表里不同的一列。"
            )
    else:
        items = pd.Series([f"{item_prefix}{i + 1}" for i in range(len(frame))], index=frame.index, dtype=object)

    report = {"题目数": len(frame), "一级指标数": int(text[level1].nunique()),
              "二级指标数": int(pd.MultiIndex.from_arrays([text[level1], text[level2]]).nunique())}
    if given_weights:
        raw = frame[weight]
        missing = raw.isna()
        if missing.any():
            raise CRMDataError(f"指标表的权重列 {weight} 有空值：{_rows(missing)}。请补上，或删掉整列改为等权。")
        numbers_ = pd.to_numeric(raw.astype(object), errors="coerce")
        wrong = numbers_.isna() | (numbers_ < 0) | ~np.isfinite(numbers_.astype(float))
        if wrong.any():
            raise CRMDataError(
                f"指标表的权重列 {weight} 有不是数字或是负数的值：{_rows(wrong, raw)}。权重应当是 ≥ 0 的数。"
            )
        total = float(numbers_.sum())
        if total <= 0:
            raise CRMDataError(f"指标表的权重列 {weight} 全是 0，无法计算。请给重要的题目填上正的权重。")
        weights = numbers_.astype(float) / total
        report["权重来源"] = "指标表给出"
        report["原权重之和"] = total
    else:
        weights = pd.Series(1.0 / len(frame), index=frame.index)
        report["权重来源"] = "等权（没有给出权重）"
    tree = pd.DataFrame({
        "item": items.to_numpy(dtype=object), "一级指标": text[level1].to_numpy(dtype=object),
        "二级指标": text[level2].to_numpy(dtype=object), "题目": text[question].to_numpy(dtype=object),
        "权重": weights.to_numpy(dtype=float),
    })
    tree.attrs["report"] = report
    return tree


def indicator_tree_default() -> pd.DataFrame:
    """校园展销会满意度与忠诚度的默认指标树（ACSI 式，6 个一级指标、15 个二级指标、15 个题目，等权）。

    一级指标参照美国顾客满意度指数 ACSI（Fornell, C. et al. 1996. The American Customer Satisfaction Index:
    Nature, Purpose, and Findings. *Journal of Marketing*, 60(4), 7–18）：顾客期望、感知质量、感知价值
    → 顾客满意度 → 顾客抱怨、顾客忠诚。二级指标和题目是为校园展销会写的例子，各组可以增删改。

    例子
    ----
    >>> tree = indicator_tree_default()
    >>> tree["一级指标"].unique().tolist()
    ['顾客期望', '感知质量', '感知价值', '顾客满意度', '顾客抱怨', '顾客忠诚']
    >>> len(tree), round(float(tree["权重"].sum()), 6)
    (15, 1.0)
    """
    return indicator_tree(_DEFAULT_TREE)


def _rows_from_dict(data: dict) -> list:
    if not data:
        raise CRMDataError("指标树字典是空的：至少要有一个一级指标。")
    rows = []
    for first, seconds in data.items():
        if not isinstance(seconds, dict) or not seconds:
            raise CRMDataError(
                f"一级指标“{first}”下面应该是字典 {{二级指标: [题目, ...]}}，收到 {seconds!r}。"
            )
        for second, questions in seconds.items():
            if isinstance(questions, str):
                questions = [questions]
            if isinstance(questions, dict):
                pairs = list(questions.items())
            elif isinstance(questions, (list, tuple)):
                pairs = [(q, None) for q in questions]
            else:
                raise CRMDataError(
                    f"二级指标“{second}”下面应该是题目列表 [题目, ...] 或字典 {{题目: 权重}}，收到 {questions!r}。"
                )
            if not pairs:
                raise CRMDataError(f"二级指标“{second}”下面没有题目：每个二级指标至少要有一个题目。")
            rows.extend((first, second, q, w) for q, w in pairs)
    return rows


# ---------------------------------------------------------------------------------------------
# 2. 调查问卷
# ---------------------------------------------------------------------------------------------


def questionnaire(tree: pd.DataFrame, *, title: str = "校园展销会顾客满意度调查问卷", basic=None, competitor=None,
                  scale_labels=AGREEMENT_LABELS, include_nps: bool = True) -> pd.DataFrame:
    """由指标树生成调查问卷，分三部分：客户基础信息、对企业产品的认知及满意度、对竞争对手产品的认知。

    第二部分每个题目是一道量表题（选项是 ``scale_labels``，默认 5 级“非常不同意 …… 非常同意”），
    ``include_nps=True`` 时最后加一道 0～10 分的推荐意愿题（NPS，列名 ``nps``）。

    参数
    ----
    tree : ``indicator_tree`` 或 ``indicator_tree_default`` 的结果。
    title : 问卷标题（记在 ``attrs["title"]``，导出时用）。
    basic, competitor : 第一、三部分的题目，每题一个字典 ``{"item": 列名, "type": 题型, "question": 题目,
        "options": [选项, ...]}``；题型是 单选题 / 多选题 / 填空题 / 量表题，填空题的选项为空列表。
        不写时用校园展销会的默认题目（性别、身份、生活费、信息渠道；在哪里买同类商品、价格和质量比较等）。
    scale_labels : 量表题的选项，从最低分到最高分，至少 2 个。

    返回
    ----
    DataFrame，每行一道题，列：``number``（题号）、``part``（第几部分）、``type``（题型）、``question``、
    ``options``（选项的元组）、``item``（答卷表里的列名）、``一级指标``、``二级指标``（只有第二部分有）。

    例子
    ----
    >>> q = questionnaire(indicator_tree_default())
    >>> q.groupby("part", sort=False).size().to_dict()
    {'第一部分 客户基础信息': 4, '第二部分 对企业产品的认知及满意度': 16, '第三部分 对竞争对手产品的认知': 4}
    >>> q.loc[4, ["type", "question", "item", "一级指标"]].tolist()
    ['量表题', '来之前，我对本次校园展销会抱有很高的期望', 'Q1', '顾客期望']
    """
    check_columns(tree, TREE_COLUMNS, table="指标树（tree 参数）")
    if tree.empty:
        raise CRMDataError("指标树是空的，没有可以出题的指标。")
    labels = tuple(str(v) for v in scale_labels)
    if len(labels) < 2:
        raise CRMDataError(f"scale_labels 至少要有 2 个选项，例如 {AGREEMENT_LABELS}，收到 {scale_labels!r}。")
    first = _check_questions(_DEFAULT_BASIC if basic is None else basic, "basic")
    third = _check_questions(_DEFAULT_COMPETITOR if competitor is None else competitor, "competitor")
    second = [{"item": r.item, "type": "量表题", "question": r.题目, "options": labels,
               "一级指标": r.一级指标, "二级指标": r.二级指标} for r in tree.itertuples(index=False)]
    if include_nps:
        second.append(dict(_NPS_QUESTION))
    rows = []
    for part, questions in zip(PARTS, (first, second, third), strict=True):
        rows.extend({"part": part, **q} for q in questions)
    result = pd.DataFrame(rows, columns=["part", "type", "question", "options", "item", "一级指标", "二级指标"])
    result["options"] = result["options"].map(tuple)
    result.insert(0, "number", np.arange(1, len(result) + 1))
    repeated = result["item"].duplicated(keep=False)
    if repeated.any():
        raise CRMDataError(
            f"问卷里有重复的列名 item：{'、'.join(sorted(set(result.loc[repeated, 'item'])))}。"
            "每道题在答卷表里要对应不同的一列，请修改 basic= 或 competitor= 里的 item。"
        )
    result.attrs["title"] = str(title)
    return result


def _check_questions(questions, name) -> list:
    if not isinstance(questions, (list, tuple)):
        raise CRMDataError(f"{name} 应该是题目字典的列表，收到的是 {type(questions).__name__}。")
    checked = []
    for position, q in enumerate(questions):
        where = f"{name} 的第 {position + 1} 题"
        if not isinstance(q, dict) or not {"item", "type", "question"} <= set(q):
            raise CRMDataError(
                f"{where} 应该是字典，至少含 item、type、question（选择题还要 options），收到 {q!r}。"
            )
        if q["type"] not in QUESTION_TYPES:
            raise CRMDataError(f"{where} 的题型 {q['type']!r} 不认识，只能是 {'、'.join(QUESTION_TYPES)}。")
        options = tuple(str(o) for o in q.get("options") or ())
        if q["type"] == "填空题" and options:
            raise CRMDataError(f"{where} 是填空题，不应该有选项（options 写空列表）。")
        if q["type"] != "填空题" and len(options) < 2:
            raise CRMDataError(f"{where} 是{q['type']}，至少要有 2 个选项，收到 {options!r}。")
        checked.append({"item": str(q["item"]), "type": q["type"], "question": str(q["question"]), "options": options})
    return checked


def to_wenjuanxing_text(q: pd.DataFrame, *, title: str | None = None) -> str:
    """把问卷写成问卷星“文本导入”用的纯文字，复制粘贴到问卷星的“导入文本”框里即可生成问卷。

    格式（按问卷星帮助中常见的写法；我们没能在离线资料里核对问卷星官方说明，导入后请在预览里检查一遍）：
    第一行是问卷标题；每一部分的标题单独一行，后面加 ``[段落说明]``；每道题一行“题号. 题目[题型]”，
    题型是 ``[单选题]``、``[多选题]``、``[填空题]``、``[量表题]``；选项每个一行，紧跟在题目下面；
    题目之间空一行。

    参数
    ----
    q : ``questionnaire`` 的结果。
    title : 问卷标题；不写时用 ``q.attrs["title"]``。

    例子
    ----
    >>> q = questionnaire(indicator_tree_default())
    >>> print("\\n".join(to_wenjuanxing_text(q).splitlines()[:7]))
    校园展销会顾客满意度调查问卷
    <BLANKLINE>
    第一部分 客户基础信息[段落说明]
    <BLANKLINE>
    1. 您的性别[单选题]
    男
    女
    """
    check_columns(q, QUESTIONNAIRE_COLUMNS, table="问卷（q 参数）")
    if q.empty:
        raise CRMDataError("问卷是空的，没有题目可以导出。")
    title = q.attrs.get("title", "调查问卷") if title is None else title
    lines = [_one_line(title, "问卷标题")]
    current_part = None
    for row in q.itertuples(index=False):
        if row.part != current_part:
            current_part = row.part
            lines += ["", f"{_one_line(row.part, '部分标题')}{SECTION_MARK}"]
        if row.type not in QUESTION_TYPES:
            raise CRMDataError(f"第 {row.number} 题的题型 {row.type!r} 不认识，只能是 {'、'.join(QUESTION_TYPES)}。")
        lines += ["", f"{row.number}. {_one_line(row.question, f'第 {row.number} 题')}[{row.type}]"]
        lines += [_one_line(option, f"第 {row.number} 题的选项") for option in row.options]
    return "\n".join(lines) + "\n"


def _one_line(text, where) -> str:
    text = str(text).strip()
    if not text or "\n" in text or "\r" in text:
        raise CRMDataError(f"{where} 是空的或含有换行：{text!r}。导出的文字里每个题目、选项只能占一行。")
    return text


def save_questionnaire(q: pd.DataFrame, path, *, title: str | None = None) -> Path:
    """把问卷保存成 Word 能打开的文件：``.docx``（Word 文档）或 ``.html``（网页，Word 和浏览器都能打开）。

    选择题的选项前面画“□”，填空题留一条横线。不需要另外安装任何软件包（.docx 用 Python 自带的 zipfile 写）。

    参数
    ----
    q : ``questionnaire`` 的结果。
    path : 文件名，扩展名是 .docx 或 .html。
    title : 问卷标题；不写时用 ``q.attrs["title"]``。

    返回
    ----
    保存的文件路径（``pathlib.Path``）。

    例子
    ----
    >>> import tempfile
    >>> q = questionnaire(indicator_tree_default())
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     saved = save_questionnaire(q, Path(folder) / "问卷.docx")
    ...     zipfile.is_zipfile(saved)
    True
    """
    to_wenjuanxing_text(q, title=title)  # 同样的检查：题型、空白、换行
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".docx", ".html"):
        raise CRMDataError(f"问卷只能保存为 .docx 或 .html，收到的文件名是 {path.name}。例如 \"问卷.docx\"。")
    title = q.attrs.get("title", "调查问卷") if title is None else title
    paragraphs = [("title", str(title))]
    current_part = None
    for row in q.itertuples(index=False):
        if row.part != current_part:
            current_part = row.part
            paragraphs.append(("part", str(row.part)))
        paragraphs.append(("question", f"{row.number}. {row.question}（{row.type}）"))
        if row.type == "填空题":
            paragraphs.append(("option", "________________________________"))
        paragraphs.extend(("option", f"□ {option}") for option in row.options)
    if suffix == ".docx":
        _write_docx(path, paragraphs)
    else:
        tags = {"title": "<h1>", "part": "<h2>", "question": "<p>", "option": '<p class="option">'}
        body = "\n".join(f"{tags[kind]}{escape(text)}</{tags[kind][1:3].strip(' >')}>" for kind, text in paragraphs)
        path.write_text(
            "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{escape(str(title))}</title><style>body{{font-family:SimSun,'宋体',serif;font-size:12pt}}"
            "p.option{margin:0 0 0 2em}</style></head><body>\n" + body + "\n</body></html>\n",
            encoding="utf-8",
        )
    return path


_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)
_DOCX_SIZES = {"title": 32, "part": 28, "question": 24, "option": 24}  # 半磅：16 磅、14 磅、小四 12 磅


def _write_docx(path: Path, paragraphs) -> None:
    """最小的 Word 文档（Office Open XML）：一个 document.xml，宋体，标题加粗居中。"""
    body = []
    for kind, text in paragraphs:
        props = '<w:jc w:val="center"/>' if kind == "title" else ""
        props += '<w:ind w:left="480"/>' if kind == "option" else ""
        bold = "<w:b/>" if kind in ("title", "part") else ""
        run = (f'<w:rPr><w:rFonts w:ascii="SimSun" w:hAnsi="SimSun" w:eastAsia="宋体"/>{bold}'
               f'<w:sz w:val="{_DOCX_SIZES[kind]}"/></w:rPr>')
        body.append(f'<w:p><w:pPr>{props}</w:pPr><w:r>{run}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>')
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
        + "".join(body) + "<w:sectPr/></w:body></w:document>"
    )
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", document)


# ---------------------------------------------------------------------------------------------
# 3. 信度：Cronbach's α
# ---------------------------------------------------------------------------------------------


def cronbach_alpha(items: pd.DataFrame, *, scale: int = 5, missing: str = "error", reverse=()) -> float:
    """Cronbach's α 系数：一组量表题是否在测同一件事（内部一致性信度）。

    公式（k = 题目数，s²ᵢ = 第 i 题得分的方差，s²ₜ = 每人总分的方差，方差都用 n − 1 作分母）::

        α = k / (k − 1) × (1 − Σ s²ᵢ / s²ₜ)

    一般认为 α ≥ 0.7 可以接受，≥ 0.8 较好；α 很低时先用 ``alpha_if_deleted`` 找出拖后腿的题目。
    来源：Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. *Psychometrika*,
    16(3), 297–334。它等于双因素方差分析（受访者 × 题目）得到的信度 (MS受访者 − MS残差) / MS受访者
    （Hoyt 1941），也就是组内相关系数 ICC(3,k)。

    参数
    ----
    items : 答卷表中量表题的那几列（至少 2 列、2 行），每行一位受访者，值是 1～``scale`` 的整数。
    scale : 几分制，默认 5（1～5 分）。
    missing : 有缺答时怎么办：``"error"``（默认，报错并列出行号）或 ``"drop"``（删掉有缺答的整行，
        用 ``warnings.warn`` 说明删了几行）。
    reverse : 反向计分的题（列名的列表）。反向题是说法与其他题相反的题，例如“我曾经投诉过”：
        同意得分高反而表示不满意。计算前把它换成 scale + 1 − 原分（5 分制：1↔5、2↔4），否则 α 会被拉低。

    返回
    ----
    一个小数（float）。

    例子
    ----
    >>> answers = pd.DataFrame({"Q1": [4, 5, 3, 2, 4], "Q2": [4, 4, 3, 2, 5], "Q3": [5, 5, 2, 3, 4]})
    >>> round(cronbach_alpha(answers), 3)  # 1.5 × (1 − (1.3 + 1.3 + 1.7) / 10.5)
    0.886
    """
    matrix, report = _likert_matrix(items, None, scale=scale, missing=missing, table="量表题（items 参数）",
                                    reverse=reverse)
    if report["排除的缺答行"]:
        warnings.warn(
            f"有 {report['排除的缺答行']} 位受访者有缺答，已整行删除（missing=\"drop\"），"
            f"α 按剩下的 {report['计入的答卷数']} 份答卷计算。",
            UserWarning, stacklevel=2,
        )
    return _alpha(matrix, where="量表题（items 参数）")


def alpha_if_deleted(items: pd.DataFrame, *, scale: int = 5, missing: str = "error", reverse=()) -> pd.DataFrame:
    """逐题删除后的 α，以及每题的“校正的题总相关”（这一题与其余各题总分的相关系数）。

    删掉某题后 α 反而明显上升、或者题总相关很低（常用标准 < 0.3）的题目，可能问得不清楚、方向反了
    （例如反向题没有反向计分），或者测的不是同一件事，可以考虑修改或删去。至少要有 3 题。

    参数
    ----
    items, scale, missing, reverse : 与 ``cronbach_alpha`` 相同。

    返回
    ----
    DataFrame，每题一行（行索引是列名），列：``item_total_corr``（校正的题总相关）、``alpha_if_deleted``
    （删掉这题后其余各题的 α）、``alpha_change``（= alpha_if_deleted − 总体 α，正数表示删掉后信度更高）。
    ``attrs["report"]`` 里有 ``输入行数``、``排除的缺答行``、``计入的答卷数``、``总体α``。

    例子
    ----
    >>> answers = pd.DataFrame({"Q1": [4, 5, 3, 2, 4], "Q2": [4, 4, 3, 2, 5], "Q3": [5, 5, 2, 3, 4],
    ...                         "Q4": [1, 3, 5, 2, 2]})
    >>> alpha_if_deleted(answers).round(3)  # doctest: +NORMALIZE_WHITESPACE
        item_total_corr  alpha_if_deleted  alpha_change
    Q1            0.938            -0.771        -1.105
    Q2            0.620            -0.267        -0.600
    Q3            0.225             0.211        -0.123
    Q4           -0.407             0.886         0.552
    """
    where = "量表题（items 参数）"
    matrix, report = _likert_matrix(items, None, scale=scale, missing=missing, table=where, reverse=reverse)
    if matrix.shape[1] < 3:
        raise CRMDataError(f"{where}只有 {matrix.shape[1]} 题：删掉一题后至少还要剩 2 题，所以至少要 3 题。")
    overall = _alpha(matrix, where=where)
    rows = {}
    for column in matrix.columns:
        rest = matrix.drop(columns=column)
        total = rest.sum(axis=1)
        constant = matrix[column].std() == 0 or total.std() == 0  # 相关系数没有定义
        corr = np.nan if constant else float(np.corrcoef(matrix[column], total)[0, 1])
        rows[column] = {"item_total_corr": corr, "alpha_if_deleted": _alpha(rest, where=where, strict=False)}
    result = pd.DataFrame.from_dict(rows, orient="index")
    result["alpha_change"] = result["alpha_if_deleted"] - overall
    report["总体α"] = overall
    result.attrs["report"] = report
    return result


def _alpha(matrix: pd.DataFrame, *, where: str, strict: bool = True) -> float:
    k = matrix.shape[1]
    if k < 2:
        raise CRMDataError(f"{where}只有 {k} 题，α 至少需要 2 题。")
    if len(matrix) < 2:
        raise CRMDataError(f"{where}只有 {len(matrix)} 份完整的答卷，α 至少需要 2 份。")
    total_variance = matrix.sum(axis=1).var(ddof=1)
    if total_variance == 0:
        if not strict:
            return float("nan")
        raise CRMDataError(
            f"{where}里每位受访者的总分都一样（总分方差为 0），α 没有意义。请检查是不是复制了同一份答卷。"
        )
    return float(k / (k - 1) * (1 - matrix.var(ddof=1).sum() / total_variance))


def _likert_matrix(answers, columns, *, scale, missing, table, reverse=(), available=False):
    """取出量表题的列，检查 1～scale 的整数，把 reverse 里的列反向计分；按 missing 处理缺答。

    ``available=True`` 时 missing 还可以是 ``"available"``：保留缺答（空值），各题用答了这题的人计算。
    返回 (数值表, 报告)。
    """
    choices = {"error": "报错", "drop": "删掉有缺答的整行"}
    if available:
        choices["available"] = "每题用答了这题的人计算"
    _check_choice("missing", missing, choices)
    if isinstance(scale, bool) or not isinstance(scale, numbers.Integral) or not 2 <= scale <= 11:
        raise CRMDataError(f"scale（几分制）应该是 2 到 11 之间的整数，常用 5（1～5 分），收到 {scale!r}。")
    if not isinstance(answers, pd.DataFrame):
        raise CRMDataError(f"{table}应该是 pandas 的 DataFrame，收到的是 {type(answers).__name__}。")
    columns = list(answers.columns) if columns is None else list(columns)
    check_columns(answers, columns, table=table)
    if answers.empty or not columns:
        raise CRMDataError(f"{table}是空的（没有答卷或没有题目）。")
    values = {}
    for column in columns:
        raw = answers[column]
        if pd.api.types.is_bool_dtype(raw):
            raise CRMDataError(f"{table}的列 {column} 是“是/否”，不是 1～{scale} 分的量表题。")
        stripped = raw.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
        number = pd.to_numeric(stripped, errors="coerce").astype(float)
        not_number = number.isna() & ~_blank(raw)
        if not_number.any():
            raise CRMDataError(
                f"{table}的列 {column} 有不是数字的答案：{_rows(not_number, raw)}。"
                f"量表题请记成 1～{scale} 的分数（例如“满意”记 4），不要写文字。"
            )
        wrong = number.notna() & ((number < 1) | (number > scale) | (number != number.round()))
        if wrong.any():
            raise CRMDataError(
                f"{table}的列 {column} 有超出 1～{scale} 分的答案：{_rows(wrong, raw)}。"
                f"量表题只能是 1 到 {scale} 的整数；如果这一列不是量表题（例如 NPS 是 0～10 分），请不要放进来。"
            )
        values[column] = number
    matrix = pd.DataFrame(values, index=answers.index)
    reverse = [reverse] if isinstance(reverse, str) else list(reverse)
    not_used = [c for c in reverse if c not in matrix.columns]
    if not_used:
        raise CRMDataError(
            f"reverse（反向计分的题）里的 {', '.join(map(str, not_used))} 不在要计算的题目里。"
            f"要计算的题目：{', '.join(map(str, matrix.columns))}。"
        )
    for column in reverse:  # 反向题：1 分变 scale 分，scale 分变 1 分
        matrix[column] = scale + 1 - matrix[column]
    incomplete = matrix.isna().any(axis=1)
    if missing == "available":
        empty = [str(c) for c in matrix.columns if matrix[c].isna().all()]
        if empty:
            raise CRMDataError(
                f"{table}的这些题没有任何人回答：{', '.join(empty)}。请检查列名，或把它们从指标树里去掉。"
            )
        report = {"输入行数": len(matrix), "各题缺答数": {c: int(n) for c, n in matrix.isna().sum().items() if n},
                  "反向计分的题": reverse}
        return matrix, report
    if incomplete.any() and missing == "error":
        raise CRMDataError(
            f"{table}有 {int(incomplete.sum())} 位受访者有缺答：{_rows(incomplete)}。"
            "请补上，或写 missing=\"drop\" 删掉这些答卷（删掉的行数会记下来）"
            + ("，或写 missing=\"available\" 每题用答了这题的人计算。" if available else "。")
        )
    report = {"输入行数": len(matrix), "排除的缺答行": int(incomplete.sum()), "计入的答卷数": int((~incomplete).sum()),
              "反向计分的题": reverse}
    return matrix[~incomplete], report


# ---------------------------------------------------------------------------------------------
# 4. 权重与满意度指数
# ---------------------------------------------------------------------------------------------


def weights_from_data(answers: pd.DataFrame, tree: pd.DataFrame, *, method: str = "correlation",
                      overall: str | None = None, scale: int = 5, missing: str = "error",
                      reverse=()) -> pd.DataFrame:
    """由答卷数据给指标树的题目定权重，返回换了 ``权重`` 列的指标树。

    两种方法：

    * ``"correlation"``（相关系数法）：每题与总体满意度题 ``overall`` 的 Pearson 相关系数 rⱼ，
      权重 wⱼ = max(rⱼ, 0) / Σ max(r, 0)。与总体满意度关系越密切的题目越重要；负相关的题目权重记为 0。
      ``overall`` 这一题本身如果也在指标树里，它的权重记为 0（自己和自己的相关系数总是 1）。
    * ``"entropy"``（熵权法）：pᵢⱼ = xᵢⱼ / Σᵢ xᵢⱼ，eⱼ = −Σᵢ pᵢⱼ ln pᵢⱼ / ln n，wⱼ = (1 − eⱼ) / Σ(1 − e)。
      受访者之间分歧越大（信息越多）的题目权重越大。来源：Hwang, C. L. & Yoon, K. (1981).
      *Multiple Attribute Decision Making: Methods and Applications*. Springer（熵值法定权重）。

    参数
    ----
    answers : 答卷表，含指标树 ``item`` 列里的每一列（以及 ``overall``）。
    tree : ``indicator_tree`` 的结果。
    overall : 总体满意度题所在的列（``method="correlation"`` 时必填）。
    scale, missing, reverse : 与 ``cronbach_alpha`` 相同。

    例子
    ----
    >>> tree = indicator_tree({"感知质量": {"质量": ["质量好"], "服务": ["服务好"]}, "满意度": {"总体": ["满意"]}})
    >>> answers = pd.DataFrame({"Q1": [5, 4, 2, 3], "Q2": [3, 3, 3, 4], "Q3": [5, 4, 2, 3]})
    >>> weights_from_data(answers, tree, overall="Q3")["权重"].round(3).tolist()
    [1.0, 0.0, 0.0]
    >>> weights_from_data(answers, tree, method="entropy")["权重"].round(3).tolist()
    [0.463, 0.075, 0.463]
    """
    _check_choice("method", method, {"correlation": "与总体满意度的相关系数", "entropy": "熵权法"})
    check_columns(tree, TREE_COLUMNS, table="指标树（tree 参数）")
    columns = tree["item"].tolist()
    if method == "correlation":
        if overall is None:
            raise CRMDataError(
                "method=\"correlation\" 时要用 overall= 指出总体满意度题所在的列，例如 overall=\"Q11\"。"
            )
        columns_used = columns + ([overall] if overall not in columns else [])
    else:
        columns_used = columns
    matrix, report = _likert_matrix(answers, columns_used, scale=scale, missing=missing,
                                    table="答卷表（answers 参数）", reverse=reverse)
    if len(matrix) < 2:
        raise CRMDataError("完整的答卷少于 2 份，无法由数据定权重。")
    if method == "correlation":
        spread = matrix.std()
        if spread[overall] == 0:
            raise CRMDataError(f"总体满意度列 {overall} 的答案全都一样，算不出相关系数。")
        corr = matrix[columns].apply(lambda c: c.corr(matrix[overall]) if c.std() > 0 else 0.0)
        raw = corr.clip(lower=0.0)
        if overall in columns:
            raw[overall] = 0.0
        report["权重来源"] = f"与总体满意度 {overall} 的相关系数（负相关记 0）"
    else:
        p = matrix[columns] / matrix[columns].sum()
        n = len(matrix)
        entropy = -(p * np.log(p)).sum() / math.log(n)
        raw = 1.0 - entropy
        report["权重来源"] = "熵权法"
    if float(raw.sum()) <= 1e-12:
        raise CRMDataError(
            "所有题目算出来的权重都是 0（与总体满意度都不正相关，或答案都一样），无法定权重。"
            "请检查数据，或在指标树里直接给出权重。"
        )
    result = tree.copy()
    result["权重"] = (raw / raw.sum()).to_numpy(dtype=float)
    result.attrs["report"] = {**tree.attrs.get("report", {}), **report}
    return result


def satisfaction_index(answers: pd.DataFrame, tree: pd.DataFrame, *, scale: int = 5,
                       missing: str = "error", reverse=()) -> pd.DataFrame:
    """满意度指数（0～100 分）：每个题目、每个二级指标、每个一级指标和总体的得分。

    每题得分 = (平均分 − 1) / (scale − 1) × 100，所以全部“非常不同意”为 0 分、全部“非常同意”为 100 分。
    一个指标的得分 = 它下面各题得分按权重的加权平均（权重在指标内部重新换算成和为 1）；
    总体得分 = 所有题目得分按 ``权重`` 的加权和。

    参数
    ----
    answers : 答卷表，含指标树 ``item`` 列里的每一列。
    tree : ``indicator_tree`` 或 ``weights_from_data`` 的结果。
    scale, reverse : 与 ``cronbach_alpha`` 相同。反向题（例如“我曾经投诉过”）反向计分后，得分越高越好。
    missing : ``"error"``（默认）、``"drop"``（删掉有缺答的整行）或 ``"available"``（每题用答了这题的人
        计算平均分，各题的缺答数记在 ``attrs["report"]["各题缺答数"]``）。

    返回
    ----
    DataFrame，列：``level``（题目 / 二级指标 / 一级指标 / 总体）、``indicator``（名称；题目用 item 列名）、
    ``parent``（上一级）、``weight``（占总体的权重）、``mean``（平均分，1～scale）、``score``（0～100）。
    ``attrs["report"]`` 里有缺答的处理情况。

    例子
    ----
    >>> tree = indicator_tree({"感知质量": {"质量": ["质量好"], "服务": ["服务好"]}, "忠诚": {"推荐": ["会推荐"]}})
    >>> answers = pd.DataFrame({"Q1": [5, 4], "Q2": [3, 2], "Q3": [4, 4]})
    >>> satisfaction_index(answers, tree)  # doctest: +NORMALIZE_WHITESPACE
       level indicator parent    weight  mean      score
    0     题目        Q1     质量  0.333333   4.5  87.500000
    1     题目        Q2     服务  0.333333   2.5  37.500000
    2     题目        Q3     推荐  0.333333   4.0  75.000000
    3   二级指标        质量   感知质量  0.333333   4.5  87.500000
    4   二级指标        服务   感知质量  0.333333   2.5  37.500000
    5   二级指标        推荐     忠诚  0.333333   4.0  75.000000
    6   一级指标      感知质量     总体  0.666667   3.5  62.500000
    7   一级指标        忠诚     总体  0.333333   4.0  75.000000
    8     总体        总体         1.000000   NaN  66.666667
    """
    check_columns(tree, TREE_COLUMNS, table="指标树（tree 参数）")
    tree = tree.reset_index(drop=True)
    matrix, report = _likert_matrix(answers, tree["item"].tolist(), scale=scale, missing=missing,
                                    table="答卷表（answers 参数）", reverse=reverse, available=True)
    means = matrix.mean()
    items = pd.DataFrame({
        "level": "题目", "indicator": tree["item"].to_numpy(dtype=object),
        "parent": tree["二级指标"].to_numpy(dtype=object),
        "weight": tree["权重"].to_numpy(dtype=float), "mean": means[tree["item"]].to_numpy(dtype=float),
    })
    items["score"] = (items["mean"] - 1) / (scale - 1) * 100
    frames = [items]
    for level, keys in (("二级指标", ["一级指标", "二级指标"]), ("一级指标", ["一级指标"])):
        rows = []
        for key, part in items.groupby([tree[k].to_numpy(dtype=object) for k in keys], sort=False):
            weight = part["weight"].sum()
            share = part["weight"] / weight if weight > 0 else pd.Series(1 / len(part), index=part.index)
            rows.append({"level": level, "indicator": key[-1], "parent": key[0] if len(key) == 2 else "总体",
                         "weight": weight, "mean": (part["mean"] * share).sum(),
                         "score": (part["score"] * share).sum()})
        frames.append(pd.DataFrame(rows))
    overall = float((items["score"] * items["weight"]).sum() / items["weight"].sum())
    frames.append(pd.DataFrame({"level": ["总体"], "indicator": ["总体"], "parent": [""], "weight": [1.0],
                                "mean": [np.nan], "score": [overall]}))
    result = pd.concat(frames, ignore_index=True)
    result["level"] = result["level"].astype(object)
    result.attrs["report"] = report
    return result


# ---------------------------------------------------------------------------------------------
# 5. NPS 与 IPA
# ---------------------------------------------------------------------------------------------


def nps(scores, *, column: str = "nps", by: str | None = None) -> pd.DataFrame:
    """净推荐值（Net Promoter Score, NPS）：推荐者占比 − 贬损者占比，单位是百分点（−100 到 100）。

    问题是“您有多大可能向朋友推荐我们？”（0～10 分）。9～10 分是推荐者，7～8 分是被动者，0～6 分是
    贬损者（Reichheld, F. F. 2003. The one number you need to grow. *Harvard Business Review*, 81(12), 46–54）。
    没有作答（空值）的受访者不计入，人数记在 ``attrs["report"]["排除的缺答行"]``。

    参数
    ----
    scores : 0～10 的整数分数，一个 Series；或答卷表（DataFrame），分数在 ``column`` 列。
    column : 答卷表里 NPS 分数所在的列，默认 ``"nps"``。
    by : 答卷表里分组的列（可选），例如 ``"identity"``：每组算一个 NPS。

    返回
    ----
    DataFrame，每组一行（不分组时一行，行索引“全部”），列：``respondents``、``promoters``、``passives``、
    ``detractors``、``promoter_share``、``passive_share``、``detractor_share``、``nps``。

    例子
    ----
    >>> result = nps(pd.Series([10, 9, 9, 8, 7, 6, 3, 10, 9, 5]))
    >>> result[["respondents", "promoters", "passives", "detractors", "nps"]]  # doctest: +NORMALIZE_WHITESPACE
          respondents  promoters  passives  detractors   nps
    全部           10          5         2           3  20.0
    """
    if isinstance(scores, pd.DataFrame):
        check_columns(scores, [column] + ([by] if by is not None else []), table="答卷表（scores 参数）")
        raw, where = scores[column], f"答卷表的列 {column}"
        groups = scores[by] if by is not None else None
    elif isinstance(scores, pd.Series):
        if by is not None:
            raise CRMDataError("scores 是 Series 时不能写 by=；要分组请传入整张答卷表和 column=、by=。")
        raw, where, groups = scores, "NPS 分数（scores）", None
    else:
        raise CRMDataError(f"scores 应该是 pandas 的 Series 或 DataFrame，收到的是 {type(scores).__name__}。")
    if len(raw) == 0:
        raise CRMDataError(f"{where}是空的，没有分数可以计算 NPS。")
    stripped = raw.astype(object).map(lambda v: v.strip() if isinstance(v, str) else v)
    number = pd.to_numeric(stripped, errors="coerce").astype(float)
    missing = _blank(raw)
    wrong = ~missing & (number.isna() | (number < 0) | (number > 10) | (number != number.round()))
    if wrong.any():
        raise CRMDataError(
            f"{where}有不在 0～10 的整数范围内的分数：{_rows(wrong, raw)}。"
            "NPS 的推荐意愿题只能是 0 到 10 的整数；如果数据是 1～5 分的量表，它不是 NPS 题。"
        )
    kept = number[~missing]
    if kept.empty:
        raise CRMDataError(f"{where}全是空值，没有分数可以计算 NPS。")
    keys = pd.Series("全部", index=kept.index, dtype=object) if groups is None else groups[~missing].astype(object)
    blank_group = _blank(keys)
    if blank_group.any():
        raise CRMDataError(f"分组列 {by} 有空值：{_rows(blank_group)}。请补上，或先删掉这些行。")
    kind = pd.Series(np.select([kept >= 9, kept >= 7], ["promoters", "passives"], "detractors"), index=kept.index)
    counts = pd.crosstab(keys, kind).reindex(columns=["promoters", "passives", "detractors"], fill_value=0)
    counts = counts.astype("int64")
    counts.columns.name = None
    counts.index.name = by
    result = pd.DataFrame({"respondents": counts.sum(axis=1)}, index=counts.index)
    result = pd.concat([result, counts], axis=1)
    for name in ("promoter", "passive", "detractor"):
        result[f"{name}_share"] = result[f"{name}s"] / result["respondents"]
    result["nps"] = (result["promoter_share"] - result["detractor_share"]) * 100
    result.attrs["report"] = {"输入行数": len(raw), "排除的缺答行": int(missing.sum()), "计入的答卷数": len(kept)}
    return result


def ipa(importance: pd.Series, performance: pd.Series, *, split: str = "mean") -> pd.DataFrame:
    """重要性—表现分析（Importance-Performance Analysis, IPA）：按重要性和表现把指标分到四个象限。

    以全部指标重要性、表现的平均值（``split="mean"``）或中位数（``"median"``）为分界（等于分界值算“低”）：

    ==========  ======  ======  =====================================
    象限        重要性  表现    建议
    ==========  ======  ======  =====================================
    继续保持    高      高      保持现有水平
    重点改进    高      低      优先投入资源改进
    低优先级    低      低      暂不投入
    过度投入    低      高      可适当减少投入，把资源转到重点改进
    ==========  ======  ======  =====================================

    来源：Martilla, J. A. & James, J. C. (1977). Importance-performance analysis. *Journal of Marketing*,
    41(1), 77–79。重要性可以来自受访者的重要性评分，也可以用 ``weights_from_data`` 得到的权重（“推导的重要性”）；
    表现通常是 ``satisfaction_index`` 的得分或平均分。

    参数
    ----
    importance, performance : 两个 Series，行索引是指标名称（两者的行索引相同），值是数字。
    split : ``"mean"``（平均值，默认）或 ``"median"``（中位数）。

    返回
    ----
    DataFrame，每个指标一行，列：``importance``、``performance``、``quadrant``（象限）、``advice``（建议）。
    两个分界值记在 ``attrs["report"]["分界值"]``。

    例子
    ----
    >>> importance = pd.Series({"商品质量": 0.30, "价格": 0.28, "环境": 0.07, "服务": 0.35})
    >>> performance = pd.Series({"商品质量": 80.0, "价格": 55.0, "环境": 85.0, "服务": 60.0})
    >>> ipa(importance, performance)[["importance", "performance", "quadrant"]]
          importance  performance quadrant
    商品质量        0.30         80.0     继续保持
    价格          0.28         55.0     重点改进
    环境          0.07         85.0     过度投入
    服务          0.35         60.0     重点改进
    """
    _check_choice("split", split, {"mean": "平均值", "median": "中位数"})
    values = {}
    for name, series in (("importance", importance), ("performance", performance)):
        if not isinstance(series, pd.Series):
            raise CRMDataError(
                f"{name} 应该是 pandas 的 Series（行索引是指标名称），收到的是 {type(series).__name__}。"
            )
        if series.empty:
            raise CRMDataError(f"{name} 是空的，没有指标可以分析。")
        number = pd.to_numeric(series.astype(object), errors="coerce").astype(float)
        wrong = number.isna()
        if wrong.any():
            raise CRMDataError(f"{name} 有空值或不是数字的值：{_rows(wrong, series)}。请补上或删掉这些指标。")
        values[name] = number
    if not importance.index.equals(performance.index):
        only = sorted(map(str, set(importance.index) ^ set(performance.index)))
        raise CRMDataError(
            "importance 和 performance 的行索引（指标名称）不一致"
            + (f"，只出现在其中一个里的指标：{'、'.join(only)}" if only else "（顺序不同）")
            + "。请让它们来自同一组指标，例如 performance.reindex(importance.index)。"
        )
    table = pd.DataFrame(values)
    centre = table.mean() if split == "mean" else table.median()
    high_importance = table["importance"] > centre["importance"]
    good = table["performance"] > centre["performance"]
    quadrant = [_IPA_QUADRANTS[key] for key in zip(high_importance, good, strict=True)]
    table["quadrant"] = pd.Series(quadrant, index=table.index, dtype=object)
    table["advice"] = table["quadrant"].map(IPA_ADVICE).astype(object)
    table.attrs["report"] = {"分界": "平均值" if split == "mean" else "中位数",
                             "分界值": {k: float(v) for k, v in centre.items()}}
    return table



# ---------------------------------------------------------------------------------------------
# 6. 调研计划书与调研报告的提纲
# ---------------------------------------------------------------------------------------------


def research_outline(tree: pd.DataFrame, *, kind: str = "plan", title: str = "校园展销会顾客满意度调研",
                     index: pd.DataFrame | None = None, ipa_table: pd.DataFrame | None = None,
                     alpha: float | None = None) -> str:
    """调研计划书（``kind="plan"``）或调研报告（``kind="report"``）的提纲，Markdown 文字，小组在此基础上填写。

    内容按实训指导书的要求：计划书“根据决策树的每一个分支”写调研内容；报告包括封面（报告名称、小组成员姓名、
    专业、班级）、企业概况、客户满意度调查情况的介绍及调研问卷的分析、存在的问题、提高客户满意度的策略，
    并附满意度调查问卷（正文宋体小四、行间距 22 磅，约 3000 字）。

    参数
    ----
    tree : 指标树（``indicator_tree`` 的结果）。
    kind : ``"plan"``（调研计划书）或 ``"report"``（调研报告）。
    index, ipa_table, alpha : （只用于报告，可选）``satisfaction_index``、``ipa`` 的结果和 ``cronbach_alpha``
        的值；给了就把一级指标得分、总体得分、信度和“重点改进”的指标写进提纲，没给就留空让小组填写。

    例子
    ----
    >>> outline = research_outline(indicator_tree_default())
    >>> print(outline.splitlines()[0])
    # 校园展销会顾客满意度调研 调研计划书
    >>> "顾客忠诚：重复购买、推荐意愿、价格容忍" in outline
    True
    """
    _check_choice("kind", kind, {"plan": "调研计划书", "report": "调研报告"})
    check_columns(tree, TREE_COLUMNS, table="指标树（tree 参数）")
    if tree.empty:
        raise CRMDataError("指标树是空的，无法写调研内容。")
    branches = [f"- {first}：{'、'.join(dict.fromkeys(part['二级指标']))}"
                for first, part in tree.groupby("一级指标", sort=False)]
    if kind == "plan":
        lines = [
            f"# {title} 调研计划书", "",
            "## 一、调研背景与目的", "（企业或展销会的情况；为什么要做满意度调研，想解决什么问题。）", "",
            "## 二、调研内容（按指标体系的每一个分支）", *branches, "",
            "## 三、调研对象与样本", "（谁来填问卷；计划回收多少份有效问卷；怎样邀请顾客填写。）", "",
            "## 四、调研方法", "问卷星网络问卷（必要时辅以纸质问卷）。问卷分三部分：客户基础信息、"
            "对企业产品的认知及满意度、对竞争对手产品的认知。", "",
            "## 五、数据分析方法", "信度分析（Cronbach's α）、满意度指数（0～100 分）、净推荐值（NPS）、"
            "重要性—表现分析（IPA）。", "",
            "## 六、时间安排与小组分工", "| 时间 | 工作 | 负责人 |", "| --- | --- | --- |", "|  |  |  |", "",
            "## 七、经费预算", "（打印、小礼品等。）",
        ]
        return "\n".join(lines) + "\n"

    scores = ["（填写各一级指标的满意度得分。）"]
    if index is not None:
        check_columns(index, ["level", "indicator", "score"], table="满意度指数（index 参数）")
        firsts = index[index["level"] == "一级指标"]
        overall = index.loc[index["level"] == "总体", "score"]
        scores = ["| 一级指标 | 得分（0～100） |", "| --- | --- |",
                  *[f"| {r.indicator} | {r.score:.1f} |" for r in firsts.itertuples()]]
        if not overall.empty:
            scores.append(f"| 总体 | {float(overall.iloc[0]):.1f} |")
    problems = ["（结合 IPA 图中“重点改进”象限的指标和开放题的意见，写出存在的问题。）"]
    if ipa_table is not None:
        check_columns(ipa_table, ["quadrant"], table="IPA 结果（ipa_table 参数）")
        focus = [str(name) for name in ipa_table.index[ipa_table["quadrant"] == "重点改进"]]
        if focus:
            problems = [f"- {name}：重要性高但表现差（重点改进）。原因：（填写）" for name in focus]
    if alpha is None:
        reliability = "（填写 Cronbach's α，并说明量表是否可靠。）"
    else:
        verdict = "≥ 0.7，量表可靠" if alpha >= 0.7 else "< 0.7，需要用 alpha_if_deleted 检查题目"
        reliability = f"Cronbach's α = {alpha:.3f}（{verdict}）。"
    lines = [
        f"# {title} 调研报告", "",
        "**封面**：报告名称、小组成员姓名、专业、班级。正文宋体小四，行间距 22 磅，约 3000 字。", "",
        "## 一、企业概况", "（企业或展销会的基本情况、主要客户群体和主要竞争对手。）", "",
        "## 二、客户满意度调查情况的介绍", "（调查时间、方式（问卷星）、对象、回收问卷数和有效问卷数。）",
        "指标体系：", *branches, "",
        "## 三、调研问卷的分析", "### 1. 信度", reliability, "", "### 2. 满意度指数", *scores, "",
        "### 3. 净推荐值（NPS）", "（推荐者、被动者、贬损者的占比和 NPS。）", "",
        "### 4. 重要性—表现分析（IPA）", "（插入 IPA 象限图，说明四个象限各有哪些指标。）", "",
        "### 5. 与竞争对手的比较", "（第三部分问卷的结果。）", "",
        "## 四、存在的问题", *problems, "",
        "## 五、提高客户满意度的策略", "（针对每个问题提出具体、可执行的对策。）", "",
        "## 附录：满意度调查问卷", "（附上问卷全文，可用 save_questionnaire 导出的文件。）",
    ]
    return "\n".join(lines) + "\n"
