"""问卷星“文本导入”格式的文字读回成题目表（实训1）：检查导出的问卷文字，或读入别人写好的问卷文字。

``crm_lab.survey.to_wenjuanxing_text`` 把问卷写成问卷星能导入的纯文字；``parse_wenjuanxing_text`` 做相反的事：
把这样的文字读回成一张题目表（每行一道题），这样就能核对“导出 → 读回”前后的题目是不是一模一样（往返检查），
也能把小组在记事本里写好的问卷文字读进来检查格式，再交给问卷星导入。

格式（与 ``to_wenjuanxing_text`` 相同）::

    问卷标题
    <空行>
    第一部分 客户基础信息[段落说明]
    <空行>
    1. 您的性别[单选题]
    男
    女
    <空行>
    2. ……

第一行是问卷标题；部分标题单独一行，以 ``[段落说明]`` 结尾；每道题一行“题号. 题目[题型]”（题号后面的点也可以写
“．”或“、”），题型是 ``[单选题]``、``[多选题]``、``[填空题]``、``[量表题]``；选项每个一行，紧跟在题目下面；
题目之间空一行。
"""

from __future__ import annotations

import re

import pandas as pd

from crm_lab.data import CRMDataError
from crm_lab.survey import QUESTION_TYPES, QUESTIONNAIRE_COLUMNS, SECTION_MARK

__all__ = ["parse_wenjuanxing_text"]

_QUESTION = re.compile(r"^(\d+)\s*[.．、]\s*(.+?)\s*\[([^\[\]]+)\]$")
_LOOKS_LIKE_QUESTION = re.compile(r"^\d+\s*[.．、]")


def parse_wenjuanxing_text(text: str) -> pd.DataFrame:
    """把问卷星“文本导入”格式的文字读回成题目表，每行一道题。

    参数
    ----
    text : 问卷文字（``crm_lab.survey.to_wenjuanxing_text`` 的结果，或按同样格式手写的文字）。
        Windows 的换行（\\r\\n）和文件开头的 BOM 都可以。

    返回
    ----
    DataFrame，列：``number``（题号）、``part``（所在部分的标题，没有部分标题时为空字符串）、``type``（题型）、
    ``question``（题目）、``options``（选项的元组，填空题为空元组）。列名和 ``crm_lab.survey.questionnaire``
    的结果相同，可以直接逐列比较。问卷标题在 ``attrs["title"]``，各部分标题在 ``attrs["parts"]``。

    出错时（``CRMDataError``）说明是第几行、哪里不对、怎么改，例如：题目行缺少 ``[题型]``、题型写错、
    题号不连续、单选题只有一个选项、填空题下面写了选项、两道题之间没有空行。

    例子
    ----
    >>> text = '''满意度调查
    ...
    ... 第一部分 客户基础信息[段落说明]
    ...
    ... 1. 您的性别[单选题]
    ... 男
    ... 女
    ...
    ... 2. 您的班级[填空题]
    ... '''
    >>> questions = parse_wenjuanxing_text(text)
    >>> questions[["number", "type", "question"]].values.tolist()
    [[1, '单选题', '您的性别'], [2, '填空题', '您的班级']]
    >>> questions["options"].tolist()
    [('男', '女'), ()]
    >>> questions.attrs["title"], questions.attrs["parts"]
    ('满意度调查', ['第一部分 客户基础信息'])
    >>> parse_wenjuanxing_text("满意度调查\\n\\n1. 您的性别\\n男\\n女")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: 第 3 行“1. 您的性别”看起来是一道题，但末尾没有题型。...
    """
    if not isinstance(text, str):
        raise CRMDataError(f"text 应该是问卷的文字（str），收到的是 {type(text).__name__}。"
                           "如果是文件，请先读出文字：Path(\"问卷.txt\").read_text(encoding=\"utf-8\")。")
    lines = [line.strip() for line in text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    numbered = [(n + 1, line) for n, line in enumerate(lines) if line]
    if not numbered:
        raise CRMDataError("问卷文字是空的：第一行应该是问卷标题，后面是各部分和题目。")
    title_line, title = numbered[0]
    if _LOOKS_LIKE_QUESTION.match(title) or title.endswith(SECTION_MARK):
        raise CRMDataError(
            f"第 {title_line} 行“{title}”应该是问卷标题，却像是一道题或一个部分标题。"
            "请在最前面加一行问卷标题（例如“校园展销会顾客满意度调查问卷”），再空一行。"
        )
    blocks = _blocks(lines, start=title_line)
    parts, rows, part = [], [], ""
    for block in blocks:
        first_line, first = block[0]
        if first.endswith(SECTION_MARK):
            part = first[: -len(SECTION_MARK)].strip()
            if not part:
                raise CRMDataError(f"第 {first_line} 行的部分标题是空的：在 {SECTION_MARK} 前面写上部分的名称。")
            if len(block) > 1:
                raise CRMDataError(
                    f"第 {block[1][0]} 行“{block[1][1]}”紧跟在部分标题下面：部分标题后面要空一行再写题目，"
                    "部分标题下面不能直接写选项。"
                )
            parts.append(part)
            continue
        rows.append(_question(block, part))
    if not rows:
        raise CRMDataError("问卷文字里没有找到任何题目：题目行要写成“题号. 题目[题型]”，例如“1. 您的性别[单选题]”。")
    for previous, row in zip(rows, rows[1:], strict=False):
        if row["number"] != previous["number"] + 1:
            raise CRMDataError(
                f"第 {row['line']} 行的题号是 {row['number']}，上一题（第 {previous['line']} 行）是 "
                f"{previous['number']}：题号要从 1 开始连续编号，请检查是不是漏了题或重复了题号。"
            )
    if rows[0]["number"] != 1:
        raise CRMDataError(f"第 {rows[0]['line']} 行是第一道题，题号却是 {rows[0]['number']}：题号要从 1 开始。")
    result = pd.DataFrame([{k: row[k] for k in QUESTIONNAIRE_COLUMNS} for row in rows], columns=QUESTIONNAIRE_COLUMNS)
    result["number"] = result["number"].astype("int64")
    result["options"] = result["options"].astype(object)
    result.attrs["title"] = title
    result.attrs["parts"] = parts
    return result


def _blocks(lines: list[str], *, start: int) -> list[list[tuple[int, str]]]:
    """标题之后的内容按空行分块；每块是 (行号, 文字) 的列表。一块里出现第二个题目行时报错（题目之间要空一行）。"""
    blocks, current = [], []
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line:
            if current:
                blocks.append(current)
            current = []
            continue
        if current and (_QUESTION.match(line) or line.endswith(SECTION_MARK)):
            raise CRMDataError(
                f"第 {number} 行“{line}”前面没有空行：每道题、每个部分标题之前都要空一行，"
                f"否则它会被当成第 {current[0][0]} 行那一题的选项。"
            )
        current.append((number, line))
    if current:
        blocks.append(current)
    return blocks


def _question(block: list[tuple[int, str]], part: str) -> dict:
    line_number, line = block[0]
    match = _QUESTION.match(line)
    if not match:
        if _LOOKS_LIKE_QUESTION.match(line):
            raise CRMDataError(
                f"第 {line_number} 行“{line}”看起来是一道题，但末尾没有题型。题目行要写成“题号. 题目[题型]”，"
                f"例如“1. 您的性别[单选题]”；题型只能是 {'、'.join(QUESTION_TYPES)}。"
            )
        raise CRMDataError(
            f"第 {line_number} 行“{line}”不是题目行，也不是部分标题：题目行要写成“题号. 题目[题型]”"
            f"（例如“1. 您的性别[单选题]”），部分标题以 {SECTION_MARK} 结尾。如果它是上一题的选项，"
            "请删掉它前面的空行。"
        )
    number, question, kind = int(match[1]), match[2].strip(), match[3].strip()
    if kind not in QUESTION_TYPES:
        raise CRMDataError(
            f"第 {line_number} 行的题型 [{kind}] 不认识：只能是 {'、'.join(f'[{t}]' for t in QUESTION_TYPES)}。"
        )
    options = tuple(text for _, text in block[1:])
    if kind == "填空题" and options:
        raise CRMDataError(
            f"第 {line_number} 行是填空题，下面却有选项（第 {block[1][0]} 行“{block[1][1]}”）：填空题不写选项；"
            "如果这一题要选，请把题型改成 [单选题] 或 [多选题]。"
        )
    if kind != "填空题" and len(options) < 2:
        raise CRMDataError(
            f"第 {line_number} 行是{kind}，下面只有 {len(options)} 个选项：至少要 2 个，每个选项单独一行，"
            "紧跟在题目下面（中间不要空行）。"
        )
    repeated = sorted({o for o in options if options.count(o) > 1})
    if repeated:
        raise CRMDataError(f"第 {line_number} 行那一题有重复的选项：{'、'.join(repeated)}。每个选项只写一次。")
    return {"line": line_number, "number": number, "part": part, "type": kind, "question": question,
            "options": options}
