"""模块三的“脏”客户登记表和模块七五个行业案例的数据生成器（固定随机种子，每次生成一字不差）。

由 ``crm_lab.synth.build_tables()`` 调用，和商城数据一起写进 ``datasets/``：

- ``messy_customer_tables``：从 ``shop_customers`` 抽出几百位客户，做成“从 Excel 导出”的 GBK 编码 CSV，
  带重复、格式不一、缺失和不可能的值，另附整理好的标准答案；
- ``manufacturing_tables`` / ``realestate_tables`` / ``airline_tables`` / ``logistics_tables`` /
  ``travel_tables``：制造业、房地产、航空业、物流业、旅游业五个案例，每个案例有自己的数据字典
  （``CASE_DICTIONARIES``）和埋好的规律（``case_teacher_notes`` 写进教师部分）。
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from crm_lab.schema import (
    AIRLINE_MEMBERS,
    LOGISTICS_CUSTOMERS,
    LOGISTICS_SHIPMENTS,
    MESSY_CUSTOMERS,
    MESSY_CUSTOMERS_CLEAN,
    MFG_DEALERS,
    MFG_ORDERS,
    MFG_REGIONS,
    MFG_SERVICE,
    REALESTATE_CHANNEL_COSTS,
    REALESTATE_CHANNELS,
    REALESTATE_LEADS,
    TRAVEL_BOOKINGS,
    TRAVEL_REVIEWS,
    TRAVEL_ROUTES,
)
from crm_lab.synth_draws import pick

# 每个行业案例一份数据字典：文件名 → (标题, 简介, 表名)
CASE_DICTIONARIES = {
    "m7_manufacturing.md": (
        "制造业案例：空调厂和它的经销商",
        "厂家通过一级、二级经销商卖货。看三年的进货订单怎样随大区和时间变化、哪些经销商在离开之前已经有信号，"
        "以及上线网上服务平台（客户服务 E 化）之后，响应速度和满意度有什么变化。",
        ("mfg_dealers", "mfg_orders", "mfg_service"),
    ),
    "m7_realestate.md": (
        "房地产案例：售楼处的来访客户",
        "来访客户从不同渠道来到售楼处，置业顾问跟进，一部分客户最后签约。比较各渠道带来的客户质量（成交率）和成本。",
        ("realestate_leads", "realestate_channel_costs"),
    ),
    "m7_airline.md": (
        "航空业案例：常旅客会员价值分析（LRFMC）",
        "常旅客会员的入会时间、最近一次乘机、乘机次数、飞行里程和平均折扣系数，"
        "用 LRFMC 模型和 K-Means 聚类把会员分成几类并给出不同的维系策略。",
        ("airline_members",),
    ),
    "m7_logistics.md": (
        "物流业案例：准时送达、投诉和客户续约",
        "签约企业客户一年的运单：是否准时送达、有没有投诉，以及这些客户第二年是否续约。",
        ("logistics_customers", "logistics_shipments"),
    ),
    "m7_travel.md": (
        "旅游业案例：旅行社的回头客和点评",
        "旅行社两年半的跟团游订单和游客点评：谁是回头客、回头客花多少钱、点评怎样，差评之后还会不会再来。",
        ("travel_bookings", "travel_reviews"),
    ),
}

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余叶程")
_GIVEN = ["子涵", "欣怡", "浩然", "雨桐", "宇轩", "思琪", "俊杰", "佳怡", "一鸣", "晨曦", "嘉豪", "可欣",
          "明轩", "天佑", "博文", "雅婷", "志强", "丽娟", "建华", "秀英", "文博", "海洋", "伟", "敏", "磊", "婷"]


def _check_scale(scale: float) -> None:
    if not 0 < scale <= 1000:
        raise ValueError(f"scale 必须在 0 到 1000 之间，收到的是 {scale}")


def _count(base: int, scale: float, minimum: int = 10) -> int:
    return max(minimum, int(round(base * scale)))


def _unique_name(draw, used: set[str], number: int) -> str:
    """抽一个还没用过的公司名；抽了 20 次都重名（规模很大时）就在后面加编号。"""
    for _ in range(20):
        name = draw()
        if name not in used:
            break
    else:
        name = f"{name}{number}"
    used.add(name)
    return name


def _frame(rows, schema) -> pd.DataFrame:
    table = pd.DataFrame(rows, columns=schema.column_names)
    for column in schema.columns:
        if column.dtype == "date":
            table[column.name] = [v.isoformat() if isinstance(v, date) else None for v in table[column.name]]
        elif column.dtype == "datetime":
            table[column.name] = [v.strftime("%Y-%m-%d %H:%M:%S") for v in table[column.name]]
    return table


# ---------------------------------------------------------------- 模块三：从 Excel 导出的客户登记表

MESSY_SEED = 20260901
EXPORT_DATE = date(2026, 9, 1)
_EXCEL_EPOCH = date(1899, 12, 30)  # Excel 的日期序列号从 1900-01-01 = 1 数起（含 1900 年 2 月 29 日这个错误）
_FULLWIDTH_DIGITS = str.maketrans("0123456789", "０１２３４５６７８９")
_CITY_SPELLINGS = {"广州": ("广州市", "Guangzhou"), "佛山": ("佛山市", "Foshan"), "深圳": ("深圳市", "Shenzhen"),
                   "东莞": ("东莞市", "Dongguan"), "清远": ("清远市", "Qingyuan")}
_AGE_RANGES = {"18-22": (18, 22), "23-30": (23, 30), "31-40": (31, 40), "41-50": (41, 50), "51+": (51, 68)}
# 每种写法 / 问题出现在多少行（其余行用标准写法）
_DATE_STYLES = {"serial": 3, "compact": 30, "chinese": 45, "slash": 70}
_PHONE_STYLES = {"spaces": 30, "dashes": 35, "plus86": 20, "fullwidth": 15}
_NAME_STYLES = {"ascii_space": 20, "fullwidth_space": 10}
_CITY_STYLES = {"shi": 60, "pinyin": 60}
_DISTRICT_STYLES = {"short": 80}
_MISSING = {"性别": 8, "年龄": 8, "城市": 6, "注册渠道": 6, "注册日期": 5, "手机号": 10}
_EXACT_DUPLICATES = 10
_NEAR_DUPLICATES = 15


def _format_date(iso: str, style: str) -> str:
    day = date.fromisoformat(iso)
    return {
        "iso": iso,
        "slash": f"{day.year}/{day.month}/{day.day}",
        "chinese": f"{day.year}年{day.month}月{day.day}日",
        "compact": day.strftime("%Y%m%d"),
        "serial": str((day - _EXCEL_EPOCH).days),
    }[style]


def _format_phone(phone: str, style: str) -> str:
    return {
        "plain": phone,
        "spaces": f"{phone[:3]} {phone[3:7]} {phone[7:]}",
        "dashes": f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
        "plus86": f"+86 {phone}",
        "fullwidth": phone.translate(_FULLWIDTH_DIGITS),
    }[style]


def _format_name(name: str, style: str) -> str:
    if style == "ascii_space":
        return f" {name}" if len(name) == 2 else f"{name[0]} {name[1:]}  "
    if style == "fullwidth_space":
        return f"{name[0]}\u3000{name[1:]}" if len(name) == 2 else f"{name}\u3000"
    return name


def _styles(rng, n: int, counts: dict[str, int], default: str, *, avoid=()) -> list[str]:
    """给 n 行分配写法：``counts`` 里每种写法各占若干行（不落在 ``avoid`` 的行上），其余行用 ``default``。"""
    styles = [default] * n
    avoid = set(avoid)
    free = [int(i) for i in rng.permutation(n) if i not in avoid]
    labels = [style for style, k in counts.items() for _ in range(k)]
    for i, style in zip(free, labels, strict=False):
        styles[i] = style
    return styles


def _future_date(iso: str, rng) -> str:
    """把注册日期的年份写错成将来的某一年（导出日期之后）。"""
    day = date.fromisoformat(iso)
    return date(day.year + int(pick(rng, [3, 20])), day.month, min(day.day, 28)).isoformat()


def _messy_row(truth: dict, date_style: str, phone_style: str, name_style: str, city_style: str,
               district_style: str) -> dict[str, str]:
    with_shi, pinyin = _CITY_SPELLINGS[truth["city"]]
    organisation = truth["organisation"]
    return {
        "客户编号": truth["customer_id"],
        "姓名": _format_name(truth["name"], name_style),
        "性别": truth["gender"],
        "年龄": str(truth["age"]),
        "身份": truth["identity"],
        "城市": {"plain": truth["city"], "shi": with_shi, "pinyin": pinyin}[city_style],
        "区": truth["district"].removesuffix("区") if district_style == "short" else truth["district"],
        "学校或单位": organisation if isinstance(organisation, str) else "",
        "注册渠道": truth["channel"],
        "注册日期": _format_date(truth["registered_at"], date_style),
        "出生月份": str(truth["birth_month"]),
        "会员等级": truth["member_level"],
        "同意营销": "是" if truth["consent_marketing"] else "否",
        "手机号": _format_phone(truth["phone"], phone_style),
    }


def messy_customer_tables(customers: pd.DataFrame, *, n: int = 400,
                          seed: int = MESSY_SEED) -> dict[str, pd.DataFrame]:
    """从商城客户表里抽 ``n`` 位客户，做成“从 Excel 导出”的脏登记表和它的标准答案。

    返回 ``{"messy_customers": 全是文本的脏表, "messy_customers_clean": 标准答案}``。标准答案的列同
    ``shop_customers``，另加真实年龄 ``age``（落在该客户的年龄段里）。脏表里有哪些问题、各有多少，
    见 ``messy_counts``（写在数据字典的教师部分）。

    >>> from crm_lab.synth import shop_tables
    >>> tables = messy_customer_tables(shop_tables(scale=0.1)["shop_customers"], n=100)
    >>> len(tables["messy_customers_clean"]), len(tables["messy_customers"]) > 100
    (100, True)
    """
    if not 20 <= n <= len(customers):
        raise ValueError(f"n 必须在 20 到 {len(customers)}（客户数）之间，收到的是 {n}")
    rng = np.random.default_rng(seed)
    picked = np.sort(rng.choice(len(customers), size=n, replace=False))
    clean = customers.iloc[picked].reset_index(drop=True)
    ages = [int(rng.integers(low, high + 1)) for low, high in (_AGE_RANGES[b] for b in clean["age_band"])]
    clean.insert(4, "age", ages)

    scale = n / 400  # 问题的行数按 400 行的比例缩放

    def scaled(counts):
        return {k: max(1, int(round(v * scale))) for k, v in counts.items()}

    truths = clean.to_dict("records")
    # 先定下每一列哪些行是缺失值或不可能的值，各种写法只落在其余的行上，这样每种问题都真的出现
    impossible = {"年龄": ["150", "150", "200"], "出生月份": ["13", "13", "0"], "注册日期": ["将来", "将来"]}
    bad: dict[str, list[tuple[int, str]]] = {}
    for column in ("性别", "年龄", "城市", "注册渠道", "注册日期", "手机号", "出生月份"):
        order = [int(i) for i in rng.permutation(n)]
        k_missing = scaled(_MISSING).get(column, 0)
        bad[column] = [(i, "") for i in order[:k_missing]]
        bad[column] += list(zip(order[k_missing:], impossible.get(column, []), strict=False))

    def spoiled(column):
        return [i for i, _ in bad[column]]

    date_styles = _styles(rng, n, scaled(_DATE_STYLES), "iso", avoid=spoiled("注册日期"))
    phone_styles = _styles(rng, n, scaled(_PHONE_STYLES), "plain", avoid=spoiled("手机号"))
    name_styles = _styles(rng, n, scaled(_NAME_STYLES), "plain")
    city_styles = _styles(rng, n, scaled(_CITY_STYLES), "plain", avoid=spoiled("城市"))
    no_suffix = [i for i, t in enumerate(truths) if not t["district"].endswith("区")]
    district_styles = _styles(rng, n, scaled(_DISTRICT_STYLES), "plain", avoid=no_suffix)
    rows = [_messy_row(*row) for row in
            zip(truths, date_styles, phone_styles, name_styles, city_styles, district_styles, strict=True)]
    for column, cells in bad.items():
        for i, value in cells:
            rows[i][column] = _future_date(truths[i]["registered_at"], rng) if value == "将来" else value

    exact = [dict(rows[i]) for i in rng.choice(n, size=scaled({"k": _EXACT_DUPLICATES})["k"], replace=False)]
    near = []
    for i in rng.choice(n, size=scaled({"k": _NEAR_DUPLICATES})["k"], replace=False):
        near.append(_messy_row(
            truths[i],
            str(pick(rng, [s for s in ("slash", "chinese", "compact") if s != date_styles[i]])),
            "spaces" if phone_styles[i] != "spaces" else "dashes",
            "ascii_space" if name_styles[i] != "ascii_space" else "fullwidth_space",
            str(pick(rng, [s for s in ("plain", "shi", "pinyin") if s != city_styles[i]])),
            "plain" if district_styles[i] == "short" else "short",
        ))
    for extra in exact + near:
        rows.insert(int(rng.integers(0, len(rows) + 1)), extra)
    messy = pd.DataFrame(rows, columns=MESSY_CUSTOMERS.column_names)
    clean = clean[MESSY_CUSTOMERS_CLEAN.column_names]
    return {"messy_customers": messy, "messy_customers_clean": clean}


def messy_counts(messy: pd.DataFrame, *, export_date: date = EXPORT_DATE) -> dict[str, int]:
    """数一数脏登记表里每种问题出现了多少行（教师部分列出这些数字）。``messy`` 是按文本读入的表。"""
    text = messy.fillna("")
    dates = text["注册日期"]
    phones = text["手机号"]
    districts = text["区"]
    with_suffix = set(districts[districts.str.endswith("区")])
    parsed = pd.to_datetime(dates.where(dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}")), format="%Y-%m-%d")
    ages = pd.to_numeric(text["年龄"].where(text["年龄"] != ""))
    months = pd.to_numeric(text["出生月份"].where(text["出生月份"] != ""))
    exact = int(messy.duplicated().sum())
    counts = {
        "完全重复的行": exact,
        "同一客户的近似重复行（编号相同、写法不同）": int(messy.duplicated("客户编号").sum()) - exact,
        "手机号中间有空格": int(phones.str.fullmatch(r"\d{3} \*{4} \d{4}").sum()),
        "手机号中间有横线": int(phones.str.contains("-").sum()),
        "手机号带 +86": int(phones.str.startswith("+86").sum()),
        "手机号用全角数字": int(phones.str.contains("[０-９]").sum()),
        "日期写成 2025/3/1": int(dates.str.contains("/").sum()),
        "日期写成 2025年3月1日": int(dates.str.contains("年").sum()),
        "日期写成 20250301": int(dates.str.fullmatch(r"\d{8}").sum()),
        "日期是 Excel 序列号": int(dates.str.fullmatch(r"\d{5}").sum()),
        "城市带“市”字": int(text["城市"].str.endswith("市").sum()),
        "城市写成拼音": int(text["城市"].str.fullmatch(r"[A-Za-z]+").sum()),
        "区名少了“区”字": int((~districts.str.endswith("区") & (districts + "区").isin(with_suffix)).sum()),
        "姓名里有半角空格": int(text["姓名"].str.contains(" ").sum()),
        "姓名里有全角空格": int(text["姓名"].str.contains("\u3000").sum()),
        "年龄不可能（大于 120）": int((ages > 120).sum()),
        "出生月份不在 1～12": int((~months.between(1, 12) & months.notna()).sum()),
        "注册日期晚于导出日期": int((parsed > pd.Timestamp(export_date)).sum()),
    }
    for column in _MISSING:
        counts[f"缺失：{column}"] = int((text[column] == "").sum())
    return counts


# ---------------------------------------------------------------- 制造业：经销商、进货订单、服务请求

MFG_SEED = 20230901
MFG_START, MFG_END = date(2023, 9, 1), date(2026, 8, 31)
MFG_PORTAL_LAUNCH = date(2025, 1, 1)
_MFG_CITIES = {"华南": ["广州", "深圳", "佛山", "东莞", "南宁", "海口"],
               "华东": ["上海", "杭州", "南京", "苏州", "宁波"],
               "华北": ["北京", "天津", "石家庄", "太原"], "华中": ["武汉", "长沙", "郑州", "南昌"],
               "西南": ["成都", "重庆", "昆明", "贵阳"]}
# 埋好的地区差异，各大区的：(每家经销商进货额每年的增长率, 老经销商三年内离开的概率, 新经销商所占比例)
_MFG_REGION_TRENDS = {"华南": (0.08, 0.25, 0.12), "华东": (0.25, 0.12, 0.35), "华北": (-0.05, 0.3, 0.08),
                      "华中": (0.04, 0.25, 0.12), "西南": (-0.15, 0.45, 0.05)}
_MFG_UNIT_PRICES = {"家用空调": 2600.0, "商用空调": 9800.0, "空气净化器": 1500.0, "新风系统": 6500.0}
_MFG_DECLINE_DAYS = 270  # 离开前这么多天里，进货越来越少


def manufacturing_tables(*, scale: float = 1, seed: int = MFG_SEED) -> dict[str, pd.DataFrame]:
    """生成制造业案例的三张表：经销商、进货订单、服务请求。

    埋好的规律：约四分之一的经销商在三年里终止合作，离开前 9 个月进货逐月减少；华东增长（每家进货增加、
    新经销商多、离开的少），西南下滑（每家进货减少、离开的多）；
    2025 年上线网上服务平台后，响应时间大大缩短，响应越快满意度越高。

    >>> sorted(manufacturing_tables(scale=0.2))
    ['mfg_dealers', 'mfg_orders', 'mfg_service']
    """
    _check_scale(scale)
    rng = np.random.default_rng(seed)
    dealers, orders, requests = [], [], []
    names: set[str] = set()
    for k in range(_count(100, scale)):
        dealer_id = f"D{k + 1:03d}"
        region = str(pick(rng, MFG_REGIONS, p=[0.3, 0.25, 0.15, 0.15, 0.15]))
        city = str(pick(rng, _MFG_CITIES[region]))
        first_tier = rng.random() < 0.3
        growth, leave_p, new_share = _MFG_REGION_TRENDS[region]
        if rng.random() >= new_share:
            since = date(2012, 1, 1) + timedelta(days=int(rng.integers(0, (date(2023, 6, 30) - date(2012, 1, 1)).days)))
        else:
            since = MFG_START + timedelta(days=int(rng.integers(0, 800)))
        left_at = None
        if since < date(2024, 3, 1) and rng.random() < leave_p:
            left_at = date(2024, 9, 1) + timedelta(days=int(rng.integers(0, 667)))  # 到 2026-06-30 为止
        end = left_at or MFG_END
        per_order = float(rng.lognormal(np.log(60000 if first_tier else 18000), 0.35))
        gap = 18 if first_tier else 32
        lines = ["家用空调", "商用空调", "空气净化器", "新风系统"]
        line_p = [0.55, 0.2, 0.15, 0.1] if not first_tier else [0.45, 0.3, 0.1, 0.15]
        day = max(since, MFG_START) + timedelta(days=int(rng.integers(0, gap)))
        while day < end:
            years = (day - MFG_START).days / 365.25
            factor = (1 + growth) ** years
            if left_at is not None and (left_at - day).days < _MFG_DECLINE_DAYS:
                factor *= 0.1 + 0.9 * (left_at - day).days / _MFG_DECLINE_DAYS
            line = str(pick(rng, lines, p=line_p))
            unit = _MFG_UNIT_PRICES[line]
            quantity = max(1, int(round(per_order * factor * rng.lognormal(0, 0.3) / unit)))
            orders.append((f"MO{len(orders) + 1:05d}", dealer_id, day, line, quantity, round(quantity * unit, 2)))
            slowdown = 1.0 if left_at is None or (left_at - day).days >= _MFG_DECLINE_DAYS else 1.6
            day += timedelta(days=max(3, int(rng.exponential(gap * slowdown))))
        n_requests = int(rng.poisson(3.5 * ((end - max(since, MFG_START)).days / 365.25)))
        for _ in range(n_requests):
            start = max(since, MFG_START)
            opened = datetime.combine(start + timedelta(days=int(rng.integers(0, max(1, (end - start).days)))),
                                      datetime.min.time()) + timedelta(minutes=int(rng.integers(8 * 60, 18 * 60)))
            if opened.date() < MFG_PORTAL_LAUNCH:
                channel = str(pick(rng, ["电话", "传真"], p=[0.8, 0.2]))
            else:
                channel = str(pick(rng, ["网上服务平台", "电话", "传真"], p=[0.65, 0.3, 0.05]))
            typical = {"网上服务平台": 2.5, "电话": 20.0 if opened.date() < MFG_PORTAL_LAUNCH else 10.0, "传真": 30.0}
            hours = round(float(rng.lognormal(np.log(typical[channel]), 0.55)), 1)
            satisfaction = min(max(round(5.4 - 0.55 * np.log1p(hours) + rng.normal(0, 0.6)), 1), 5)
            requests.append((dealer_id, opened, channel,
                             str(pick(rng, ["技术支持", "配件申请", "退换货", "订单查询"], p=[0.35, 0.3, 0.1, 0.25])),
                             hours, satisfaction))
        name = _unique_name(lambda c=city: f"{c}{_dealer_word(rng)}", names, k + 1)
        dealers.append((dealer_id, name, region, city,
                        "一级经销商" if first_tier else "二级经销商", since, left_at))
    requests.sort(key=lambda r: r[1])
    requests = [(f"SR{i + 1:05d}", *r) for i, r in enumerate(requests)]
    return {"mfg_dealers": _frame(dealers, MFG_DEALERS), "mfg_orders": _frame(orders, MFG_ORDERS),
            "mfg_service": _frame(requests, MFG_SERVICE)}


def _dealer_word(rng) -> str:
    return str(pick(rng, ["恒达", "百川", "嘉信", "永盛", "华誉", "鑫源", "瑞丰", "安泰", "宏图", "金诚"])) + \
        str(pick(rng, ["电器", "暖通", "机电", "家电"])) + str(pick(rng, ["有限公司", "商行", "贸易有限公司"]))


# ---------------------------------------------------------------- 房地产：来访客户和渠道费用

REALESTATE_SEED = 20250301
RE_START, RE_END = date(2025, 3, 1), date(2026, 2, 28)
_RE_DEAL_RATE = {"自然到访": 0.11, "中介": 0.17, "网络": 0.05, "老带新": 0.30, "户外广告": 0.035}
_RE_CHANNEL_P = [0.22, 0.20, 0.34, 0.10, 0.14]  # 顺序同 schema.REALESTATE_CHANNELS
_RE_AGENT_COMMISSION = 0.015
_RE_REFERRAL_REWARD = 10000.0


def realestate_tables(*, scale: float = 1, seed: int = REALESTATE_SEED) -> dict[str, pd.DataFrame]:
    """生成房地产案例的两张表：售楼处来访客户、各渠道一年的费用。

    埋好的规律：渠道质量不同——老带新成交率最高，每套成交的成本也不高；网络来人最多但成交率低；
    户外广告成交率最低、每套成本最高；中介成交率不错但佣金贵；自然到访便宜但人数有限。跟进次数多的客户更可能成交。

    >>> leads = realestate_tables(scale=0.1)["realestate_leads"]
    >>> set(leads["channel"]) <= set(REALESTATE_CHANNELS)
    True
    """
    _check_scale(scale)
    rng = np.random.default_rng(seed)
    days = (RE_END - RE_START).days
    rows = []
    for _ in range(_count(2400, scale)):
        visit = RE_START + timedelta(days=int(rng.integers(0, days + 1)))
        channel = str(pick(rng, REALESTATE_CHANNELS, p=_RE_CHANNEL_P))
        purpose = str(pick(rng, ["首次置业", "改善置业", "投资"], p=[0.5, 0.4, 0.1]))
        age_band = str(pick(rng, ["25岁以下", "26-35", "36-45", "46岁以上"],
                                  p=[0.15, 0.5, 0.25, 0.1] if purpose == "首次置业" else [0.03, 0.3, 0.42, 0.25]))
        budget = round(float(rng.lognormal(np.log({"首次置业": 130, "改善置业": 220, "投资": 160}[purpose]), 0.25)), 0)
        deal = bool(rng.random() < _RE_DEAL_RATE[channel] * (1.2 if purpose == "改善置业" else 0.9))
        follow_ups = int(1 + rng.poisson(3.0)) if deal else int(rng.poisson(1.8))
        deal_date = deal_amount = None
        if deal:
            deal_date = min(RE_END, visit + timedelta(days=int(rng.integers(5, 80))))
            deal_amount = round(budget * float(rng.uniform(0.88, 1.08)), 1)
        rows.append((visit, channel, age_band, purpose, budget, follow_ups, deal, deal_date, deal_amount))
    rows.sort(key=lambda r: r[0])
    leads = _frame([(f"L{i + 1:05d}", *r) for i, r in enumerate(rows)], REALESTATE_LEADS)
    agent_sales = leads.loc[leads["deal"] & (leads["channel"] == "中介"), "deal_amount_wan"].sum() * 10000
    referral_deals = int((leads["deal"] & (leads["channel"] == "老带新")).sum())
    costs = [
        ("自然到访", round(150000 * scale, 2), "售楼处接待、样板间维护中分摊给自然到访的部分"),
        ("中介", round(float(agent_sales) * _RE_AGENT_COMMISSION, 2), "中介佣金：按中介带来的成交金额的 1.5% 结算"),
        ("网络", round(600000 * scale, 2), "房产网站置顶、短视频投放和线上广告"),
        ("老带新", referral_deals * _RE_REFERRAL_REWARD, "老业主推荐成交一套奖励 1 万元（抵物业费）"),
        ("户外广告", round(780000 * scale, 2), "路牌、公交站和地铁广告"),
    ]
    return {"realestate_leads": leads, "realestate_channel_costs": _frame(costs, REALESTATE_CHANNEL_COSTS)}


# ---------------------------------------------------------------- 航空业：常旅客会员（LRFMC）

AIRLINE_SEED = 20260331
AIRLINE_LOAD_TIME = date(2026, 3, 31)
AIRLINE_WINDOW_START = date(2024, 4, 1)
AIRLINE_GROUPS = ("重要保持客户", "重要发展客户", "重要挽留客户", "一般客户", "低价值客户")
# 各群体：(占比, 入会月数 L 的范围, 最近乘机距今月数 R 的范围, 乘机次数 F 的中位数, 每次里程/公里, 平均折扣系数 C)
_AIRLINE_PROFILES = {
    "重要保持客户": (0.10, (50, 130), (0.0, 1.5), 42, 1550, 0.92),
    "重要发展客户": (0.20, (8, 40), (0.0, 3.0), 11, 1350, 1.10),
    "重要挽留客户": (0.14, (60, 140), (8.0, 16.0), 17, 1650, 0.80),
    "一般客户": (0.26, (36, 80), (2.5, 9.0), 6, 1200, 0.64),
    "低价值客户": (0.30, (18, 40), (14.0, 23.5), 2, 1000, 0.46),
}
_AIRLINE_CITIES = ["广州", "深圳", "北京", "上海", "成都", "长沙", "武汉", "昆明", "海口", "杭州", "重庆", "西安"]
_DAYS_PER_MONTH = 30.4
_AIRLINE_FARE_PER_KM = 0.75  # 全价机票每公里约 0.75 元（虚构，量级与国内经济舱全价相当）


def _airline_members(scale: float, seed: int) -> tuple[pd.DataFrame, pd.Series]:
    _check_scale(scale)
    rng = np.random.default_rng(seed)
    n = _count(6000, scale, minimum=50)
    shares = np.array([p[0] for p in _AIRLINE_PROFILES.values()])
    groups = rng.choice(len(AIRLINE_GROUPS), size=n, p=shares / shares.sum())
    rows = []
    for k, g in enumerate(groups):
        _, (l_low, l_high), (r_low, r_high), f_median, km, discount = _AIRLINE_PROFILES[AIRLINE_GROUPS[g]]
        months = float(rng.uniform(l_low, l_high))
        ffp = AIRLINE_LOAD_TIME - timedelta(days=int(months * _DAYS_PER_MONTH))
        recency = min(float(rng.uniform(r_low, r_high)), months - 0.5)
        last = AIRLINE_LOAD_TIME - timedelta(days=int(recency * _DAYS_PER_MONTH))
        last = max(last, AIRLINE_WINDOW_START, ffp)
        flights = max(1, int(round(f_median * rng.lognormal(0, 0.22))))
        mileage = int(round(flights * km * rng.lognormal(0, 0.18)))
        avg_discount = round(min(max(float(rng.normal(discount, 0.06)), 0.2), 1.5), 3)
        if flights >= 40 or mileage >= 70000:
            tier = "白金卡" if rng.random() < 0.7 else "金卡"
        elif flights >= 20:
            tier = "金卡" if rng.random() < 0.6 else "银卡"
        elif flights >= 8:
            tier = "银卡" if rng.random() < 0.5 else "普通卡"
        else:
            tier = "普通卡"
        age = int(min(max(float(rng.normal(41, 10)), 19), 79))
        rows.append((f"M{k + 1:05d}", ffp, AIRLINE_LOAD_TIME, last, flights, mileage, avg_discount, np.nan, np.nan,
                     "男" if rng.random() < 0.7 else "女", age, str(pick(rng, _AIRLINE_CITIES)), tier))
    table = _frame(rows, AIRLINE_MEMBERS)
    # 真实会员数据里常见的问题（写在教师部分）：漏填年龄和工作城市，个别年龄录错
    table["age"] = table["age"].astype(float)
    table.loc[rng.choice(n, size=max(1, n // 100), replace=False), "age"] = np.nan
    table.loc[rng.choice(n, size=max(1, n // 50), replace=False), "work_city"] = None
    wrong = rng.choice(n, size=3, replace=False)
    table.loc[wrong, "age"] = [105.0, 110.0, 112.0]
    table["age"] = table["age"].astype("Int64")
    _add_airline_fares(table, np.random.default_rng(seed + 1))
    return table, pd.Series([AIRLINE_GROUPS[g] for g in groups], index=table.index, name="planted_group")


def _add_airline_fares(table: pd.DataFrame, rng: np.random.Generator) -> None:
    """两年的票价收入 SUM_YR_1、SUM_YR_2：里程 × 折扣系数 × 全价每公里票价，按乘机时间分到两年里。

    用单独的随机数生成器，其他列和加票价之前完全一样。教材清洗规则要处理的两种问题也埋在这里：
    个别会员某一年的票价漏记（空值），少数会员两年票价都是 0 却有里程（积分兑换的免费机票）。
    """
    n = len(table)
    total = table["seg_km_sum"] * table["avg_discount"] * _AIRLINE_FARE_PER_KM * rng.lognormal(0, 0.08, size=n)
    middle = AIRLINE_WINDOW_START.replace(year=AIRLINE_WINDOW_START.year + 1).isoformat()
    only_first = table["last_flight_date"] < middle
    only_second = table["ffp_date"] >= middle
    second_share = np.where(only_first, 0.0, np.where(only_second, 1.0, rng.uniform(0.35, 0.75, size=n)))
    table["sum_yr_2"] = (total * second_share).round(0)
    table["sum_yr_1"] = (total - table["sum_yr_2"]).round(0)
    free = rng.choice(n, size=max(1, int(n * 0.015)), replace=False)
    table.loc[free, ["sum_yr_1", "sum_yr_2"]] = 0.0
    rest = np.setdiff1d(np.arange(n), free)
    for column, share in (("sum_yr_1", 0.005), ("sum_yr_2", 0.003)):
        table.loc[rng.choice(rest, size=max(1, int(n * share)), replace=False), column] = np.nan


def airline_tables(*, scale: float = 1, seed: int = AIRLINE_SEED) -> dict[str, pd.DataFrame]:
    """生成航空业案例的常旅客会员表（教材“航空公司客户价值分析”的 LRFMC 案例）。

    埋好的规律：会员按五种群体生成（重要保持 / 重要发展 / 重要挽留 / 一般 / 低价值，按教材对
    LRFMC 聚类中心的解读），标准化后用 K-Means（k=5）能分出来。群体标签不随数据发放，
    老师可以用 ``airline_planted_groups()`` 拿到。

    >>> members = airline_tables(scale=0.05)["airline_members"]
    >>> bool((members["last_flight_date"] <= members["load_time"]).all())
    True
    """
    return {"airline_members": _airline_members(scale, seed)[0]}


def airline_planted_groups(*, scale: float = 1, seed: int = AIRLINE_SEED) -> pd.Series:
    """航空会员表里每位会员生成时所属的群体（和 ``airline_tables`` 同样的参数给出同样的会员，行序相同）。

    >>> sorted(airline_planted_groups(scale=0.05).unique()) == sorted(AIRLINE_GROUPS)
    True
    """
    return _airline_members(scale, seed)[1]


# ---------------------------------------------------------------- 物流业：签约客户和运单

LOGISTICS_SEED = 20250101
_LOGISTICS_YEAR = 2025
_LOGISTICS_DESTINATIONS = {"广州": 1, "深圳": 1, "佛山": 1, "长沙": 2, "南宁": 2, "厦门": 2, "上海": 3, "杭州": 3,
                           "武汉": 2, "成都": 3, "北京": 4, "西安": 3, "沈阳": 4, "乌鲁木齐": 5}
_LOGISTICS_CITIES = ["广州", "深圳", "佛山", "东莞", "中山", "珠海"]
_LOGISTICS_NAMES = ["优品", "鲜达", "百草", "新锐", "恒信", "美佳", "华康", "乐购", "众联", "立航", "盛世", "嘉禾",
                    "安心", "凯旋", "德润"]


_LOGISTICS_RESOLUTION_MEDIAN_RENEWED = 14.0  # 小时：续约客户的投诉处理时间中位数
_LOGISTICS_RESOLUTION_MEDIAN_LEFT = 40.0  # 小时：没有续约的客户


def logistics_tables(*, scale: float = 1, seed: int = LOGISTICS_SEED) -> dict[str, pd.DataFrame]:
    """生成物流业案例的两张表：签约客户（含第二年是否续约）和 2025 年的运单。

    埋好的规律：每个客户的线路质量不同，延误多的客户投诉多；延误率高、投诉多的客户续约率明显更低；
    投诉处理得慢的客户续约率更低（见 ``_add_resolution_hours``）。

    >>> tables = logistics_tables(scale=0.1)
    >>> set(tables["logistics_shipments"]["customer_id"]) <= set(tables["logistics_customers"]["customer_id"])
    True
    """
    _check_scale(scale)
    rng = np.random.default_rng(seed)
    industries = ("电商", "制造", "零售", "医药", "食品")
    destinations = list(_LOGISTICS_DESTINATIONS)
    customers, shipments = [], []
    names: set[str] = set()
    for k in range(_count(300, scale)):
        customer_id = f"LC{k + 1:04d}"
        industry = str(pick(rng, industries, p=[0.35, 0.25, 0.2, 0.08, 0.12]))
        late_p = min(max(float(rng.lognormal(np.log(0.09), 0.7)), 0.01), 0.6)
        per_year = max(2, int(rng.lognormal(np.log(15), 0.55)))
        weight_scale = float(rng.lognormal(np.log(80 if industry in ("制造", "零售") else 25), 0.6))
        home_destinations = rng.choice(destinations, size=3, replace=False)
        delays, complaints = 0, 0
        for _ in range(per_year):
            ship = date(_LOGISTICS_YEAR, 1, 1) + timedelta(days=int(rng.integers(0, 358)))
            destination = str(pick(rng, home_destinations)) if rng.random() < 0.7 else str(pick(rng, destinations))
            distance = _LOGISTICS_DESTINATIONS[destination]
            promised = ship + timedelta(days=distance + 1)
            late = rng.random() < late_p
            delivered = promised + timedelta(days=int(rng.integers(1, 5))) if late else \
                promised - timedelta(days=int(rng.random() < 0.3))
            complaint = "无"
            if late and rng.random() < 0.4:
                complaint = "延误"
            elif rng.random() < 0.04:
                complaint = str(pick(rng, ["货物破损", "服务态度", "信息不及时"]))
            delays += late
            complaints += complaint != "无"
            weight = round(float(weight_scale * rng.lognormal(0, 0.4)), 1)
            fee = round(12 + weight * (0.8 + 0.35 * distance), 2)
            shipments.append((customer_id, ship, destination, weight, fee, promised, delivered,
                              delivered <= promised, complaint, np.nan))
        late_rate = delays / per_year
        logit = 2.4 - 7.0 * late_rate - 0.7 * complaints + rng.normal(0, 0.5)
        renewed = bool(rng.random() < 1 / (1 + np.exp(-logit)))
        since = date(2016, 1, 1) + timedelta(days=int(rng.integers(0, (date(2024, 12, 31) - date(2016, 1, 1)).days)))
        name = _unique_name(lambda i=industry: f"{pick(rng, _LOGISTICS_CITIES)}{pick(rng, _LOGISTICS_NAMES)}{i}"
                            f"{pick(rng, ['有限公司', '股份有限公司', '集团有限公司'])}", names, k + 1)
        customers.append((customer_id, name, industry, str(pick(rng, _LOGISTICS_CITIES)), since, renewed))
    shipments.sort(key=lambda s: s[1])
    shipments = [(f"YD{i + 1:06d}", *s) for i, s in enumerate(shipments)]
    customers_table, shipments_table = _frame(customers, LOGISTICS_CUSTOMERS), _frame(shipments, LOGISTICS_SHIPMENTS)
    _add_resolution_hours(shipments_table, customers_table, np.random.default_rng(seed + 1))
    return {"logistics_customers": customers_table, "logistics_shipments": shipments_table}


def _add_resolution_hours(shipments: pd.DataFrame, customers: pd.DataFrame, rng: np.random.Generator) -> None:
    """每条投诉处理了多久。埋好的规律（服务补救）：投诉处理得快的客户续约多，拖了几天的多半不再续约。

    用单独的随机数生成器，其他列和加这一列之前完全一样。
    """
    complained = shipments["complaint"] != "无"
    renewed = shipments.loc[complained, "customer_id"].map(customers.set_index("customer_id")["renewed"])
    median_hours = np.where(renewed.to_numpy(dtype=bool), _LOGISTICS_RESOLUTION_MEDIAN_RENEWED,
                            _LOGISTICS_RESOLUTION_MEDIAN_LEFT)
    hours = median_hours * rng.lognormal(0, 0.7, size=int(complained.sum()))
    shipments.loc[complained, "resolution_hours"] = np.clip(hours, 0.5, 240).round(1)


# ---------------------------------------------------------------- 旅游业：订单和点评

TRAVEL_SEED = 20240101
TRAVEL_START, TRAVEL_END = date(2024, 1, 1), date(2026, 6, 30)
# 线路：(每人价格/元, 天数, 口碑：评分的平均偏移)
_TRAVEL_ROUTE_INFO = dict(zip(TRAVEL_ROUTES, [(2680, 4, 0.1), (3980, 6, 0.0), (3580, 5, -0.2), (2280, 4, 0.2),
                                              (2980, 5, -0.1), (1880, 3, 0.0), (3280, 5, 0.1), (6980, 8, 0.3)],
                              strict=True))
_REBOOK_P = {1: 0.03, 2: 0.05, 3: 0.15, 4: 0.32, 5: 0.45}
_GOOD = ["导游讲解很专业，也很有耐心", "酒店干净舒适，位置方便", "行程安排合理，不赶", "当地特色菜很好吃",
         "性价比很高", "司机开车很稳", "领队照顾老人小孩很细心", "景色太美了"]
_BAD = ["导游一直带我们进购物店", "酒店条件比宣传的差很多", "行程太赶，每天五点多就起床", "饭菜很一般，分量也少",
        "集合经常要等人，浪费时间", "价格偏贵，不值这个钱", "临时更换了景点也没有提前说", "客服电话打不通"]


def _review_text(rating: int, rng) -> str:
    good, bad = list(rng.permutation(_GOOD)), list(rng.permutation(_BAD))
    if rating == 5:
        parts = [good[0], good[1], str(pick(rng, ["下次还报你们的团！", "强烈推荐！", "已经推荐给朋友了。"]))]
    elif rating == 4:
        parts = [good[0], str(pick(rng, ["整体满意。", f"就是{bad[0]}。", "总体不错。"]))]
    elif rating == 3:
        parts = [good[0], f"但是{bad[0]}", "中规中矩吧。"]
    else:
        parts = [bad[0], bad[1], str(pick(rng, ["很失望。", "不会再报了。", "体验很差。"]))]
    return "，".join([*(p.rstrip("。！") for p in parts[:-1]), parts[-1]])


def travel_tables(*, scale: float = 1, seed: int = TRAVEL_SEED) -> dict[str, pd.DataFrame]:
    """生成旅游业案例的两张表：旅行社订单和游客点评。

    埋好的规律：一次旅行的体验（评分）决定客户会不会再来——打 1～2 分的客户几乎不再报名；
    回头客的订单金额更高（带家人、选更贵的线路），给的评分也更高。

    >>> tables = travel_tables(scale=0.1)
    >>> set(tables["travel_reviews"]["booking_id"]) <= set(tables["travel_bookings"]["booking_id"])
    True
    """
    _check_scale(scale)
    rng = np.random.default_rng(seed)
    routes = list(TRAVEL_ROUTES)
    channels = ["门店", "官网", "微信小程序", "OTA平台", "电话"]
    bookings, reviews = [], []
    last_first_booking = (TRAVEL_END - TRAVEL_START).days - 60
    for k in range(_count(1400, scale)):
        customer_id = f"TC{k + 1:05d}"
        booked = TRAVEL_START + timedelta(days=int(rng.integers(0, last_first_booking)))
        trip = 0
        while booked <= TRAVEL_END:
            repeat = trip > 0
            route = str(pick(rng, routes, p=[0.16, 0.14, 0.15, 0.14, 0.12, 0.16, 0.09, 0.04] if not repeat else
                                   [0.1, 0.16, 0.13, 0.1, 0.12, 0.08, 0.14, 0.17]))
            price, days, route_bias = _TRAVEL_ROUTE_INFO[route]
            travellers = int(pick(rng, [1, 2, 3, 4], p=[0.25, 0.45, 0.15, 0.15])) + int(repeat and rng.random() < 0.35)
            departure = booked + timedelta(days=int(rng.integers(7, 60)))
            amount = round(travellers * price * float(rng.uniform(0.92, 1.08)) * (1.08 if repeat else 1.0), 0)
            channel = str(pick(rng, channels, p=[0.25, 0.15, 0.3, 0.22, 0.08] if not repeat else
                                     [0.25, 0.1, 0.45, 0.05, 0.15]))
            booking_id = f"B{len(bookings) + 1:05d}"
            bookings.append((booking_id, customer_id, booked, route, departure, travellers, amount, channel))
            rating = min(max(round(3.7 + route_bias + 0.5 * repeat + rng.normal(0, 1.05)), 1), 5)
            back = departure + timedelta(days=days)
            if rng.random() < (0.85 if rating in (1, 2, 5) else 0.6):
                reviews.append((booking_id, back + timedelta(days=int(rng.integers(1, 10))), rating,
                                _review_text(rating, rng)))
            if rng.random() >= _REBOOK_P[rating]:
                break
            booked = back + timedelta(days=int(20 + rng.exponential(150)))
            trip += 1
    bookings.sort(key=lambda b: (b[2], b[0]))
    renumber = {b[0]: f"B{i + 1:05d}" for i, b in enumerate(bookings)}
    bookings = [(renumber[b[0]], *b[1:]) for b in bookings]
    reviews.sort(key=lambda r: (r[1], renumber[r[0]]))
    reviews = [(f"R{i + 1:05d}", renumber[r[0]], *r[1:]) for i, r in enumerate(reviews)]
    return {"travel_bookings": _frame(bookings, TRAVEL_BOOKINGS), "travel_reviews": _frame(reviews, TRAVEL_REVIEWS)}


def case_tables(*, scale: float = 1) -> dict[str, pd.DataFrame]:
    """生成模块七五个行业案例的全部表。"""
    return {**manufacturing_tables(scale=scale), **realestate_tables(scale=scale), **airline_tables(scale=scale),
            **logistics_tables(scale=scale), **travel_tables(scale=scale)}


# ---------------------------------------------------------------- 教师部分：埋好的规律有多强

def _last_half_year_ratio(orders: pd.DataFrame, end: pd.Timestamp) -> float:
    """结束前 6 个月的进货额 ÷ 再往前 6 个月的进货额。"""
    middle, start = end - pd.DateOffset(months=6), end - pd.DateOffset(months=12)
    recent = orders.loc[(orders["order_date"] >= middle) & (orders["order_date"] < end), "amount"].sum()
    before = orders.loc[(orders["order_date"] >= start) & (orders["order_date"] < middle), "amount"].sum()
    return float(recent / before) if before else float("nan")


def airline_lrfmc(members: pd.DataFrame) -> pd.DataFrame:
    """由会员表算 LRFMC 五个指标（教材的定义）：L = 入会至观察结束的月数，R = 最后一次乘机至观察结束的月数，
    F = 乘机次数，M = 总飞行里程，C = 平均折扣系数。一个月按 30 天算。日期列可以是文本或日期类型。

    >>> airline_lrfmc(airline_tables(scale=0.01)["airline_members"]).columns.tolist()
    ['L', 'R', 'F', 'M', 'C']
    """
    end = pd.to_datetime(members["load_time"])
    month = pd.Timedelta(days=30)
    return pd.DataFrame({
        "L": (end - pd.to_datetime(members["ffp_date"])) / month,
        "R": (end - pd.to_datetime(members["last_flight_date"])) / month,
        "F": members["flight_count"],
        "M": members["seg_km_sum"],
        "C": members["avg_discount"],
    })


def case_figures(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """计算五个行业案例里埋好的规律有多强（写进教师部分）。``tables`` 是生成器给出的表（日期是文本）。"""
    figures: dict[str, float] = {}
    dealers = tables["mfg_dealers"]
    orders = tables["mfg_orders"].assign(order_date=lambda t: pd.to_datetime(t["order_date"]))
    by_dealer = dict(tuple(orders.groupby("dealer_id")))
    empty = orders.iloc[:0]
    leavers = dealers[dealers["left_at"].notna()]
    stayers = dealers[dealers["left_at"].isna() & (dealers["since"] < "2025-09-01")]
    end = pd.Timestamp(MFG_END) + pd.Timedelta(days=1)
    figures["mfg_leavers"] = len(leavers)
    left = zip(leavers["dealer_id"], leavers["left_at"], strict=True)
    figures["mfg_leaver_ratio"] = float(np.nanmedian(
        [_last_half_year_ratio(by_dealer.get(d, empty), pd.Timestamp(t)) for d, t in left]))
    figures["mfg_stayer_ratio"] = float(np.nanmedian(
        [_last_half_year_ratio(by_dealer.get(d, empty), end) for d in stayers["dealer_id"]]))
    yearly = orders.merge(dealers[["dealer_id", "region"]]).assign(
        year=lambda t: (t["order_date"] - pd.Timestamp(MFG_START)).dt.days // 365)
    by_region = yearly.pivot_table(index="region", columns="year", values="amount", aggfunc="sum")
    for region, row in by_region.iterrows():
        figures[f"mfg_growth_{region}"] = float(row[2] / row[0] - 1)
    service = tables["mfg_service"]
    after = service["opened_at"] >= MFG_PORTAL_LAUNCH.isoformat()
    figures["mfg_response_before"] = float(service.loc[~after, "response_hours"].median())
    figures["mfg_response_after"] = float(service.loc[after, "response_hours"].median())
    figures["mfg_portal_share_after"] = float((service.loc[after, "channel"] == "网上服务平台").mean())
    figures["mfg_satisfaction_fast"] = float(service.loc[service["response_hours"] <= 4, "satisfaction"].mean())
    figures["mfg_satisfaction_slow"] = float(service.loc[service["response_hours"] > 24, "satisfaction"].mean())

    leads = tables["realestate_leads"]
    costs = tables["realestate_channel_costs"].set_index("channel")["cost"]
    per_channel = leads.groupby("channel")["deal"].agg(["size", "mean", "sum"])
    for channel, row in per_channel.iterrows():
        figures[f"re_rate_{channel}"] = float(row["mean"])
        figures[f"re_cost_per_deal_{channel}"] = float(costs[channel] / row["sum"])
        figures[f"re_leads_{channel}"] = int(row["size"])

    lrfmc = airline_lrfmc(tables["airline_members"])
    planted = airline_planted_groups(scale=len(lrfmc) / 6000)
    labels = KMeans(5, random_state=0, n_init=10).fit_predict(StandardScaler().fit_transform(lrfmc))
    figures["airline_ari"] = float(adjusted_rand_score(planted, labels))

    shipments, customers = tables["logistics_shipments"], tables["logistics_customers"]
    per_customer = shipments.groupby("customer_id").agg(
        late_rate=("on_time", lambda s: 1 - s.mean()), complaints=("complaint", lambda s: int((s != "无").sum())))
    per_customer = per_customer.join(customers.set_index("customer_id")["renewed"])
    high_late = per_customer["late_rate"] > per_customer["late_rate"].median()
    figures["log_on_time"] = float(shipments["on_time"].mean())
    figures["log_renewed"] = float(per_customer["renewed"].mean())
    figures["log_renewed_low_late"] = float(per_customer.loc[~high_late, "renewed"].mean())
    figures["log_renewed_high_late"] = float(per_customer.loc[high_late, "renewed"].mean())
    figures["log_renewed_no_complaint"] = float(per_customer.loc[per_customer["complaints"] == 0, "renewed"].mean())
    figures["log_renewed_2_complaints"] = float(per_customer.loc[per_customer["complaints"] >= 2, "renewed"].mean())

    bookings, reviews = tables["travel_bookings"], tables["travel_reviews"]
    bookings = bookings.sort_values(["booked_at", "booking_id"])
    trip_no = bookings.groupby("customer_id").cumcount()
    repeat_booking = bookings.assign(repeat=trip_no > 0).set_index("booking_id")["repeat"]
    n_trips = bookings.groupby("customer_id").size()
    figures["travel_repeat_customers"] = float((n_trips > 1).mean())
    figures["travel_amount_first"] = float(bookings.loc[trip_no.to_numpy() == 0, "amount"].mean())
    figures["travel_amount_repeat"] = float(bookings.loc[trip_no.to_numpy() > 0, "amount"].mean())
    rated = reviews.assign(repeat=reviews["booking_id"].map(repeat_booking))
    figures["travel_rating_first"] = float(rated.loc[~rated["repeat"], "rating"].mean())
    figures["travel_rating_repeat"] = float(rated.loc[rated["repeat"], "rating"].mean())
    first = rated[~rated["repeat"]].merge(bookings[["booking_id", "customer_id"]], on="booking_id")
    came_back = first["customer_id"].map(n_trips) > 1
    figures["travel_back_after_bad"] = float(came_back[first["rating"] <= 2].mean())
    figures["travel_back_after_good"] = float(came_back[first["rating"] >= 4].mean())
    return figures


def case_teacher_notes(tables: dict[str, pd.DataFrame]) -> list[str]:
    """教师部分里关于脏登记表和五个行业案例的段落（一行一个元素）。"""
    f = case_figures(tables)
    mess = messy_counts(tables["messy_customers"])
    growth = "、".join(f"{r} {f[f'mfg_growth_{r}']:+.0%}" for r in MFG_REGIONS)
    channels = "；".join(f"{c} {f[f're_leads_{c}']} 人、成交率 {f[f're_rate_{c}']:.1%}、每套成本 "
                        f"{f[f're_cost_per_deal_{c}']:,.0f} 元" for c in REALESTATE_CHANNELS)
    members = tables["airline_members"]
    lrfmc = airline_lrfmc(members)
    groups = airline_planted_groups(scale=len(members) / 6000)
    centres = lrfmc.groupby(groups.to_numpy()).mean().loc[list(AIRLINE_GROUPS)]
    sizes = groups.value_counts()
    return [
        "## 模块三：脏的客户登记表（messy_customers）",
        "",
        f"`messy_customers.csv` 是 `shop_customers` 里 {len(tables['messy_customers_clean'])} 位客户的登记表，"
        f"共 {len(tables['messy_customers'])} 行，GBK 编码、CRLF 换行（和中文 Windows 上的 Excel 导出的一样）。"
        "`messy_customers_clean.csv` 是这些客户的真实资料（格式同 shop_customers，另加真实年龄 age），"
        "学生清洗完可以和它逐项比对。“学校或单位”为空不算问题（真实资料里也可以为空）。"
        "故意做进去的问题和行数（由生成的文件数出）：",
        "",
        "| 问题 | 行数 |",
        "|---|---|",
        *(f"| {kind} | {count} |" for kind, count in mess.items()),
        "",
        "近似重复行是同一位客户的第二次登记：编号相同，姓名、手机号、日期和城市的写法不同。"
        "不可能的值（年龄 150、出生月份 13、将来的注册日期）没有办法还原，应改成缺失并记下来。",
        "",
        "## 模块七：行业案例里埋好的规律",
        "",
        f"- **制造业（mfg_*）**：{f['mfg_leavers']} 家经销商在三年里终止合作；它们离开前最后 6 个月的进货额"
        f"只有再往前 6 个月的 {f['mfg_leaver_ratio']:.0%}（各家比值的中位数；仍在合作的经销商最后 6 个月 ÷ 前 6 个月 "
        f"{f['mfg_stayer_ratio']:.0%}），所以“进货连续减少”是流失预警信号。地区差异（第三年 ÷ 第一年的进货额 − 1）："
        f"{growth}。客户服务 E 化：2025 年 1 月上线网上服务平台后，服务请求响应时间的中位数从 "
        f"{f['mfg_response_before']:.1f} 小时降到 {f['mfg_response_after']:.1f} 小时，"
        f"{f['mfg_portal_share_after']:.0%} 的请求改走平台；4 小时内答复的满意度平均 "
        f"{f['mfg_satisfaction_fast']:.2f} 分，超过 24 小时的 {f['mfg_satisfaction_slow']:.2f} 分。",
        f"- **房地产（realestate_*）**：{channels}。老带新成交率最高；户外广告最贵、成交率最低；"
        "成交客户的跟进次数明显更多。",
        "- **航空业（airline_members）**：会员按教材对 LRFMC 聚类中心的解读分五类生成"
        "（重要保持 / 重要发展 / 重要挽留 / 一般 / 低价值）；按 L = 入会月数、R = 最近乘机距今月数、F、M、C "
        f"标准化后用 `KMeans(5, random_state=0, n_init=10)` 分出的 5 类和生成时的群体的调整兰德指数为 "
        f"{f['airline_ari']:.3f}（群体标签用 `crm_lab.synth_cases.airline_planted_groups()` 取得，不随数据发放）。"
        "各群体的人数和 LRFMC 平均值（L、R 单位为月，M 为公里）见下表。数据质量问题（供做预处理）："
        f"年龄缺失 {int(members['age'].isna().sum())} 人、工作城市缺失 {int(members['work_city'].isna().sum())} 人、"
        f"年龄大于 100 岁（录入错误）{int((members['age'] > 100).sum())} 人。",
        "",
        "  | 群体 | 人数 | L | R | F | M | C |",
        "  |---|---|---|---|---|---|---|",
        *(f"  | {g} | {sizes[g]} | {c.L:.1f} | {c.R:.1f} | {c.F:.1f} | {c.M:,.0f} | {c.C:.2f} |"
          for g, c in centres.iterrows()),
        "",
        f"- **物流业（logistics_*）**：准时率 {f['log_on_time']:.1%}，续约率 {f['log_renewed']:.1%}。"
        f"延误率高于中位数的客户续约率 {f['log_renewed_high_late']:.1%}，其余 {f['log_renewed_low_late']:.1%}；"
        f"没有投诉的客户续约率 {f['log_renewed_no_complaint']:.1%}，投诉 2 次及以上的 "
        f"{f['log_renewed_2_complaints']:.1%}。",
        f"- **旅游业（travel_*）**：{f['travel_repeat_customers']:.1%} 的客户报名不止一次；回头客的订单平均 "
        f"{f['travel_amount_repeat']:,.0f} 元，第一次报名的订单 {f['travel_amount_first']:,.0f} 元；"
        f"回头客的点评平均 {f['travel_rating_repeat']:.2f} 分，第一次的 {f['travel_rating_first']:.2f} 分。"
        f"第一次旅行打 1～2 分的客户只有 {f['travel_back_after_bad']:.1%} 再来，打 4～5 分的有 "
        f"{f['travel_back_after_good']:.1%}。点评文字由模板拼成，差评里常见“购物店”“行程太赶”“酒店”等词。",
        "",
    ]
