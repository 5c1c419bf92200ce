"""客户资料的清洗（模块三）：一步一步整理从 Excel 导出的客户登记表，每一步都记下改了多少行。

- ``remove_spaces(data, columns=[...])``：去掉文本里所有的空格（半角、全角“　”、首尾和中间的）；
- ``normalise_phone(data, column=...)``：手机号统一成 11 位（去掉 +86、空格、短横线，全角数字改半角），
  也认得中间四位已脱敏的 ``138****5678``；认不出的号码改成空值并记下行号；
- ``normalise_email(data, column=...)``：邮箱去空格、改小写、全角 ＠ 改半角；认不出的改成空值并记下行号；
- ``standardise_city(data, column=..., aliases=CITY_ALIASES)``：用别名表把“广州市”“Guangzhou”统一成“广州”；
- ``parse_mixed_dates(data, column=...)``：把 2025-02-27、2025/2/27、20250227、2025年2月27日 和
  Excel 的日期序列号（如 45715）统一成日期；
- ``numbers_in_range(data, column=..., low=..., high=...)``：文本转数字，超出合理范围的（年龄 200）改成空值；
- ``fill_missing_from(data, column=..., by=...)``：用同一张表里的规律补空值（例如按“区”补“城市”）；
- ``drop_duplicate_customers(data, key=...)``：删掉完全相同的行，再把同一编号的几行合并成一行
  （前面的行缺的值用后面的行补上），前后两行矛盾的地方列出来，不悄悄丢掉；
- ``compare_with_reference(data, reference, key=...)``：和标准答案逐列对照，数出还有多少个值不一样。

每个函数都返回一张新表（不改原表），本步的统计记在 ``result.attrs["report"]``（一个字典，至少有
``"step"`` 和 ``"changed"``：改动了多少行）。行数只有 ``drop_duplicate_customers`` 会减少，减少的行数也记在报告里。
"""

from __future__ import annotations

import re
import unicodedata

import pandas as pd

from crm_lab.data import CRMDataError, check_columns

__all__ = [
    "CITY_ALIASES",
    "compare_with_reference",
    "drop_duplicate_customers",
    "fill_missing_from",
    "normalise_email",
    "normalise_phone",
    "numbers_in_range",
    "parse_mixed_dates",
    "remove_spaces",
    "standardise_city",
]

# 别名 → 标准写法。键不分大小写、忽略首尾空格；“××市”在别名表里查不到时去掉“市”字再查。
CITY_ALIASES = {
    "guangzhou": "广州", "canton": "广州", "穗": "广州",
    "shenzhen": "深圳", "鹏城": "深圳",
    "foshan": "佛山", "dongguan": "东莞", "qingyuan": "清远",
    "zhuhai": "珠海", "huizhou": "惠州", "zhongshan": "中山", "jiangmen": "江门", "zhaoqing": "肇庆",
    "beijing": "北京", "shanghai": "上海", "taiyuan": "太原",
}

_PHONE = re.compile(r"^1\d{2}(\d{4}|\*{4})\d{4}$")
_EMAIL = re.compile(r"^[a-z0-9._%+\-]+@[a-z0-9\-]+(\.[a-z0-9\-]+)*\.[a-z]{2,}$")
_SPACES = re.compile(r"\s+")


def _check(data, column, parameter="column"):
    if not isinstance(data, pd.DataFrame):
        raise CRMDataError(f"data 应该是一张表（pandas DataFrame），现在是 {type(data).__name__}。"
                           "先用 read_table(...) 或 load_dataset(...) 读入数据。")
    if column not in data.columns:
        raise CRMDataError(f"{parameter}={column!r}：表里没有这一列。现有的列：{', '.join(map(str, data.columns))}。"
                           "检查列名的拼写（中文列名要先改成英文列名，或写原来的中文列名）。")


def _text(value):
    """单元格的文本：空值返回 None；全角字符改成半角（NFKC），去掉首尾空格。"""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return unicodedata.normalize("NFKC", str(value)).strip()


def _changed(before: pd.Series, after: pd.Series) -> pd.Series:
    both_missing = before.isna() & after.isna()
    return ~both_missing & (before.astype("object") != after.astype("object"))


def _finish(data, result, column, step, changed, **extra):
    result.attrs["report"] = {"step": step, "column": column, "rows": len(result),
                              "changed": int(changed.sum()), **extra}
    return result


def remove_spaces(data: pd.DataFrame, *, columns=("name",)) -> pd.DataFrame:
    """去掉 ``columns`` 里每个文本中所有的空格（半角、全角、首尾和中间的），空值不变。

    中文姓名中间不该有空格：“叶 静怡”“许佳怡　”都改成“叶静怡”“许佳怡”。

    >>> df = pd.DataFrame({"name": ["叶 静怡 ", "许佳怡\\u3000", "张三"]})
    >>> out = remove_spaces(df, columns=["name"])
    >>> out["name"].tolist(), out.attrs["report"]["changed"]
    (['叶静怡', '许佳怡', '张三'], 2)
    """
    if isinstance(columns, str):
        columns = [columns]
    for column in columns:
        _check(data, column, "columns")
    result = data.copy()
    changed = pd.Series(False, index=data.index)
    for column in columns:
        result[column] = data[column].map(lambda v: None if _text(v) is None else _SPACES.sub("", _text(v)))
        changed |= _changed(data[column], result[column])
    return _finish(data, result, list(columns), "去掉空格", changed)


def normalise_phone(data: pd.DataFrame, *, column: str = "phone") -> pd.DataFrame:
    """把手机号统一成 11 位：去掉 +86 / 0086、空格、短横线和括号，全角数字改成半角。

    也认得中间四位已经脱敏的号码（``138****5678``）。认不出的号码（位数不对、不是 1 开头）改成空值，
    行号记在报告的 ``"invalid_rows"`` 里（原来的写法在 ``"invalid_values"``），行本身保留。

    >>> df = pd.DataFrame({"phone": ["+86 138 1234 5678", "138-****-5678", "１３８１２３４５６７８", "12345", None]})
    >>> out = normalise_phone(df)
    >>> out["phone"].fillna("（空）").tolist()
    ['13812345678', '138****5678', '13812345678', '（空）', '（空）']
    >>> out.attrs["report"]["changed"], out.attrs["report"]["invalid_rows"]
    (4, [3])
    """
    _check(data, column)

    def fix(value):
        text = _text(value)
        if text is None:
            return None
        text = re.sub(r"[\s\-()（）]", "", text)
        text = re.sub(r"^(\+86|0086|86)(?=1\d{2}[\d*]{8}$)", "", text)
        return text if _PHONE.match(text) else ""

    fixed = data[column].map(fix)
    invalid = fixed == ""
    result = data.copy()
    result[column] = fixed.where(~invalid, None)
    return _finish(data, result, column, "统一手机号格式", _changed(data[column], result[column]),
                   invalid_rows=list(data.index[invalid]), invalid_values=data.loc[invalid, column].tolist(),
                   missing=int(result[column].isna().sum()))


def normalise_email(data: pd.DataFrame, *, column: str = "email") -> pd.DataFrame:
    """把邮箱统一成小写、去掉空格，全角“＠”“．”改成半角；认不出的邮箱改成空值并记下行号（行保留）。

    >>> df = pd.DataFrame({"email": [" ZhangSan@QQ.com", "li si＠163．com", "wang@", None]})
    >>> out = normalise_email(df)
    >>> out["email"].fillna("（空）").tolist()
    ['zhangsan@qq.com', 'lisi@163.com', '（空）', '（空）']
    >>> out.attrs["report"]["changed"], out.attrs["report"]["invalid_rows"]
    (3, [2])
    """
    _check(data, column)

    def fix(value):
        text = _text(value)
        if text is None:
            return None
        text = _SPACES.sub("", text).lower()
        return text if _EMAIL.match(text) else ""

    fixed = data[column].map(fix)
    invalid = fixed == ""
    result = data.copy()
    result[column] = fixed.where(~invalid, None)
    return _finish(data, result, column, "统一邮箱格式", _changed(data[column], result[column]),
                   invalid_rows=list(data.index[invalid]), invalid_values=data.loc[invalid, column].tolist(),
                   missing=int(result[column].isna().sum()))


def standardise_city(data: pd.DataFrame, *, column: str = "city", aliases: dict | None = None,
                     strip_suffix: str | None = "市") -> pd.DataFrame:
    """用别名表把同一个地名的不同写法统一成一种（“广州市”“Guangzhou”→“广州”）。

    先按别名表查（不分大小写、忽略空格，默认用 ``CITY_ALIASES``）；查不到且以 ``strip_suffix``（默认“市”）
    结尾的，去掉这个字。别名表里也没有、又不带后缀的写法原样保留，列在报告的 ``"unknown"`` 里，
    请检查后把它加进别名表（``aliases={**CITY_ALIASES, "羊城": "广州"}``）。区名也能用：
    ``standardise_city(df, column="district", aliases={"天河": "天河区"}, strip_suffix=None)``。

    >>> df = pd.DataFrame({"city": ["广州市", "Guangzhou", " 深圳 ", "羊城", None]})
    >>> out = standardise_city(df)
    >>> out["city"].fillna("（空）").tolist(), out.attrs["report"]["changed"], out.attrs["report"]["unknown"]
    (['广州', '广州', '深圳', '羊城', '（空）'], 3, ['羊城'])
    """
    _check(data, column)
    if aliases is None:
        aliases = CITY_ALIASES
    if not isinstance(aliases, dict):
        raise CRMDataError("aliases 应该是一个字典：{别名: 标准写法}，例如 {'Guangzhou': '广州'}。")
    table = {_SPACES.sub("", _text(k)).lower(): v for k, v in aliases.items()}
    standard = set(aliases.values())

    def fix(value):
        text = _text(value)
        if text is None:
            return None
        key = _SPACES.sub("", text)
        if key.lower() in table:
            return table[key.lower()]
        if strip_suffix and key.endswith(strip_suffix) and len(key) > len(strip_suffix):
            short = key[: -len(strip_suffix)]
            return table.get(short.lower(), short)
        return key

    result = data.copy()
    result[column] = data[column].map(fix)
    unknown = sorted(set(result[column].dropna()) - standard)
    return _finish(data, result, column, "统一地名", _changed(data[column], result[column]),
                   unknown=list(unknown), values=sorted(result[column].dropna().unique().tolist()))


_DATE_FORMATS = [
    ("年-月-日", re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")),
    ("年/月/日", re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")),
    ("年.月.日", re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$")),
    ("年月日（8 位数字）", re.compile(r"^(\d{4})(\d{2})(\d{2})$")),
    ("×年×月×日", re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$")),
]
EXCEL_ORIGIN = pd.Timestamp("1899-12-30")


def parse_mixed_dates(data: pd.DataFrame, *, column: str = "registered_at", excel_serial: bool = True,
                      latest=None) -> pd.DataFrame:
    """把一列写法不一的日期统一成日期类型。

    认得：``2025-02-27``、``2025/2/27``、``2025.2.27``、``20250227``、``2025年2月27日``，以及
    Excel 的日期序列号（``excel_serial=True`` 时，5 位数字：从 1899-12-30 起的天数，45715 就是 2025-02-27；
    单元格被设成“常规”格式时 Excel 就导出这种数字）。认不出或不存在的日期（2025-02-30）改成空值（NaT），
    行号记在报告的 ``"invalid_rows"`` 里；报告的 ``"formats"`` 数出每种写法各有几行。
    给了 ``latest``（例如导出日期 ``"2026-09-01"``）时，比它还晚的日期不可能是真的（多半是年份打错了），
    也改成空值，行号记在 ``"too_late_rows"``。

    >>> df = pd.DataFrame({"d": ["2025-02-27", "2025/2/27", "20250227", "2025年2月27日", "45715", "明天", None]})
    >>> out = parse_mixed_dates(df, column="d")
    >>> out["d"].dt.strftime("%Y-%m-%d").tolist()[:5]
    ['2025-02-27', '2025-02-27', '2025-02-27', '2025-02-27', '2025-02-27']
    >>> out.attrs["report"]["changed"], out.attrs["report"]["invalid_rows"]
    (5, [5])
    """
    _check(data, column)
    formats = {}
    invalid = []
    dates = []
    for index, value in data[column].items():
        text = _text(value)
        if text is None:
            dates.append(pd.NaT)
            continue
        found = None
        for name, pattern in _DATE_FORMATS:
            match = pattern.match(text)
            if match:
                year, month, day = map(int, match.groups())
                try:
                    found = (name, pd.Timestamp(year=year, month=month, day=day))
                except ValueError:
                    found = (name, pd.NaT)
                break
        if found is None and excel_serial and re.fullmatch(r"\d{5}(\.0+)?", text):
            found = ("Excel 序列号", EXCEL_ORIGIN + pd.Timedelta(days=int(float(text))))
        if found is None or pd.isna(found[1]):
            invalid.append(index)
            dates.append(pd.NaT)
        else:
            formats[found[0]] = formats.get(found[0], 0) + 1
            dates.append(found[1])
    parsed = pd.to_datetime(pd.Series(dates, index=data.index, dtype="datetime64[ns]"))
    too_late = []
    if latest is not None:
        try:
            limit = pd.Timestamp(latest)
        except (TypeError, ValueError) as exc:
            raise CRMDataError(f"latest={latest!r} 不是日期：写成 '2026-09-01' 这样的年-月-日。") from exc
        late = parsed > limit
        too_late = list(data.index[late])
        parsed = parsed.where(~late)
    result = data.copy()
    result[column] = parsed
    standard = result[column].dt.strftime("%Y-%m-%d")
    original = data[column].map(_text)
    changed = original.notna() & (original != standard)
    return _finish(data, result, column, "统一日期格式", changed, formats=formats, invalid_rows=invalid,
                   too_late_rows=too_late,
                   missing=int(result[column].isna().sum()))


def numbers_in_range(data: pd.DataFrame, *, column: str, low: float, high: float) -> pd.DataFrame:
    """把文本列转成数字；不是数字或不在 [low, high] 范围里的值改成空值，行号记在报告的 ``"invalid_rows"``。

    例如年龄 200 岁、出生月份 13 月都是录错了，改成空值（不知道），而不是猜一个数。

    >>> df = pd.DataFrame({"age": ["28", "200", "二十", None]})
    >>> out = numbers_in_range(df, column="age", low=0, high=120)
    >>> out["age"].tolist()[:1], out.attrs["report"]["invalid_rows"]
    ([28.0], [1, 2])
    """
    _check(data, column)
    if not low <= high:
        raise CRMDataError(f"low={low} 比 high={high} 还大：合理范围要写成 low ≤ high。")
    numbers = pd.to_numeric(data[column].map(_text), errors="coerce")
    bad = data[column].map(_text).notna() & ~numbers.between(low, high)
    result = data.copy()
    result[column] = numbers.where(~bad)
    changed = bad
    return _finish(data, result, column, f"检查数值范围 {low}～{high}", changed,
                   invalid_rows=list(data.index[bad]), invalid_values=data.loc[bad, column].tolist(),
                   missing=int(result[column].isna().sum()))


def fill_missing_from(data: pd.DataFrame, *, column: str, by: str) -> pd.DataFrame:
    """用同一张表里的规律补空值：``column`` 为空的行，填上 ``by`` 相同的其他行里最常见的值。

    例如“城市”空着、“区”是“天河区”，别的行里天河区都在广州，就补上“广州”。``by`` 也为空、
    或者别的行里找不到的，仍然是空值，个数记在报告的 ``"still_missing"``。

    >>> df = pd.DataFrame({"city": ["广州", None, "佛山", None], "district": ["天河区", "天河区", "顺德区", "南沙区"]})
    >>> out = fill_missing_from(df, column="city", by="district")
    >>> out["city"].fillna("（空）").tolist(), out.attrs["report"]["changed"], out.attrs["report"]["still_missing"]
    (['广州', '广州', '佛山', '（空）'], 1, 1)
    """
    _check(data, column)
    _check(data, by, "by")
    known = data.dropna(subset=[column, by])
    lookup = known.groupby(by)[column].agg(lambda s: s.value_counts().index[0])
    result = data.copy()
    missing = data[column].isna()
    result.loc[missing, column] = data.loc[missing, by].map(lookup)
    return _finish(data, result, column, f"按 {by} 补 {column} 的空值", _changed(data[column], result[column]),
                   still_missing=int(result[column].isna().sum()))


def drop_duplicate_customers(data: pd.DataFrame, *, key: str = "customer_id") -> pd.DataFrame:
    """删重复：先删掉完全相同的行，再把同一个 ``key``（客户编号）的几行合并成一行。

    合并时保留第一次出现的那一行，它缺的值用后面的行补上。两行都有值但不一样的地方（矛盾）保留第一行的值，
    全部列在报告的 ``"conflicts"`` 表里请人工核对。报告里有 ``"rows_in"``、``"exact_duplicates"``、
    ``"merged"``（按编号合并掉的行数）、``"filled"``（用重复行补上的值的个数）和 ``"rows_out"``。
    ``key`` 为空的行无法判断是不是重复，原样保留。

    >>> df = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C2"], "age": [20, 20, None, 31],
    ...                    "city": ["广州", "广州", "深圳", "深圳"]})
    >>> out = drop_duplicate_customers(df)
    >>> out["age"].tolist(), out.attrs["report"]["exact_duplicates"], out.attrs["report"]["merged"]
    ([20.0, 31.0], 1, 1)
    """
    _check(data, key, "key")
    exact = data.duplicated()
    distinct = data[~exact]
    has_key = distinct[key].notna()
    keyed, unkeyed = distinct[has_key], distinct[~has_key]
    first = keyed.groupby(key, sort=False).first()  # first() 取每列第一个非空值：缺的值由后面的行补上
    order = keyed.drop_duplicates(key)
    merged = order[[key]].merge(first.reset_index(), on=key, how="left")
    merged.index = order.index
    merged = merged[data.columns]
    conflicts = []
    for column in data.columns:
        if column == key:
            continue
        values = keyed.dropna(subset=[column]).groupby(key)[column].agg(lambda s: sorted(set(map(str, s))))
        for customer, seen in values.items():
            if len(seen) > 1:
                conflicts.append({key: customer, "column": column, "values": " / ".join(seen)})
    filled = int((order[data.columns].isna() & merged.notna()).sum().sum())
    result = pd.concat([merged, unkeyed]).sort_index()
    report = {"step": "删除重复客户", "column": key, "rows_in": len(data), "exact_duplicates": int(exact.sum()),
              "merged": int(len(keyed) - len(order)), "filled": filled, "rows_out": len(result),
              "changed": int(len(data) - len(result)),
              "conflicts": pd.DataFrame(conflicts, columns=[key, "column", "values"])}
    result.attrs["report"] = report
    return result


def compare_with_reference(data: pd.DataFrame, reference: pd.DataFrame, *, key: str = "customer_id",
                           columns=None) -> pd.DataFrame:
    """和标准答案逐列对照：按 ``key`` 对齐，数出每一列有多少个值一致、不一致、自己这边是空值。

    日期列按“年-月-日”比较，数字按数值比较（28 和 28.0 一样），其余按文本比较（去掉首尾空格）。
    返回的表每列一行：``matches``、``mismatches``、``missing``（我的表里是空值）、``accuracy``（一致的占比）；
    ``key`` 只在一边出现的客户数记在 ``attrs["report"]`` 的 ``"only_mine"`` 和 ``"only_reference"``。

    >>> mine = pd.DataFrame({"customer_id": ["C1", "C2"], "city": ["广州", None]})
    >>> ref = pd.DataFrame({"customer_id": ["C1", "C2"], "city": ["广州", "深圳"]})
    >>> compare_with_reference(mine, ref).loc["city", ["matches", "mismatches", "missing"]].tolist()
    [1, 0, 1]
    """
    _check(data, key, "key")
    _check(reference, key, "key")
    if data[key].duplicated().any():
        repeated = data.loc[data[key].duplicated(), key].head(5).tolist()
        raise CRMDataError(f"data 里 {key} 有重复（例如 {repeated}）：先用 drop_duplicate_customers 删重复再对照。")
    if columns is None:
        columns = [c for c in data.columns if c != key and c in reference.columns]
    check_columns(data, columns, table="data（我的表）")
    check_columns(reference, columns, table="reference（标准答案）")
    mine = data.set_index(key)
    ref = reference.set_index(key)
    common = mine.index.intersection(ref.index)

    def comparable(series):
        if pd.api.types.is_datetime64_any_dtype(series):
            return series.dt.strftime("%Y-%m-%d")
        numbers = pd.to_numeric(series, errors="coerce")
        if series.notna().any() and numbers.notna().sum() == series.notna().sum() and series.dtype != bool:
            return numbers.map(lambda v: None if pd.isna(v) else repr(float(v)))
        return series.map(lambda v: None if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip())

    rows = []
    for column in columns:
        a = comparable(mine.loc[common, column])
        b = comparable(ref.loc[common, column])
        missing = a.isna() & b.notna()
        same = (a == b) | (a.isna() & b.isna())
        rows.append({"column": column, "matches": int(same.sum()), "mismatches": int((~same & ~missing).sum()),
                     "missing": int(missing.sum()), "accuracy": round(float(same.mean()), 4) if len(common) else 0.0})
    table = pd.DataFrame(rows).set_index("column")
    table.attrs["report"] = {"step": "与标准答案对照", "compared": len(common),
                             "only_mine": int(len(mine.index.difference(ref.index))),
                             "only_reference": int(len(ref.index.difference(mine.index)))}
    return table
