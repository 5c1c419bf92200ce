"""客户信息的安全与隐私保护（模块三）：个人信息脱敏和“最小必要”检查。

依据《中华人民共和国个人信息保护法》（2021 年 11 月 1 日起施行）：第六条（目的明确合理、与目的直接相关，
限于实现目的的最小范围，不得过度收集）、第十三条和第十四条（取得个人同意；同意须在充分知情的前提下
自愿、明确作出，目的改变要重新取得同意）、第二十八条（敏感个人信息）、第五十一条（采取加密、去标识化等安全技术措施）。

- ``mask_phone("13812345678")`` → ``"138****5678"``：保留前三位和后四位；
- ``mask_name("张建华")`` → ``"张**"``：只留姓（复姓也只留第一个字）；
- ``mask_id_number("440106200001011234")`` → ``"440106********1234"``：保留前六位（地区）和后四位；
- ``mask_email("zhangsan@qq.com")`` → ``"z*******@qq.com"``：保留第一个字母和域名；
- ``mask_columns(data, {"phone": "phone", "name": "name"})``：把一张表的几列按对应的规则脱敏；
- ``minimum_necessary(data, needed=[...])``：逐列说明是否为这次用途所必需、是否属于敏感个人信息、建议保留还是删除。

脱敏函数遇到空值返回空值；遇到已经脱敏的值原样返回；遇到认不出的值抛出 ``CRMDataError``
（``mask_columns(..., errors="hide")`` 则把认不出的值整个换成 ``"***"``，宁可多遮也不泄露）。
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from crm_lab.data import CRMDataError

__all__ = [
    "MASKERS",
    "PERSONAL_FIELDS",
    "SENSITIVE_FIELDS",
    "mask_columns",
    "mask_email",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "minimum_necessary",
]


def _blank(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def _clean(value) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def mask_phone(value):
    """手机号脱敏：保留前三位和后四位，中间四位换成 ``*``；空格、短横线和 +86 先去掉。

    >>> mask_phone("13812345678"), mask_phone("+86 138-1234-5678"), mask_phone("138****5678")
    ('138****5678', '138****5678', '138****5678')
    """
    if _blank(value):
        return value
    text = re.sub(r"^(\+86|0086)", "", _clean(value)).replace("-", "")
    if not re.fullmatch(r"1\d{2}[\d*]{4}\d{4}", text):
        raise CRMDataError(f"mask_phone：{value!r} 不是 11 位手机号。先用 cleaning.normalise_phone 统一格式，"
                           "或者检查是不是录错了。")
    return text[:3] + "****" + text[7:]


def mask_name(value):
    """姓名脱敏：只保留第一个字（姓），其余每个字换成一个 ``*``。

    >>> mask_name("张建华"), mask_name("萧婷"), mask_name("欧阳娜娜")
    ('张**', '萧*', '欧***')
    """
    if _blank(value):
        return value
    text = _clean(value)
    if not text:
        raise CRMDataError("mask_name：姓名是空字符串，没有可以脱敏的内容。空着的姓名请保留为空值（None）。")
    return text[0] + "*" * (len(text) - 1)


def mask_id_number(value):
    """身份证号脱敏：18 位（最后一位可以是 X）保留前六位（地区码）和后四位，中间八位（出生日期）换成 ``*``。

    >>> mask_id_number("440106200001011234"), mask_id_number("44010620000101123x")
    ('440106********1234', '440106********123X')
    """
    if _blank(value):
        return value
    text = _clean(value).upper()
    if not re.fullmatch(r"\d{6}[\d*]{8}\d{3}[\dX]", text):
        raise CRMDataError(f"mask_id_number：{value!r} 不是 18 位身份证号（17 位数字加一位数字或 X）。"
                           "检查是不是少了位数，或者 Excel 把它变成了科学计数法（在 Excel 里把这一列设成“文本”）。")
    return text[:6] + "*" * 8 + text[14:]


def mask_email(value):
    """邮箱脱敏：@ 前面只保留第一个字符，其余换成 ``*``；@ 后面的域名保留。

    >>> mask_email("zhangsan@qq.com"), mask_email("Li@163.com")
    ('z*******@qq.com', 'l*@163.com')
    """
    if _blank(value):
        return value
    text = _clean(value).lower()
    if not re.fullmatch(r"[^@]+@[^@]+\.[a-z]{2,}", text):
        raise CRMDataError(f"mask_email：{value!r} 不是邮箱地址（应该像 name@example.com）。"
                           "先用 cleaning.normalise_email 统一格式。")
    user, domain = text.split("@")
    return user[0] + "*" * (len(user) - 1) + "@" + domain


MASKERS = {"phone": mask_phone, "name": mask_name, "id_number": mask_id_number, "email": mask_email}

# 个人信息（第四条：与已识别或者可识别的自然人有关的各种信息）中常见的直接标识和联系方式
PERSONAL_FIELDS = {"name", "phone", "email", "id_number", "address", "wechat", "qq", "姓名", "手机号", "邮箱",
                   "身份证号", "地址", "微信号"}
# 敏感个人信息（第二十八条）：生物识别、宗教信仰、特定身份、医疗健康、金融账户、行踪轨迹，以及不满十四周岁未成年人的信息
SENSITIVE_FIELDS = {"id_number", "bank_account", "health", "religion", "location_trace", "face", "fingerprint",
                    "身份证号", "银行卡号", "健康状况", "宗教信仰", "行踪轨迹", "人脸", "指纹"}


def mask_columns(data: pd.DataFrame, rules: dict, *, errors: str = "raise") -> pd.DataFrame:
    """把表里的几列脱敏，返回新表（原表不变）。

    ``rules``：``{列名: 规则}``，规则是 ``"phone"``、``"name"``、``"id_number"``、``"email"`` 之一
    （或一个自己写的函数）。``errors="raise"``（默认）遇到认不出的值就报错并指出行号；
    ``errors="hide"`` 把认不出的值换成 ``"***"``。脱敏了多少个值记在 ``attrs["report"]``。

    >>> df = pd.DataFrame({"name": ["张建华", "萧婷"], "phone": ["13812345678", None]})
    >>> out = mask_columns(df, {"name": "name", "phone": "phone"})
    >>> out["name"].tolist(), out["phone"].tolist()[:1], out.attrs["report"]["masked"]
    (['张**', '萧*'], ['138****5678'], {'name': 2, 'phone': 1})
    """
    if not isinstance(data, pd.DataFrame):
        raise CRMDataError(f"data 应该是一张表（pandas DataFrame），现在是 {type(data).__name__}。")
    if not isinstance(rules, dict) or not rules:
        raise CRMDataError("rules 应该是一个字典 {列名: 规则}，例如 {'phone': 'phone', 'name': 'name'}。")
    if errors not in ("raise", "hide"):
        raise CRMDataError(f"errors={errors!r}：只能是 'raise'（报错）或 'hide'（换成 ***）。")
    result = data.copy()
    masked = {}
    for column, rule in rules.items():
        if column not in data.columns:
            raise CRMDataError(f"rules 里的列 {column!r} 不在表里。现有的列：{', '.join(map(str, data.columns))}。")
        func = MASKERS.get(rule) if isinstance(rule, str) else rule
        if not callable(func):
            raise CRMDataError(f"rules[{column!r}]={rule!r}：规则只能是 {', '.join(MASKERS)} 之一，或者一个函数。")
        values, bad = [], []
        for index, value in data[column].items():
            try:
                values.append(func(value))
            except CRMDataError:
                if errors == "raise":
                    bad.append(index)
                values.append("***")
        if bad:
            raise CRMDataError(f"列 {column!r} 第 {bad[:10]} 行的值认不出来，无法按 {rule!r} 脱敏。"
                               "先清洗这一列，或者写 errors='hide' 把它们整个遮住。")
        result[column] = pd.Series(values, index=data.index, dtype="object")
        masked[column] = int(data[column].notna().sum())
    result.attrs["report"] = {"step": "脱敏", "masked": masked}
    return result


def minimum_necessary(data: pd.DataFrame, *, needed, purpose: str = "这次用途") -> pd.DataFrame:
    """“最小必要”检查（《个人信息保护法》第六条）：逐列说明这次用途需不需要、是不是个人信息或敏感个人信息。

    ``needed``：这次用途真正需要的列。返回的表每列一行：``needed``（是否需要）、``personal``（是否直接标识个人的
    信息，见 ``PERSONAL_FIELDS``）、``sensitive``（是否敏感个人信息，第二十八条，见 ``SENSITIVE_FIELDS``）、
    ``advice``（保留 / 保留并脱敏 / 删除）。``needed`` 里写了表里没有的列会报错。

    >>> df = pd.DataFrame(columns=["customer_id", "name", "phone", "city", "id_number"])
    >>> minimum_necessary(df, needed=["customer_id", "phone"])["advice"].tolist()
    ['保留', '删除', '保留并脱敏', '删除', '删除']
    """
    if not isinstance(data, pd.DataFrame):
        raise CRMDataError(f"data 应该是一张表（pandas DataFrame），现在是 {type(data).__name__}。")
    if isinstance(needed, str):
        needed = [needed]
    missing = [c for c in needed if c not in data.columns]
    if missing:
        raise CRMDataError(f"needed 里的列 {missing} 不在表里。现有的列：{', '.join(map(str, data.columns))}。")
    rows = []
    for column in data.columns:
        is_needed = column in needed
        personal = column in PERSONAL_FIELDS or column in SENSITIVE_FIELDS
        sensitive = column in SENSITIVE_FIELDS
        if not is_needed:
            advice = "删除"
        elif personal:
            advice = "保留并脱敏"
        else:
            advice = "保留"
        rows.append({"column": column, "needed": is_needed, "personal": personal, "sensitive": sensitive,
                     "advice": advice})
    table = pd.DataFrame(rows).set_index("column")
    table.attrs["report"] = {"purpose": purpose, "keep": [c for c in data.columns if c in needed],
                             "drop": [c for c in data.columns if c not in needed]}
    return table
