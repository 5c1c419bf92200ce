"""课程数据的生成器：固定随机种子，每次生成的文件一字不差。

运行 ``python -m crm_lab.synth``（或 ``crm-lab datasets --rebuild``）把所有表和数据字典
写进 ``datasets/``；``python -m crm_lab.synth --scale 1000 --out 文件夹`` 把基准测试用的大规模
全部课程表写进另一个文件夹（见 ``write_course_tables``）。数据是虚构的，但按真实小店的规律生成（教职工客单价更高、
常客更可能办会员、到店次数多的顾客满意度更高），让学生有东西可以发现。
"""

from __future__ import annotations

import argparse
import io
import math
from bisect import bisect_right
from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError
from crm_lab.schema import (
    B2B_ACCOUNTS,
    B2B_ACTIVITIES,
    B2B_CONTACTS,
    B2B_OPPORTUNITIES,
    B2B_ORDERS,
    CAMPAIGN_TARGETS,
    CAMPAIGNS,
    CAMPUS_FAIR_CUSTOMERS,
    CATEGORIES,
    CHANNELS,
    DTYPES,
    LEAD_SOURCE_COSTS,
    LEAD_STAGES,
    LEADS,
    MEMBER_LEVELS,
    OPPORTUNITY_STAGES,
    ORDER_STATUSES,
    PRODUCT_LINES,
    SCHEMAS,
    SHOP_CUSTOMERS,
    SHOP_ORDER_LINES,
    SHOP_ORDERS,
    SHOP_PRODUCTS,
    SHOP_TICKETS,
    SURVEY_ITEMS,
    SURVEY_PARTS,
    SURVEY_RESPONSES,
)
from crm_lab.synth_cases import (
    AIRLINE_SEED,
    CASE_DICTIONARIES,
    LOGISTICS_SEED,
    MFG_SEED,
    REALESTATE_SEED,
    TRAVEL_SEED,
    airline_tables,
    case_tables,
    case_teacher_notes,
    logistics_tables,
    manufacturing_tables,
    messy_customer_tables,
    realestate_tables,
    travel_tables,
)
from crm_lab.synth_draws import choice_cdf, pick

SEED = 20250908
SOURCE_ROOT = Path(__file__).resolve().parent.parent
TEACHER_NOTES = SOURCE_ROOT / "docs" / "teacher_data_notes.md"

_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程")
_GIVEN = [
    "子涵", "欣怡", "浩然", "雨桐", "宇轩", "思琪", "梓萱", "俊杰", "佳怡", "一鸣", "诗雨", "晨曦",
    "嘉豪", "可欣", "明轩", "若曦", "天佑", "心怡", "博文", "雅婷", "志强", "丽娟", "建华", "秀英",
    "文博", "梦瑶", "海洋", "静怡", "家乐", "佳琪", "泽宇", "紫涵", "伟", "敏", "磊", "婷", "洋", "娜",
]
_COLLEGES = ["电子商务学院", "信息工程学院", "财经学院", "艺术设计学院", "机电工程学院"]
_CATEGORIES = ["零食饮料", "文具", "数码配件", "生活日用", "图书"]
_PHONE_PREFIXES = ["138", "139", "135", "150", "151", "155", "177", "186", "187", "188", "199"]

# 身份：(抽中的概率, 每次消费的平均金额/元, 平均到店次数)
_IDENTITIES = {
    "大一学生": (0.26, 22.0, 4.0),
    "大二学生": (0.24, 26.0, 4.5),
    "大三学生": (0.18, 28.0, 3.5),
    "教职工": (0.18, 48.0, 5.0),
    "校外访客": (0.14, 36.0, 1.6),
}
# 各身份最常买的品类的抽样权重（顺序同 _CATEGORIES）
_CATEGORY_WEIGHTS = {
    "大一学生": [0.40, 0.25, 0.15, 0.15, 0.05],
    "大二学生": [0.35, 0.15, 0.25, 0.15, 0.10],
    "大三学生": [0.30, 0.10, 0.30, 0.10, 0.20],
    "教职工": [0.15, 0.15, 0.15, 0.25, 0.30],
    "校外访客": [0.45, 0.05, 0.15, 0.30, 0.05],
}
_SEMESTER_START = date(2025, 9, 8)
_SEMESTER_DAYS = 100


def campus_fair_customers(n: int = 50, *, seed: int = SEED) -> pd.DataFrame:
    """生成校园展销会小店的客户名单（m0 使用）。

    >>> campus_fair_customers(5)["customer_id"].tolist()
    ['C001', 'C002', 'C003', 'C004', 'C005']
    """
    if n < 1 or n > 999:
        raise ValueError(f"n 必须在 1 到 999 之间，收到的是 {n}")
    rng = np.random.default_rng(seed)
    identities = list(_IDENTITIES)
    probs = np.array([_IDENTITIES[i][0] for i in identities])
    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    names = rng.choice(all_names, size=n, replace=False)

    rows = []
    for k in range(n):
        identity = str(rng.choice(identities, p=probs / probs.sum()))
        _, basket, mean_visits = _IDENTITIES[identity]
        visits = int(1 + rng.poisson(mean_visits - 1))
        spent = float(np.sum(rng.lognormal(np.log(basket), 0.35, size=visits)))
        if visits >= 8 or (visits >= 5 and rng.random() < 0.5):
            member = "金卡会员"
        elif visits >= 3 or rng.random() < 0.2:
            member = "普通会员"
        else:
            member = "非会员"
        satisfaction = int(np.clip(np.round(2.6 + 0.25 * visits + rng.normal(0, 0.8)), 1, 5))
        first_visit = _SEMESTER_START + timedelta(days=int(rng.integers(0, _SEMESTER_DAYS)))
        category = str(rng.choice(_CATEGORIES, p=_CATEGORY_WEIGHTS[identity]))
        college = "校外" if identity == "校外访客" else str(rng.choice(_COLLEGES))
        phone = f"{rng.choice(_PHONE_PREFIXES)}****{int(rng.integers(0, 10000)):04d}"
        rows.append(
            {
                "customer_id": f"C{k + 1:03d}",
                "name": str(names[k]),
                "gender": "男" if rng.random() < 0.45 else "女",
                "identity": identity,
                "college": college,
                "phone": phone,
                "first_visit": first_visit.isoformat(),
                "visits": visits,
                "total_spent": round(spent, 1),
                "favorite_category": category,
                "member_level": member,
                "satisfaction": satisfaction,
            }
        )
    table = pd.DataFrame(rows, columns=CAMPUS_FAIR_CUSTOMERS.column_names)
    return table


# ---------------------------------------------------------------- 校园展销会商城（shop_* 表）

SHOP_SEED = 20240901
SHOP_START = date(2024, 9, 1)
SHOP_END = date(2026, 8, 31)

# (编号, 名称, 品类, 售价, 进价)
_PRODUCTS = [
    ("P001", "矿泉水 550ml", "零食饮料", 2.0, 1.1), ("P002", "无糖茶饮", "零食饮料", 4.5, 2.6),
    ("P003", "鲜榨橙汁", "零食饮料", 9.9, 5.2), ("P004", "速溶咖啡 20 条", "零食饮料", 29.9, 17.0),
    ("P005", "桶装方便面", "零食饮料", 5.5, 3.3), ("P006", "火腿肠 5 支装", "零食饮料", 8.9, 5.4),
    ("P007", "薯片大包", "零食饮料", 9.9, 5.6), ("P008", "坚果礼盒", "零食饮料", 69.0, 41.0),
    ("P009", "巧克力", "零食饮料", 15.9, 9.0), ("P010", "酸奶 4 杯装", "零食饮料", 12.9, 8.1),
    ("P011", "全麦面包", "零食饮料", 7.5, 4.2), ("P012", "自热火锅", "零食饮料", 19.9, 11.8),
    ("P101", "A5 笔记本 3 本装", "文具", 12.9, 6.5), ("P102", "中性笔 10 支装", "文具", 9.9, 4.4),
    ("P103", "荧光笔套装", "文具", 11.9, 5.9), ("P104", "考研英语词汇书", "图书", 39.8, 26.0),
    ("P105", "活页夹", "文具", 8.5, 4.0), ("P106", "修正带", "文具", 5.9, 2.5),
    ("P107", "计算器", "文具", 45.0, 28.0), ("P108", "便利贴", "文具", 6.5, 2.9),
    ("P109", "书立", "文具", 15.0, 7.8), ("P110", "文件袋 5 个装", "文具", 7.9, 3.6),
    ("P201", "数据线 Type-C", "数码配件", 19.9, 8.5), ("P202", "快充充电头", "数码配件", 49.0, 24.0),
    ("P203", "充电宝 10000mAh", "数码配件", 89.0, 52.0), ("P204", "蓝牙耳机", "数码配件", 159.0, 96.0),
    ("P205", "手机壳", "数码配件", 25.0, 9.0), ("P206", "钢化膜", "数码配件", 15.0, 4.5),
    ("P207", "U 盘 64G", "数码配件", 39.0, 22.0), ("P208", "无线鼠标", "数码配件", 59.0, 33.0),
    ("P209", "鼠标垫", "数码配件", 12.0, 4.8), ("P210", "台灯", "数码配件", 79.0, 45.0),
    ("P301", "洗发水", "生活日用", 39.9, 23.0), ("P302", "沐浴露", "生活日用", 32.9, 18.5),
    ("P303", "牙膏", "生活日用", 12.9, 6.8), ("P304", "牙刷 2 支装", "生活日用", 9.9, 4.5),
    ("P305", "洗衣液", "生活日用", 29.9, 17.5), ("P306", "衣架 10 个装", "生活日用", 12.0, 5.5),
    ("P307", "晾衣夹", "生活日用", 6.9, 2.8), ("P308", "收纳箱", "生活日用", 35.0, 19.0),
    ("P309", "抽纸 6 包", "生活日用", 16.9, 10.2), ("P310", "保温杯", "生活日用", 69.0, 36.0),
    ("P311", "雨伞", "生活日用", 39.0, 19.0), ("P312", "床上三件套", "生活日用", 129.0, 72.0),
    ("P401", "Python 入门教程", "图书", 59.0, 38.0), ("P402", "市场营销学", "图书", 49.0, 31.0),
    ("P403", "普通话水平测试指南", "图书", 32.0, 19.0), ("P404", "英语四级真题", "图书", 36.0, 22.0),
    ("P405", "小说（畅销榜）", "图书", 42.0, 25.0), ("P406", "Excel 数据分析", "图书", 55.0, 35.0),
    ("P501", "纯棉 T 恤", "服饰", 59.0, 28.0), ("P502", "卫衣", "服饰", 129.0, 66.0),
    ("P503", "运动裤", "服饰", 89.0, 45.0), ("P504", "帆布鞋", "服饰", 119.0, 62.0),
    ("P505", "棒球帽", "服饰", 39.0, 16.0), ("P506", "袜子 5 双装", "服饰", 19.9, 8.0),
    ("P601", "洗面奶", "美妆个护", 45.0, 24.0), ("P602", "防晒霜", "美妆个护", 79.0, 41.0),
    ("P603", "润唇膏", "美妆个护", 19.9, 8.8), ("P604", "护手霜", "美妆个护", 25.0, 11.0),
    ("P605", "面膜 10 片", "美妆个护", 59.0, 29.0), ("P606", "洗手液", "美妆个护", 16.9, 8.2),
]
# 经常一起买的商品：买了前者的顾客，有这么大的概率同时买后者（购物篮分析要发现的规则）
_COMPANIONS = {
    "P005": ("P006", 0.55), "P101": ("P102", 0.60), "P201": ("P202", 0.50),
    "P301": ("P302", 0.55), "P303": ("P304", 0.50), "P305": ("P306", 0.40),
    "P404": ("P104", 0.35), "P205": ("P206", 0.60), "P208": ("P209", 0.45),
    "P601": ("P603", 0.35),
}
# 各身份偏好的品类（抽样权重，顺序同 schema.CATEGORIES）
_SHOP_CATEGORY_WEIGHTS = {
    "学生": [0.32, 0.18, 0.14, 0.14, 0.08, 0.08, 0.06],
    "教职工": [0.18, 0.14, 0.12, 0.22, 0.16, 0.06, 0.12],
    "校外个人": [0.30, 0.06, 0.16, 0.22, 0.04, 0.12, 0.10],
}
_DISTRICTS = {
    "广州": ["从化区", "白云区", "天河区", "番禺区", "海珠区", "越秀区", "黄埔区"],
    "佛山": ["南海区", "顺德区", "禅城区"],
    "深圳": ["南山区", "福田区", "宝安区"],
    "东莞": ["南城街道", "松山湖"],
    "清远": ["清城区", "清新区"],
}
_SCHOOLS = ["南方城建职业学院", "南方城建职业学院", "南方城建职业学院", "岭南商贸职业学院", "华南信息职业技术学院"]
_EMPLOYERS = ["城建物业公司", "鸿运餐饮", "从化区第二中学", "南粤快递站", "绿源超市", "晨光广告设计工作室"]
# 促销日：这几天价格敏感的顾客特别爱下单，并且普遍打折
_PROMOTIONS = [(9, 1, 9, 15, "开学季"), (11, 1, 11, 11, "双十一"), (6, 1, 6, 18, "六一八"), (3, 1, 3, 12, "春季展销会")]


# 抽样表：shop_tables（逐位客户模拟）和 write_shop_tables（整批模拟）共用
_SHOP_IDENTITIES, _SHOP_IDENTITY_P = ("学生", "教职工", "校外个人"), (0.68, 0.14, 0.18)
_ORDER_CHANNELS, _ORDER_CHANNEL_P = ("展销会现场", "微信小程序", "淘宝店", "抖音直播"), (0.3, 0.4, 0.2, 0.1)
_ORDER_STATUS_P = (0.95, 0.03, 0.02)  # 顺序同 schema.ORDER_STATUSES
_PAYMENTS, _PAYMENT_P = ("微信支付", "支付宝", "现金"), (0.62, 0.3, 0.08)
_PROMO_DISCOUNTS = (0.1, 0.15, 0.2)
_TICKET_REASONS, _TICKET_REASON_P = ("商品质量", "发货慢", "服务态度", "价格", "其他"), (0.35, 0.25, 0.2, 0.1, 0.1)
_TICKET_TYPE_P = (0.55, 0.45)  # 咨询、投诉（退货单的工单都是退换货）
_GOOD_RATING_P = (0.25, 0.4, 0.35)  # 3、4、5 分
_TICKET_CHANNELS, _TICKET_CHANNEL_P = ("电话", "微信", "现场"), (0.3, 0.55, 0.15)
_CITY_P = (0.7, 0.1, 0.08, 0.07, 0.05)  # 顺序同 _DISTRICTS
_AGE_BANDS, _AGE_BAND_P = ("23-30", "31-40", "41-50", "51+"), (0.35, 0.35, 0.2, 0.1)
_CHANNEL_P = (0.35, 0.3, 0.15, 0.1, 0.1)  # 顺序同 schema.CHANNELS


def _in_promotion(day: date) -> bool:
    for m1, d1, m2, d2, _ in _PROMOTIONS:
        if date(day.year, m1, d1) <= day <= date(day.year, m2, d2):
            return True
    return False


def _student_vacation(day: date) -> bool:
    return (day.month == 1 and day.day >= 15) or day.month == 2 and day.day <= 25 or day.month in (7, 8)


def _round2(x: float) -> float:
    """和 ``round(np.float64(x), 2)`` 一样的结果（numpy 的做法：乘 100、取最近的偶数整数、再除以 100）。"""
    return round(x * 100.0) / 100.0


def shop_tables(*, scale: float = 1, seed: int = SHOP_SEED) -> dict[str, pd.DataFrame]:
    """生成校园展销会商城的五张表：客户、商品、订单、订单明细、客服工单。

    ``scale=1`` 是随课件发放的大小（约 3,000 位客户、4 万行订单明细），最大 1000；基准测试要的大数据
    （``scale`` 几十到 1000）用 ``write_shop_tables`` 分块写文件，快得多，内存也不随 ``scale`` 增长。
    埋在数据里、供学生发现的规律（写在数据字典的教师部分）：收入的二八集中、RFM 各群体行为不同、
    经常一起买的商品、由差评工单 / 价格敏感 / 长期不来导致的流失、学生寒暑假的淡季。

    >>> tables = shop_tables(scale=0.02)
    >>> sorted(tables)
    ['shop_customers', 'shop_order_lines', 'shop_orders', 'shop_products', 'shop_tickets']
    """
    if not 0 < scale <= 1000:
        raise ValueError(f"scale 必须在 0 到 1000 之间，收到的是 {scale}")
    # 逐位客户、逐张订单地模拟，随机数的抽取顺序决定了生成的数据（发放的文件要一字不差），所以不能整批抽取。
    # 为了快：rng.choice 换成消耗同样随机数的 integers / random + 二分查找（见 synth_draws），日期用距 SHOP_START 的
    # 天数，金额用 Python 浮点数按 numpy 的规则舍入（见 _round2），时间在循环里直接写成文本。
    rng = np.random.default_rng(seed)
    random, integers, poisson, exponential, lognormal = (rng.random, rng.integers, rng.poisson, rng.exponential,
                                                          rng.lognormal)
    n_customers = max(20, int(round(3000 * scale)))
    products = pd.DataFrame(_PRODUCTS, columns=["product_id", "product_name", "category", "price", "cost"])
    product_ids = products["product_id"].tolist()
    prices = products["price"].tolist()
    by_category = [products.index[products["category"] == c].tolist() for c in CATEGORIES]
    product_index = {pid: i for i, pid in enumerate(product_ids)}
    companion_of = [(product_index[_COMPANIONS[pid][0]], _COMPANIONS[pid][1]) if pid in _COMPANIONS else None
                    for pid in product_ids]

    total_days = (SHOP_END - SHOP_START).days
    days = [SHOP_START + timedelta(days=d) for d in range(total_days + 1)]
    day_text = [d.isoformat() for d in days]
    promotion = [_in_promotion(d) for d in days]
    vacation = [_student_vacation(d) for d in days]
    registered_text = {d: (SHOP_START + timedelta(days=d)).isoformat() for d in range(-90, total_days - 30)}
    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    identities = list(_SHOP_IDENTITIES)
    identity_cdf = choice_cdf(_SHOP_IDENTITY_P)
    category_cdf = {i: choice_cdf(_SHOP_CATEGORY_WEIGHTS[i]) for i in identities}
    log_rate = {i: np.log(6.5 if i != "校外个人" else 3.0) for i in identities}
    order_channels = list(_ORDER_CHANNELS)
    order_channel_cdf = choice_cdf(_ORDER_CHANNEL_P)
    status_cdf = choice_cdf(_ORDER_STATUS_P)
    payments, payment_cdf = list(_PAYMENTS), choice_cdf(_PAYMENT_P)
    promo_discounts = list(_PROMO_DISCOUNTS)
    ticket_type_cdf = choice_cdf(_TICKET_TYPE_P)
    reasons, reason_cdf = list(_TICKET_REASONS), choice_cdf(_TICKET_REASON_P)
    rating_cdf = choice_cdf(_GOOD_RATING_P)
    log_hours = {True: np.log(60), False: np.log(8)}
    ticket_channels, ticket_channel_cdf = list(_TICKET_CHANNELS), choice_cdf(_TICKET_CHANNEL_P)
    cities = list(_DISTRICTS)
    city_cdf = choice_cdf(_CITY_P)
    age_bands, age_cdf = list(_AGE_BANDS), choice_cdf(_AGE_BAND_P)
    channel_cdf = choice_cdf(_CHANNEL_P)

    customers, orders, lines, tickets = [], [], [], []
    for k in range(n_customers):
        customer_id = f"C{k + 1:05d}"
        identity = identities[bisect_right(identity_cdf, random())]
        registered = int(integers(-90, total_days - 30))  # 距 SHOP_START 的天数，下同
        # 潜在特征：购买频率（每年几单）、客单价倍数、价格敏感、自然寿命
        rate = float(lognormal(log_rate[identity], 1.25))
        basket_scale = float(lognormal(-0.2, 0.85)) * (1.4 if identity == "教职工" else 1.0)
        price_sensitive = bool(random() < 0.25)
        natural_life = float(exponential(900 if not price_sensitive else 420))
        categories = category_cdf[identity]
        student = identity == "学生"

        day = max(registered, 0)
        churn_day = day + timedelta(days=natural_life).days  # 日期加 timedelta 时只看整天数
        spend = 0.0
        while True:
            day += max(1, int(exponential(365.0 / rate)))
            if day > total_days or day > churn_day:
                break
            promo = promotion[day]
            if student and vacation[day] and random() < 0.75:
                continue
            if price_sensitive and not promo and random() < 0.6:
                continue  # 价格敏感的顾客不到促销就不太下单
            order_id = f"O{len(orders) + 1:06d}"
            channel = order_channels[bisect_right(order_channel_cdf, random())]
            status = ORDER_STATUSES[bisect_right(status_cdf, random())]
            hour, minute, second = int(integers(8, 23)), int(integers(0, 60)), int(integers(0, 60))
            n_items = 1 + int(poisson(0.9 * basket_scale))
            chosen: list[int] = []
            for _ in range(n_items):
                in_category = by_category[bisect_right(categories, random())]
                item = in_category[int(integers(0, len(in_category)))]
                if item not in chosen:
                    chosen.append(item)
                companion = companion_of[item]
                if companion and random() < companion[1] and companion[0] not in chosen:
                    chosen.append(companion[0])
            discount = 0.0
            if promo:
                discount = promo_discounts[int(integers(0, 3))]
            elif random() < 0.08:
                discount = 0.05
            order_amount = 0.0
            for line_no, item in enumerate(chosen, start=1):
                quantity = 1 + int(poisson(0.35 * basket_scale))
                line_amount = _round2(quantity * prices[item] * (1 - discount))
                order_amount += line_amount
                lines.append((order_id, line_no, product_ids[item], quantity, prices[item], discount, line_amount))
            order_amount = _round2(order_amount)
            spend += order_amount
            stamp = f"{day_text[day]} {hour:02d}:{minute:02d}:{second:02d}"
            orders.append((order_id, customer_id, stamp, channel, payments[bisect_right(payment_cdf, random())],
                           status, order_amount))
            # 客服工单：每单约 6% 的概率；差评会让顾客很快离开
            if random() < 0.06 or status == "退货":
                ticket_type = ("退换货" if status == "退货" else
                               ("咨询", "投诉")[bisect_right(ticket_type_cdf, random())])
                reason = "商品咨询" if ticket_type == "咨询" else reasons[bisect_right(reason_cdf, random())]
                bad_service = reason in ("服务态度", "发货慢") and random() < 0.7
                rating = (1, 2)[int(integers(0, 2))] if bad_service else (3, 4, 5)[bisect_right(rating_cdf, random())]
                placed = datetime.combine(days[day], time(hour, minute, second))
                opened = placed + timedelta(hours=float(rng.uniform(2, 72)))
                closed = opened + timedelta(hours=float(lognormal(log_hours[bad_service], 0.6)))
                tickets.append((f"T{len(tickets) + 1:05d}", customer_id, order_id, ticket_type,
                                ticket_channels[bisect_right(ticket_channel_cdf, random())],
                                opened.replace(microsecond=0).isoformat(" "),
                                closed.replace(microsecond=0).isoformat(" "), rating, reason))
                if rating <= 2 and random() < 0.8:
                    churn_day = min(churn_day, day + int(integers(5, 60)))
        level = "金卡会员" if spend >= 1500 else "银卡会员" if spend >= 500 else "普通会员"
        city = cities[bisect_right(city_cdf, random())]
        organisation = (_SCHOOLS[int(integers(0, len(_SCHOOLS)))] if identity in ("学生", "教职工")
                        else _EMPLOYERS[int(integers(0, len(_EMPLOYERS)))] if random() < 0.6 else None)
        age_band = "18-22" if student and random() < 0.9 else age_bands[bisect_right(age_cdf, random())]
        name = all_names[int(integers(0, len(all_names)))]
        gender = "男" if random() < 0.46 else "女"
        district = _DISTRICTS[city][int(integers(0, len(_DISTRICTS[city])))]
        channel = CHANNELS[bisect_right(channel_cdf, random())]
        birth_month = int(integers(1, 13))
        consent = bool(random() < 0.72)
        phone = f"{_PHONE_PREFIXES[int(integers(0, len(_PHONE_PREFIXES)))]}****{int(integers(0, 10000)):04d}"
        customers.append((customer_id, name, gender, age_band, identity, city, district, organisation, channel,
                          registered_text[registered], birth_month, level, consent, phone))

    def frame(rows, schema):
        table = pd.DataFrame(rows, columns=schema.column_names)
        for column in schema.columns:
            if column.dtype == "datetime":  # 已经是“年-月-日 时:分:秒”文本；没有行时也要是文本列
                table[column.name] = table[column.name].astype("str")
        return table

    return {
        "shop_customers": frame(customers, SHOP_CUSTOMERS),
        "shop_products": products[SHOP_PRODUCTS.column_names],
        "shop_orders": frame(orders, SHOP_ORDERS),
        "shop_order_lines": frame(lines, SHOP_ORDER_LINES),
        "shop_tickets": frame(tickets, SHOP_TICKETS),
    }


# ---------------------------------------------------------------- 大规模的商城数据（基准测试用，不随课件发放）

# 一块客户的数据在内存里只存数组；文件按块追加。块越大越快，内存也越多（每块 5 万位客户约 0.3 GB）。
SHOP_CHUNK = 50_000
_NO_CUT = 1 << 20  # 比任何天数都大：没有差评导致的提前流失


def _chunk_rng(seed: int, i: int) -> np.random.Generator:
    """第 ``i`` 块客户自己的随机数流（即 ``SeedSequence(seed).spawn(...)[i]``）：块与块互不影响，可以分开生成。"""
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(i,)))


def _pick_many(rng: np.random.Generator, p, size) -> np.ndarray:
    """抽 ``size`` 个下标，第 i 项的概率是 ``p[i]``（和 ``bisect_right(choice_cdf(p), random())`` 同分布）。"""
    return np.searchsorted(np.asarray(choice_cdf(p)), rng.random(size), side="right")


def _shop_chunk(rng: np.random.Generator, n: int) -> dict[str, dict[str, np.ndarray]]:
    """整批模拟 ``n`` 位客户（模型同 ``shop_tables``，但按列一次抽取所有客户的随机数，所以结果和逐位模拟不同）。

    返回每张表的列（客户、订单和类别都是整数下标，金额是舍入到分的元，时间是距 SHOP_START 的天数或秒数）；
    客户、订单、工单的编号在写文件时才加上前面各块的行数。
    """
    total_days = (SHOP_END - SHOP_START).days
    days = [SHOP_START + timedelta(days=d) for d in range(total_days + 1)]
    promotion = np.array([_in_promotion(d) for d in days])
    vacation = np.array([_student_vacation(d) for d in days])

    identity = _pick_many(rng, _SHOP_IDENTITY_P, n)
    student, staff = identity == 0, identity == 1
    registered = rng.integers(-90, total_days - 30, size=n)
    rate = rng.lognormal(np.where(identity == 2, np.log(3.0), np.log(6.5)), 1.25)
    basket_scale = rng.lognormal(-0.2, 0.85, size=n) * np.where(staff, 1.4, 1.0)
    price_sensitive = rng.random(n) < 0.25
    natural_life = rng.exponential(np.where(price_sensitive, 420.0, 900.0))

    # 下单机会：每位客户一串间隔（指数分布），直到自然流失或两年结束；一轮给所有还没结束的客户各抽一个间隔
    start = np.maximum(registered, 0)
    last_day = np.minimum(start + natural_life.astype(np.int64), total_days)
    mean_gap = 365.0 / rate
    day, active = start.copy(), np.arange(n)
    chances_of, chance_days = [], []
    while active.size:
        next_day = day[active] + np.maximum(1, rng.exponential(mean_gap[active]).astype(np.int64))
        going_on = next_day <= last_day[active]
        active, next_day = active[going_on], next_day[going_on]
        day[active] = next_day
        chances_of.append(active)
        chance_days.append(next_day)
    who, when = np.concatenate(chances_of), np.concatenate(chance_days)
    by_customer = np.lexsort((when, who))
    who, when = who[by_customer], when[by_customer]
    skipped = ((student[who] & vacation[when] & (rng.random(who.size) < 0.75))
               | (price_sensitive[who] & ~promotion[when] & (rng.random(who.size) < 0.6)))
    who, when = who[~skipped], when[~skipped]
    m = who.size

    # 订单和订单明细
    status = _pick_many(rng, _ORDER_STATUS_P, m)
    order = {"customer": who, "day": when, "channel": _pick_many(rng, _ORDER_CHANNEL_P, m),
             "payment": _pick_many(rng, _PAYMENT_P, m), "status": status,
             "hour": rng.integers(8, 23, size=m), "minute": rng.integers(0, 60, size=m),
             "second": rng.integers(0, 60, size=m)}
    n_items = 1 + rng.poisson(0.9 * basket_scale[who])
    draw_order = np.repeat(np.arange(m), n_items)
    category_cdf = np.array([choice_cdf(_SHOP_CATEGORY_WEIGHTS[i]) for i in _SHOP_IDENTITIES])
    category = (category_cdf[identity[who[draw_order]]] <= rng.random(draw_order.size)[:, None]).sum(axis=1)
    in_category = [[i for i, p in enumerate(_PRODUCTS) if p[2] == c] for c in CATEGORIES]
    category_size = np.array([len(c) for c in in_category])
    category_table = np.array([c + [0] * (category_size.max() - len(c)) for c in in_category])
    item = category_table[category, rng.integers(0, category_size[category])]
    product_index = {p[0]: i for i, p in enumerate(_PRODUCTS)}
    companion = np.full(len(_PRODUCTS), -1)
    companion_p = np.zeros(len(_PRODUCTS))
    for pid, (other, p) in _COMPANIONS.items():
        companion[product_index[pid]], companion_p[product_index[pid]] = product_index[other], p
    with_companion = (companion[item] >= 0) & (rng.random(item.size) < companion_p[item])
    # 每件商品后面紧跟它的搭配商品；同一单里重复的商品只留第一次出现的那一行
    drawn = np.column_stack([np.ones(item.size, dtype=bool), with_companion]).ravel()
    line_order = np.repeat(draw_order, 2)[drawn]
    product = np.column_stack([item, companion[item]]).ravel()[drawn]
    _, first = np.unique(line_order * len(_PRODUCTS) + product, return_index=True)
    first.sort()
    line_order, product = line_order[first], product[first]
    lines_per_order = np.bincount(line_order, minlength=m)
    line_no = np.arange(line_order.size) - np.repeat(np.cumsum(lines_per_order) - lines_per_order, lines_per_order) + 1

    discounts = np.array([0.0, 0.05, *_PROMO_DISCOUNTS])
    discount = np.where(promotion[when], 2 + rng.integers(0, 3, size=m), (rng.random(m) < 0.08).astype(np.int64))
    quantity = 1 + rng.poisson(0.35 * basket_scale[who[line_order]])
    prices = np.array([p[3] for p in _PRODUCTS])
    line_amount = np.round(quantity * prices[product] * (1 - discounts[discount[line_order]]), 2)
    order["amount"] = np.round(np.bincount(line_order, weights=line_amount, minlength=m), 2)

    # 客服工单：每单约 6% 的概率，退货一定有；差评（1～2 分）会让顾客很快离开
    ticket_order = np.flatnonzero((rng.random(m) < 0.06) | (status == 1))
    k = ticket_order.size
    returned = status[ticket_order] == 1
    ticket_type = np.where(returned, 2, _pick_many(rng, _TICKET_TYPE_P, k))  # 咨询 / 投诉 / 退换货
    reason = np.where(ticket_type == 0, 5, _pick_many(rng, _TICKET_REASON_P, k))  # 5：商品咨询
    bad_service = (reason == 1) | (reason == 2)
    bad_service &= rng.random(k) < 0.7
    rating = np.where(bad_service, 1 + rng.integers(0, 2, size=k), 3 + _pick_many(rng, _GOOD_RATING_P, k))
    placed = (when[ticket_order] * 86400 + order["hour"][ticket_order] * 3600 + order["minute"][ticket_order] * 60
              + order["second"][ticket_order])
    opened = placed + rng.uniform(2, 72, size=k) * 3600
    resolved = opened + rng.lognormal(np.where(bad_service, np.log(60), np.log(8)), 0.6) * 3600
    leaves = (rating <= 2) & (rng.random(k) < 0.8)
    cut = np.full(m, _NO_CUT)
    cut[ticket_order[leaves]] = when[ticket_order[leaves]] + rng.integers(5, 60, size=int(leaves.sum()))

    # 差评之后的订单不再发生：一单保留，当且仅当它早于同一客户此前所有差评给出的离开日。
    # 分组的“此前最小值”：给靠前的客户加上更大的偏移，整列累积最小值就不会跨客户。
    offset = (n - who) * (2 * _NO_CUT)
    running = np.minimum.accumulate(cut + offset) - offset
    before = np.empty(m, dtype=np.int64)
    before[1:] = running[:-1]
    first_of_customer = np.ones(m, dtype=bool)
    first_of_customer[1:] = who[1:] != who[:-1]
    before[first_of_customer] = _NO_CUT
    kept = when <= before
    renumber = np.cumsum(kept) - 1
    order = {name: column[kept] for name, column in order.items()}
    line_kept = kept[line_order]
    ticket_kept = kept[ticket_order]
    lines = {"order": renumber[line_order[line_kept]], "line_no": line_no[line_kept], "product": product[line_kept],
             "quantity": quantity[line_kept], "discount": discount[line_order[line_kept]],
             "amount": line_amount[line_kept]}
    tickets = {"customer": who[ticket_order[ticket_kept]], "order": renumber[ticket_order[ticket_kept]],
               "type": ticket_type[ticket_kept], "reason": reason[ticket_kept], "rating": rating[ticket_kept],
               "channel": _pick_many(rng, _TICKET_CHANNEL_P, int(ticket_kept.sum())),
               "opened": opened[ticket_kept].astype(np.int64), "resolved": resolved[ticket_kept].astype(np.int64)}

    spend = np.bincount(order["customer"], weights=order["amount"], minlength=n)
    city = _pick_many(rng, _CITY_P, n)
    district_count = np.array([len(d) for d in _DISTRICTS.values()])
    organisation = np.where(identity < 2, rng.integers(0, len(_SCHOOLS), size=n),
                            np.where(rng.random(n) < 0.6, len(_SCHOOLS) + rng.integers(0, len(_EMPLOYERS), size=n),
                                     len(_SCHOOLS) + len(_EMPLOYERS)))
    customers = {
        "name": rng.integers(0, len(_SURNAMES) * len(_GIVEN), size=n), "gender": (rng.random(n) >= 0.46).astype(int),
        "age_band": np.where(student & (rng.random(n) < 0.9), 0, 1 + _pick_many(rng, _AGE_BAND_P, n)),
        "identity": identity, "city": city,
        "district": (np.cumsum(district_count) - district_count)[city] + rng.integers(0, district_count[city]),
        "organisation": organisation, "channel": _pick_many(rng, _CHANNEL_P, n), "registered": registered,
        "birth_month": rng.integers(1, 13, size=n), "level": (spend >= 500).astype(int) + (spend >= 1500),
        "consent": (rng.random(n) < 0.72).astype(int), "phone_prefix": rng.integers(0, len(_PHONE_PREFIXES), size=n),
        "phone_tail": rng.integers(0, 10000, size=n),
    }
    return {"shop_customers": customers, "shop_orders": order, "shop_order_lines": lines, "shop_tickets": tickets}


# 把整数下标和数字直接拼成 CSV 的字节（每个字段是 (n 行 × 最大宽度 的 uint8 字符, 每行的长度)），比 DataFrame.to_csv
# 快得多。格式和 write_datasets 用 to_csv 写出的一样：小数按 Python 的 repr（79.0、0.15、6.18），
# 时间是“年-月-日 时:分:秒”。

def _text_field(codes: np.ndarray, texts) -> tuple[np.ndarray, np.ndarray]:
    encoded = [str(t).encode("utf-8") for t in texts]
    width = max(1, max(len(e) for e in encoded))
    table = np.zeros((len(encoded), width), dtype=np.uint8)
    for i, e in enumerate(encoded):
        table[i, : len(e)] = np.frombuffer(e, dtype=np.uint8)
    return table[codes], np.array([len(e) for e in encoded])[codes]


def _int_field(values: np.ndarray, *, digits: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """非负整数的十进制文本，不足 ``digits`` 位时前面补 0（编号 C00001 的数字部分）。"""
    values = np.asarray(values, dtype=np.int64)
    length = np.maximum(digits, np.searchsorted(10 ** np.arange(1, 19, dtype=np.int64), values, side="right") + 1)
    width = int(length.max(initial=1))
    exponent = length[:, None] - 1 - np.arange(width)
    chars = (values[:, None] // 10 ** np.maximum(exponent, 0)) % 10 + ord("0")
    return chars.astype(np.uint8), length


def _cents_fields(amount: np.ndarray) -> list:
    """金额（已舍入到分）的 repr 文本：整数部分、小数点和去掉末尾 0 的分（208.0、6.1、6.18）。"""
    cents = np.rint(np.asarray(amount) * 100).astype(np.int64)
    fraction = [f".{c:02d}".rstrip("0") if c else ".0" for c in range(100)]
    return [_int_field(cents // 100), _text_field(cents % 100, fraction)]


def _date_field(days: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """距 SHOP_START 的天数 → “年-月-日”。"""
    low = int(days.min(initial=0))
    texts = [(SHOP_START + timedelta(days=d)).isoformat() for d in range(low, int(days.max(initial=0)) + 1)]
    return _text_field(days - low, texts)


def _time_fields(seconds: np.ndarray) -> list:
    """距 SHOP_START 零点的秒数 → “年-月-日 时:分:秒”。"""
    day, second = np.divmod(seconds, 86400)
    return [_date_field(day), b" ", _int_field(second // 3600, digits=2), b":",
            _int_field(second // 60 % 60, digits=2), b":", _int_field(second % 60, digits=2)]


def _csv_rows(n: int, columns: list) -> bytes:
    """``columns`` 的每一项是一列：一个字段，或几个字段/字节常量连成的一列。返回 ``n`` 行 CSV（不含表头）。"""
    pieces = []
    for i, column in enumerate(columns):
        pieces += [b","] if i else []
        pieces += column if isinstance(column, list) else [column]
    pieces.append(b"\n")
    length = np.zeros(n, dtype=np.int64)
    for piece in pieces:
        length += len(piece) if isinstance(piece, bytes) else piece[1]
    position = np.cumsum(length) - length
    out = np.empty(int(length.sum()), dtype=np.uint8)
    for piece in pieces:
        if isinstance(piece, bytes):
            for k, byte in enumerate(piece):
                out[position + k] = byte
            position += len(piece)
        else:
            chars, size = piece
            target = position[:, None] + np.arange(chars.shape[1])
            if size.min(initial=chars.shape[1]) == chars.shape[1]:  # 等宽的字段（日期、编号）不用挑
                out[target] = chars
            else:
                filled = np.arange(chars.shape[1]) < size[:, None]
                out[target[filled]] = chars[filled]
            position += size
    return out.tobytes()


def _shop_chunk_csv(tables: dict[str, dict[str, np.ndarray]], first: dict[str, int]) -> dict[str, bytes]:
    """一块数据的四张表的 CSV 行；``first`` 是此前各块已写出的客户、订单、工单数（编号接着往下排）。"""
    customers, orders, lines, tickets = (tables[name] for name in ("shop_customers", "shop_orders",
                                                                   "shop_order_lines", "shop_tickets"))
    n = customers["identity"].size

    def customer_id(index):
        return [b"C", _int_field(first["shop_customers"] + 1 + index, digits=5)]

    def order_id(index):
        return [b"O", _int_field(first["shop_orders"] + 1 + index, digits=6)]

    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    districts = [d for city in _DISTRICTS.values() for d in city]
    seconds = orders["day"] * 86400 + orders["hour"] * 3600 + orders["minute"] * 60 + orders["second"]
    n_tickets = tickets["order"].size
    discount_texts = [repr(d) for d in (0.0, 0.05, *_PROMO_DISCOUNTS)]
    return {
        "shop_customers": _csv_rows(n, [
            customer_id(np.arange(n)), _text_field(customers["name"], all_names),
            _text_field(customers["gender"], ["男", "女"]),
            _text_field(customers["age_band"], ["18-22", *_AGE_BANDS]),
            _text_field(customers["identity"], _SHOP_IDENTITIES), _text_field(customers["city"], list(_DISTRICTS)),
            _text_field(customers["district"], districts),
            _text_field(customers["organisation"], [*_SCHOOLS, *_EMPLOYERS, ""]),
            _text_field(customers["channel"], CHANNELS), _date_field(customers["registered"]),
            _int_field(customers["birth_month"]), _text_field(customers["level"], MEMBER_LEVELS),
            _text_field(customers["consent"], ["False", "True"]),
            [_text_field(customers["phone_prefix"], _PHONE_PREFIXES), b"****",
             _int_field(customers["phone_tail"], digits=4)],
        ]),
        "shop_orders": _csv_rows(orders["day"].size, [
            order_id(np.arange(orders["day"].size)), customer_id(orders["customer"]), _time_fields(seconds),
            _text_field(orders["channel"], _ORDER_CHANNELS), _text_field(orders["payment"], _PAYMENTS),
            _text_field(orders["status"], ORDER_STATUSES), _cents_fields(orders["amount"]),
        ]),
        "shop_order_lines": _csv_rows(lines["order"].size, [
            order_id(lines["order"]), _int_field(lines["line_no"]),
            _text_field(lines["product"], [p[0] for p in _PRODUCTS]), _int_field(lines["quantity"]),
            _text_field(lines["product"], [repr(p[3]) for p in _PRODUCTS]),
            _text_field(lines["discount"], discount_texts), _cents_fields(lines["amount"]),
        ]),
        "shop_tickets": _csv_rows(n_tickets, [
            [b"T", _int_field(first["shop_tickets"] + 1 + np.arange(n_tickets), digits=5)],
            customer_id(tickets["customer"]), order_id(tickets["order"]),
            _text_field(tickets["type"], ["咨询", "投诉", "退换货"]),
            _text_field(tickets["channel"], _TICKET_CHANNELS), _time_fields(tickets["opened"]),
            _time_fields(tickets["resolved"]), _int_field(tickets["rating"]),
            _text_field(tickets["reason"], [*_TICKET_REASONS, "商品咨询"]),
        ]),
    }


def write_shop_tables(out_dir: str | Path, *, scale: float, seed: int = SHOP_SEED,
                      chunk: int = SHOP_CHUNK, on_chunk=None) -> dict[str, Path]:
    """把大规模的商城五张表（基准测试用，``scale`` 到 1000 即约 300 万位客户）分块写成 CSV，返回 {表名: 文件}。

    列、类型和文件格式同发放的 ``datasets/shop_*.csv``（带 BOM 的 UTF-8），埋下的规律也一样（二八集中、
    一起买的商品、差评后流失、寒暑假淡季），商品目录就是发放的那一份。每次生成 ``chunk`` 位客户，写完就丢，
    所以内存不随 ``scale`` 增长。给出 ``on_chunk`` 时，每写完一块就把这一块的 {表名: CSV 行（不带表头）} 交给它。

    这是整批模拟（见 ``_shop_chunk``），比逐位模拟的 ``shop_tables`` 快约 6 倍，但随机数的抽取顺序不同：数据不是
    ``shop_tables(scale=...)`` 的那一份。同样的 ``scale``、``seed``、``chunk`` 得到一字不差的文件。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_shop_tables(folder, scale=0.1, chunk=100)
    ...     customers = pd.read_csv(paths["shop_customers"])
    ...     orders = pd.read_csv(paths["shop_orders"])
    >>> sorted(paths)
    ['shop_customers', 'shop_order_lines', 'shop_orders', 'shop_products', 'shop_tickets']
    >>> len(customers), customers["customer_id"].is_unique, orders["customer_id"].isin(customers["customer_id"]).all()
    (300, True, np.True_)
    """
    if isinstance(scale, bool) or not isinstance(scale, int | float) or not 0 < scale <= 1000:
        raise CRMDataError(f"参数 scale 必须是 0 到 1000 之间的数（1 是发放的大小，约 3,000 位客户），"
                           f"收到的是 {scale!r}。")
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise CRMDataError(f"参数 chunk（每块的客户数）必须是正整数，例如 {SHOP_CHUNK}，收到的是 {chunk!r}。")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise CRMDataError(f"参数 out_dir 应该是一个文件夹，{out} 却是一个文件。请换一个文件夹名。")
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / f"{name}.csv" for name in SCHEMAS if name.startswith("shop_")}
    products = pd.DataFrame(_PRODUCTS, columns=["product_id", "product_name", "category", "price", "cost"])
    products[SHOP_PRODUCTS.column_names].to_csv(paths["shop_products"], index=False, encoding="utf-8-sig",
                                                 lineterminator="\n")
    n_customers = max(20, int(round(3000 * scale)))
    written = {name: 0 for name in paths if name != "shop_products"}
    with ExitStack() as stack:
        files = {name: stack.enter_context(paths[name].open("wb")) for name in written}
        for name, file in files.items():
            file.write(",".join(SCHEMAS[name].column_names).encode("utf-8-sig") + b"\n")
        for i, start in enumerate(range(0, n_customers, chunk)):
            tables = _shop_chunk(_chunk_rng(seed, i), min(chunk, n_customers - start))
            rows = _shop_chunk_csv(tables, written)
            for name, data in rows.items():
                files[name].write(data)
            if on_chunk is not None:
                on_chunk(rows)
            for name, columns in tables.items():
                written[name] += next(iter(columns.values())).size
    return paths


# ---------------------------------------------------------------- 潜在客户（leads、lead_source_costs）

LEADS_SEED = 20240902
# 来源：(线索占比, 平均资格水平, 成交难度, 每条线索的平均花费/元, 可能注册时选的渠道, 花费项目)
_LEAD_SOURCES = {
    "展销会": (0.22, 0.3, -2.7, 45.0, ("展销会现场",), "展位费、物料和试吃样品"),
    "转介绍": (0.08, 0.8, -2.0, 12.0, ("朋友推荐",), "老客户推荐奖励（优惠券和小礼品）"),
    "网络广告": (0.36, -0.5, -4.1, 35.0, ("淘宝店", "微信小程序"), "信息流广告和搜索推广费"),
    "社交媒体": (0.22, -0.1, -3.5, 18.0, ("抖音直播", "微信小程序"), "小红书、抖音内容制作和推广费"),
    "陌生拜访": (0.12, -0.2, -3.0, 30.0, ("展销会现场", "微信小程序"), "销售顾问的交通费和宣传单"),
}
_SALES_ADVISORS = ["林晓燕", "陈志强", "黄佳琪", "周浩然"]


def _months() -> list[str]:
    return [str(p) for p in pd.period_range(SHOP_START, SHOP_END, freq="M")]


def _masked_phone(rng: np.random.Generator, n: int) -> list[str]:
    prefixes = rng.choice(_PHONE_PREFIXES, size=n)
    tails = rng.integers(0, 10000, size=n)
    return [f"{p}****{t:04d}" for p, t in zip(prefixes, tails, strict=True)]


def lead_tables(customers: pd.DataFrame, *, scale: float = 1, seed: int = LEADS_SEED) -> dict[str, pd.DataFrame]:
    """生成潜在客户（``leads``）和各来源每月花费（``lead_source_costs``）两张表（模块二使用）。

    ``customers`` 是 ``shop_tables`` 生成的 shop_customers：成交的线索就是其中的一位客户，
    成交日期等于注册日期，来源和注册渠道相符。埋下的规律：转介绍成交率最高、获客成本最低；
    网络广告线索最多，成交率最低、获客成本最高；MAN 三项都不在最低档的线索成交率高得多。

    >>> tables = lead_tables(shop_tables(scale=0.02)["shop_customers"], scale=0.02)
    >>> sorted(tables), len(tables["leads"])
    (['lead_source_costs', 'leads'], 50)
    """
    if not 0 < scale <= 1000:
        raise ValueError(f"scale 必须在 0 到 1000 之间，收到的是 {scale}")
    rng = np.random.default_rng(seed)
    n = max(50, int(round(2000 * scale)))
    sources = list(_LEAD_SOURCES)
    share = np.array([_LEAD_SOURCES[s][0] for s in sources])
    source = rng.choice(sources, size=n, p=share / share.sum())
    quality = np.array([_LEAD_SOURCES[s][1] for s in source]) + rng.normal(0, 1, n)
    # M、A、N 三项：0 最低档，2 最高档；都随线索的资格水平变好
    grades = np.stack([np.digitize(quality + rng.normal(0, 0.9, n), [-0.9, 0.6]) for _ in range(3)], axis=1)
    qualified = (grades >= 1).all(axis=1)
    timeline = np.where(grades[:, 2] + rng.normal(0, 0.8, n) > 1.6, 0,
                        np.where(rng.random(n) < 0.5, 1, rng.choice([2, 3], size=n)))
    logit = (np.array([_LEAD_SOURCES[s][2] for s in source]) + 1.4 * qualified + 0.2 * (grades.sum(axis=1) - 3)
             + 0.4 * (timeline == 0))
    wants = rng.random(n) < 1 / (1 + np.exp(-logit))

    # 成交的线索对上一位来源相符、尚未对上的商城客户；成交日期 = 注册日期
    registered = pd.to_datetime(customers["registered_at"])
    pool = customers[registered >= pd.Timestamp(SHOP_START) + pd.Timedelta(days=3)]
    free = {s: list(rng.permutation(pool.index[pool["channel"].isin(_LEAD_SOURCES[s][4])].to_numpy()))
            for s in sources}
    used: set[int] = set()
    customer_row = np.full(n, -1)
    for i in np.flatnonzero(wants):
        candidates = free[source[i]]
        while candidates and candidates[-1] in used:
            candidates.pop()
        if candidates:
            customer_row[i] = candidates.pop()
            used.add(customer_row[i])
    converted = customer_row >= 0

    total_days = (SHOP_END - SHOP_START).days
    created = pd.to_datetime(SHOP_START) + pd.to_timedelta(rng.integers(0, total_days + 1, n), unit="D")
    fair_days = [d for d in pd.date_range(SHOP_START, SHOP_END)
                 if d.month == 9 and d.day <= 15 or d.month == 3 and d.day <= 12]  # 秋季和春季展销会
    at_fair = (source == "展销会") & ~converted
    created = created.where(~at_fair, pd.DatetimeIndex(rng.choice(fair_days, size=n)))
    converted_at = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    reg = pd.to_datetime(customers["registered_at"].to_numpy()[customer_row[converted]])
    lag = np.minimum(3 + rng.exponential(18, converted.sum()).astype(int),
                     (reg - pd.Timestamp(SHOP_START)).days.to_numpy())
    converted_at[converted] = reg
    created = pd.Series(created)
    created[converted] = reg - pd.to_timedelta(lag, unit="D")

    # 没成交的线索在漏斗里走到哪一步：资格越好走得越远；最近两个月的还在跟进
    reach = np.clip(np.round(rng.normal(0.6 + 1.4 * qualified + 0.3 * (grades.sum(axis=1) - 3), 0.9)), 0, 3)
    stage = np.where(converted, 4, reach).astype(int)
    recent = created > pd.Timestamp(SHOP_END) - pd.Timedelta(days=60)
    status = np.where(converted, "已成交", np.where(recent.to_numpy() & (rng.random(n) < 0.7), "跟进中", "已流失"))
    follow_ups = np.where(stage == 0, 0, stage + rng.poisson(1.2, n))

    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    matched = customers.iloc[np.where(converted, customer_row, 0)]
    identity = rng.choice(["学生", "教职工", "校外个人"], size=n, p=[0.6, 0.12, 0.28])
    leads = pd.DataFrame({
        "lead_id": [f"L{k + 1:05d}" for k in range(n)],
        "name": np.where(converted, matched["name"], rng.choice(all_names, size=n)),
        "identity": np.where(converted, matched["identity"].astype(str), identity),
        "phone": np.where(converted, matched["phone"], _masked_phone(rng, n)),
        "source": source,
        "created_at": created,
        "owner": rng.choice(_SALES_ADVISORS, size=n),
        "money": np.array(["低", "中", "高"])[grades[:, 0]],
        "authority": np.array(["无决策权", "需与他人商量", "自己决定"])[grades[:, 1]],
        "need": np.array(["弱", "一般", "强"])[grades[:, 2]],
        "timeline": np.array(["1个月内", "1-3个月", "3个月以上", "不确定"])[timeline],
        "follow_ups": follow_ups,
        "stage_reached": np.array(LEAD_STAGES)[stage],
        "status": status,
        "converted_at": converted_at,
        "customer_id": np.where(converted, matched["customer_id"], None),
    })
    leads = leads.sort_values(["created_at", "lead_id"], kind="stable").reset_index(drop=True)
    leads["lead_id"] = [f"L{k + 1:05d}" for k in range(n)]
    for column in ("created_at", "converted_at"):
        leads[column] = leads[column].dt.strftime("%Y-%m-%d")

    month = leads["created_at"].str[:7]
    counts = pd.crosstab(month, leads["source"]).reindex(index=_months(), columns=sources, fill_value=0)
    costs = []
    for m in _months():
        for s in sources:
            per_lead = _LEAD_SOURCES[s][3]
            spend = counts.at[m, s] * per_lead * float(rng.lognormal(0, 0.15))
            if s == "网络广告":
                spend += 300  # 广告账户每月的固定投放
            costs.append((m, s, round(spend, 2), _LEAD_SOURCES[s][5] if spend else "本月没有投入"))
    return {"leads": leads[LEADS.column_names],
            "lead_source_costs": pd.DataFrame(costs, columns=LEAD_SOURCE_COSTS.column_names)}


# ---------------------------------------------------------------- 营销活动（campaigns、campaign_targets）

CAMPAIGN_SEED = 20240903
# (名称, 类型, 渠道, 开始, 结束, 选客规则说明, 响应率（A/B 测试是 A、B 两组的）,
#  每条消息费用, 每位响应者的优惠/礼品费, 固定费用)
_CAMPAIGNS = [
    ("开学季新生欢迎礼", "新客欢迎", "小程序推送", date(2024, 9, 10), date(2024, 9, 30),
     "活动开始前 60 天内注册的学生", (0.10,), 0.0, 10.0, 600.0),
    ("双十一预热满减", "促销折扣", "短信", date(2024, 11, 1), date(2024, 11, 11),
     "所有同意接收营销信息的客户", (0.07,), 0.05, 8.0, 800.0),
    ("元旦会员关怀", "会员关怀", "微信公众号", date(2024, 12, 25), date(2025, 1, 5),
     "活动前已完成 3 单及以上的客户", (0.16,), 0.0, 12.0, 500.0),
    ("春季展销会邀请", "展会邀请", "短信", date(2025, 2, 24), date(2025, 3, 12),
     "住在广州的客户", (0.05,), 0.05, 5.0, 1500.0),
    ("沉睡客户唤醒", "流失挽回", "短信", date(2025, 5, 6), date(2025, 5, 31),
     "下过单、但最近 120 天没有下单的客户", (0.03,), 0.05, 20.0, 400.0),
    ("开学季学生满减", "促销折扣", "小程序推送", date(2025, 9, 1), date(2025, 9, 15),
     "所有学生客户", (0.08,), 0.0, 8.0, 700.0),
    ("双十一会员专享日", "促销折扣", "微信公众号", date(2025, 11, 1), date(2025, 11, 11),
     "活动前一年消费金额排在前 30% 的客户", (0.12,), 0.0, 15.0, 900.0),
    ("寒假生日关怀", "生日关怀", "短信", date(2026, 1, 1), date(2026, 2, 28),
     "1 月和 2 月过生日的客户", (0.20,), 0.05, 15.0, 200.0),
    ("美妆个护新品推荐", "新品推荐", "电子邮件", date(2026, 3, 1), date(2026, 3, 20),
     "下过单的女性客户", (0.04,), 0.01, 6.0, 1200.0),
    ("六一八满减 A/B 测试", "促销折扣", "短信", date(2026, 6, 1), date(2026, 6, 18),
     "所有同意接收营销信息的客户，随机分两组：A 组收到通用满减短信，B 组收到按购买记录推荐商品的个性化短信",
     (0.055, 0.085), 0.05, 8.0, 1000.0),
]


def campaign_tables(customers: pd.DataFrame, orders: pd.DataFrame, *,
                    seed: int = CAMPAIGN_SEED) -> dict[str, pd.DataFrame]:
    """生成营销活动（``campaigns``）和目标客户及响应（``campaign_targets``）两张表（模块六使用）。

    目标客户按活动的选客规则从 ``customers``（shop_customers）里选，只选同意接收营销信息的客户；
    活动期间下单的响应者对上 ``orders``（shop_orders）里他们的第一张已完成订单。
    埋下的规律：六一八 A/B 测试里 B 组（个性化短信）的响应率比 A 组高一点，差别显著但不大；各活动的投入产出比差别很大。
    客户数随 ``shop_tables`` 的 ``scale`` 变化，这里不再需要 ``scale``。

    >>> shop = shop_tables(scale=0.05)
    >>> tables = campaign_tables(shop["shop_customers"], shop["shop_orders"])
    >>> targets = tables["campaign_targets"].merge(shop["shop_customers"], on="customer_id")
    >>> len(tables["campaigns"]), bool(targets["consent_marketing"].all())
    (10, True)
    """
    rng = np.random.default_rng(seed)
    people = customers.assign(registered_at=pd.to_datetime(customers["registered_at"]))
    done = orders[orders["status"] == "已完成"].assign(order_time=pd.to_datetime(orders["order_time"]))
    done = done.sort_values(["order_time", "order_id"])

    def history(before: pd.Timestamp, days: int | None = None) -> pd.DataFrame:
        window = done[done["order_time"] < before]
        if days is not None:
            window = window[window["order_time"] >= before - pd.Timedelta(days=days)]
        return window.groupby("customer_id").agg(n=("order_id", "size"), spend=("amount", "sum"))

    campaigns, targets = [], []
    for k, (name, kind, channel, start, end, rule, rates, per_message, per_response, fixed) in enumerate(_CAMPAIGNS):
        begin = pd.Timestamp(start)
        eligible = people[people["consent_marketing"] & (people["registered_at"] <= begin)]
        past = history(begin).reindex(eligible["customer_id"], fill_value=0)
        ids = eligible["customer_id"].to_numpy()
        keep = {
            "新客欢迎": (eligible["registered_at"] > begin - pd.Timedelta(days=60)).to_numpy()
            & (eligible["identity"] == "学生").to_numpy(),
            "会员关怀": (past["n"] >= 3).to_numpy(),
            "展会邀请": (eligible["city"] == "广州").to_numpy(),
            "流失挽回": (past["n"] > 0).to_numpy()
            & ~pd.Index(ids).isin(history(begin, 120).index),
            "生日关怀": eligible["birth_month"].isin([1, 2]).to_numpy(),
            "新品推荐": (past["n"] > 0).to_numpy() & (eligible["gender"] == "女").to_numpy(),
        }.get(kind, np.ones(len(eligible), dtype=bool))
        if name == "开学季学生满减":
            keep = (eligible["identity"] == "学生").to_numpy()
        if name == "双十一会员专享日":
            year = history(begin, 365)["spend"].reindex(ids, fill_value=0)
            keep = (year >= year[year > 0].quantile(0.7)).to_numpy() & (year > 0).to_numpy()
        ids = np.sort(ids[keep])
        n = len(ids)
        # 活动期间第一张已完成订单：响应者多半是本来就在这段时间下单的人
        window = done[(done["order_time"] >= begin) & (done["order_time"] < pd.Timestamp(end) + pd.Timedelta(days=1))]
        first = window.drop_duplicates("customer_id").set_index("customer_id")
        has_order = pd.Index(ids).isin(first.index)  # hashes; np.isin on text compares every pair
        groups = np.full(n, "全部", dtype=object)
        if len(rates) == 2:
            groups[rng.permutation(n)[: n // 2]] = "A组"
            groups[groups == "全部"] = "B组"
        responded = np.zeros(n, dtype=bool)
        for group, rate in zip(["全部"] if len(rates) == 1 else ["A组", "B组"], rates, strict=True):
            members = np.flatnonzero(groups == group)
            if not members.size:  # a small chunk of customers (write_course_tables) may have nobody to target
                continue
            weight = np.where(has_order[members], 6.0, 1.0)
            chosen = rng.choice(members, size=int(round(rate * len(members))), replace=False, p=weight / weight.sum())
            responded[chosen] = True
        ordered = responded & has_order
        order_ids = np.where(ordered, first["order_id"].reindex(ids).to_numpy(), None)
        amounts = np.where(ordered, first["amount"].reindex(ids).to_numpy(), np.nan)
        sent = (begin + pd.to_timedelta(rng.integers(0, 3, n), unit="D")).strftime("%Y-%m-%d")
        targets.append(pd.DataFrame({
            "campaign_id": f"CP{k + 1:02d}", "customer_id": ids, "ab_group": groups, "sent_at": sent,
            "responded": responded, "ordered": ordered, "order_id": order_ids, "order_amount": amounts,
        }))
        cost = fixed + per_message * n + per_response * responded.sum()
        cost = round(cost * float(rng.uniform(0.95, 1.05)), 2)
        budget = float(np.ceil(cost * rng.uniform(0.95, 1.25) / 100) * 100)
        campaigns.append((f"CP{k + 1:02d}", name, kind, channel, start.isoformat(), end.isoformat(), rule,
                          len(rates) == 2, budget, cost))
    return {"campaigns": pd.DataFrame(campaigns, columns=CAMPAIGNS.column_names),
            "campaign_targets": pd.concat(targets, ignore_index=True)[CAMPAIGN_TARGETS.column_names]}


# ---------------------------------------------------------------- 满意度调查（survey_items、survey_responses）

SURVEY_SEED = 20260511
_SURVEY_START = datetime(2026, 5, 11, 8, 0, 0)
_AGREE = "单选：1 非常不同意 / 2 不同意 / 3 一般 / 4 同意 / 5 非常同意"
_RATE = "单选：1 很不重要（很差）/ 2 / 3 / 4 / 5 很重要（很好）"
# IPA 的属性：(列名后缀, 名称, 重要程度均值, 本店表现均值, 潜在因素)
_IPA_ATTRIBUTES = [
    ("goods", "商品质量", 4.5, 4.1, "quality"), ("variety", "商品种类", 3.9, 3.8, "quality"),
    ("price", "价格", 4.4, 3.0, "value"), ("service", "服务态度", 4.0, 4.0, "quality"),
    ("checkout", "结账速度", 4.2, 2.8, "quality"), ("environment", "摊位环境", 2.9, 4.3, "quality"),
    ("promotion", "优惠活动", 3.6, 3.4, "value"), ("online", "线上下单和配送", 3.3, 3.7, "quality"),
]
# 李克特题：(列名, 一级指标, 二级指标, 题目, 平均分, 对应的 IPA 属性)
_SURVEY_LIKERT = [
    ("expect_1", "顾客期望", "总体期望", "来展销会购物之前，我对这里的商品和服务期望很高", 3.9, None),
    ("expect_2", "顾客期望", "商品", "我期望在展销会能买到质量可靠的商品", 4.2, None),
    ("expect_3", "顾客期望", "服务", "我期望展销会的工作人员热情、专业", 4.0, None),
    ("quality_1", "感知质量", "商品", "展销会的商品质量可靠", 4.1, "goods"),
    ("quality_2", "感知质量", "商品", "展销会的商品种类丰富，能买到我想要的东西", 3.8, "variety"),
    ("quality_3", "感知质量", "服务", "工作人员态度热情，解答耐心", 4.0, "service"),
    ("quality_4", "感知质量", "服务", "结账很快，不用排长队", 2.8, "checkout"),
    ("quality_5", "感知质量", "环境", "摊位布置整洁美观，购物环境舒适", 4.3, "environment"),
    ("value_1", "感知价值", "价格", "展销会商品的价格合理", 3.0, "price"),
    ("value_2", "感知价值", "价格", "和花的钱相比，买到的东西很值（性价比高）", 3.3, "price"),
    ("value_3", "感知价值", "活动", "展销会的优惠活动让我觉得很划算", 3.4, "promotion"),
    ("satisfaction_1", "顾客满意度", "总体满意", "总的来说，我对校园展销会很满意", 3.7, None),
    ("satisfaction_2", "顾客满意度", "与期望比较", "展销会达到甚至超过了我原来的期望", 3.5, None),
    ("satisfaction_3", "顾客满意度", "与理想比较", "展销会接近我心目中理想的校园商店", 3.4, None),
    ("complaint_1", "顾客抱怨", "不满经历", "在展销会购物时我遇到过让我不满意的事情", 2.5, None),
    ("complaint_2", "顾客抱怨", "投诉行为", "我曾经向工作人员或客服抱怨、投诉过", 1.9, None),
    ("loyalty_1", "顾客忠诚", "重复购买", "下次展销会我还会来购物", 3.9, None),
    ("loyalty_2", "顾客忠诚", "推荐意愿", "我愿意向同学和朋友推荐校园展销会", 3.7, None),
    ("loyalty_3", "顾客忠诚", "价格容忍", "即使价格稍微上涨，我也会继续在这里购物", 3.0, None),
]
_COMPETITORS = {
    "校内超市": (0.30, [0.15, 0.15, 0.55, 0.0, 0.15]),
    "外卖平台": (0.22, [0.05, 0.25, 0.35, 0.30, 0.05]),
    "淘宝京东等网店": (0.24, [0.35, 0.45, 0.10, 0.05, 0.05]),
    "拼多多": (0.12, [0.75, 0.10, 0.05, 0.0, 0.10]),
    "校外商圈": (0.12, [0.20, 0.50, 0.05, 0.0, 0.25]),
}
_COMMENTS_BAD = {
    "goods": ["有一次买的数据线用两天就坏了，希望把好商品质量关。", "零食有临期的，建议上架前检查一下保质期。"],
    "variety": ["东西不够全，想买的文具经常没有。", "希望多进一些考研和考证的书。",
                "能不能多一点宿舍小电器和收纳用品？"],
    "price": ["价格比网上贵一些，学生党有点吃不消。", "有些商品比校内超市还贵，希望价格再亲民一点。",
              "希望价格再便宜点，多给学生一些折扣。"],
    "service": ["有个工作人员态度不太好，问问题爱答不理的。", "退换货太麻烦了，跑了好几次才办好。"],
    "checkout": ["结账排队太久了，高峰期能不能多开一个收银台？", "付款要排很长的队，下课时间根本买不上。",
                 "扫码付款经常卡，排队等了十几分钟。"],
    "environment": ["摊位有点挤，人多的时候转不开身。"],
    "promotion": ["优惠活动规则太复杂了，看不懂怎么领券。", "满减门槛太高，一个人很难凑够。"],
    "online": ["小程序下单后配送太慢，第二天才送到宿舍。", "线上下单的页面不好用，找不到想要的商品。"],
}
_COMMENTS_GOOD = ["整体挺好的，东西质量不错，会继续支持！", "工作人员很热情，环境也干净，体验很好。",
                  "方便又实惠，希望以后多办几次展销会。", "商品挺全的，下课顺路就能买，很方便。",
                  "活动力度挺大，上次双十一买了不少，赞！", "无"]


def _survey_items() -> pd.DataFrame:
    part1, part2, part3 = SURVEY_PARTS
    rows = [
        ("identity", part1, None, None, "您的身份是？", "单选：学生 / 教职工 / 校外个人"),
        ("gender", part1, None, None, "您的性别是？", "单选：男 / 女"),
        ("grade", part1, None, None, "您在读几年级？", "单选：大一 / 大二 / 大三 / 不适用"),
        ("age_band", part1, None, None, "您的年龄段是？", "单选：18-22 / 23-30 / 31-40 / 41-50 / 51+"),
        ("visit_frequency", part1, None, None, "您多久来校园展销会购物一次？",
         "单选：每周多次 / 每周一次 / 每月一两次 / 很少"),
    ]
    rows += [(item, part2, indicator, sub, question, _AGREE)
             for item, indicator, sub, question, _, _ in _SURVEY_LIKERT]
    for kind, indicator, stem in (("imp", "重要性", "您在选择购物地点时，{}对您来说有多重要？"),
                                  ("perf", "表现", "您觉得校园展销会在{}方面做得怎么样？")):
        rows += [(f"{kind}_{attr}", part2, indicator, name, stem.format(name), _RATE)
                 for attr, name, _, _, _ in _IPA_ATTRIBUTES]
    rows += [
        ("nps", part2, "顾客忠诚", "推荐意愿", "您有多大可能把校园展销会推荐给同学或朋友？",
         "打分：0（完全不可能）到 10（非常可能）"),
        ("competitor", part3, None, None, "除了校园展销会，您最常在哪里买同类商品？",
         "单选：" + " / ".join(_COMPETITORS)),
        ("competitor_advantage", part3, None, None, "您觉得这个地方比校园展销会强在哪里？",
         "单选：价格更低 / 商品更多 / 更方便 / 送货更快 / 没有优势"),
        ("competitor_compare", part3, None, None, "和这个地方相比，校园展销会总体怎么样？",
         "单选：1 差很多 / 2 差一些 / 3 差不多 / 4 好一些 / 5 好很多"),
        ("comment", part2, None, None, "您对校园展销会还有什么意见和建议？", "填空（选填）"),
    ]
    return pd.DataFrame(rows, columns=SURVEY_ITEMS.column_names)


def survey_tables(customers: pd.DataFrame, *, scale: float = 1, seed: int = SURVEY_SEED) -> dict[str, pd.DataFrame]:
    """生成满意度调查的题目（``survey_items``）和答卷（``survey_responses``）两张表（实训1 使用）。

    问卷按仿照 ACSI 的指标体系设计：顾客期望 → 感知质量、感知价值 → 顾客满意度 → 顾客抱怨、顾客忠诚，
    外加 IPA 用的 8 个属性的重要程度和表现、NPS 推荐题和竞争对手题。约三分之二的答卷对上 ``customers`` 里的客户。
    埋下的规律：同一指标的题目相关（Cronbach's α 约 0.7～0.9）；价格和结账速度“很重要但做得差”，
    摊位环境“不太重要却做得好”；满意度高的人忠诚度也高。

    >>> tables = survey_tables(shop_tables(scale=0.02)["shop_customers"], scale=0.05)
    >>> len(tables["survey_responses"]), set(tables["survey_items"]["item"]) < set(tables["survey_responses"])
    (30, True)
    """
    if not 0 < scale <= 1000:
        raise ValueError(f"scale 必须在 0 到 1000 之间，收到的是 {scale}")
    rng = np.random.default_rng(seed)
    n = max(30, int(round(600 * scale)))
    # 潜在因素（标准化）：期望 → 质量、价值 → 满意 → 抱怨、忠诚
    expect = rng.normal(0, 1, n)
    quality = 0.4 * expect + rng.normal(0, 0.92, n)
    value = 0.35 * quality + rng.normal(0, 0.94, n)
    satisfaction = 0.55 * quality + 0.45 * value + rng.normal(0, 0.6, n)
    satisfaction /= satisfaction.std()
    complaint = -0.6 * satisfaction + rng.normal(0, 0.8, n)
    loyalty = 0.75 * satisfaction - 0.15 * complaint + rng.normal(0, 0.6, n)
    loyalty /= loyalty.std()
    factors = {"顾客期望": expect, "感知质量": quality, "感知价值": value, "顾客满意度": satisfaction,
               "顾客抱怨": complaint, "顾客忠诚": loyalty}
    attribute = {attr: 0.8 * factors["感知质量" if f == "quality" else "感知价值"] + rng.normal(0, 0.6, n)
                 for attr, _, _, _, f in _IPA_ATTRIBUTES}

    def likert(mean, latent, noise=0.55, low=1, high=5):
        return np.clip(np.round(mean + 0.75 * latent + rng.normal(0, noise, n)), low, high).astype(int)

    answers = {}
    for item, indicator, _, _, mean, attr in _SURVEY_LIKERT:
        answers[item] = likert(mean, attribute[attr] if attr else factors[indicator])
    style = rng.normal(0, 0.5, n)  # 有的人什么都打高分
    for attr, _, importance, _, _ in _IPA_ATTRIBUTES:
        answers[f"imp_{attr}"] = likert(importance, style, noise=0.7)
    for attr, _, _, performance, _ in _IPA_ATTRIBUTES:
        answers[f"perf_{attr}"] = likert(performance, attribute[attr], noise=0.5)
    answers["nps"] = np.clip(np.round(7.9 + 1.7 * loyalty + rng.normal(0, 1.0, n)), 0, 10).astype(int)

    competitors = list(_COMPETITORS)
    competitor = rng.choice(competitors, size=n, p=[_COMPETITORS[c][0] for c in competitors])
    advantages = ["价格更低", "商品更多", "更方便", "送货更快", "没有优势"]
    advantage = [str(rng.choice(advantages, p=_COMPETITORS[c][1])) for c in competitor]
    compare = likert(3.2, satisfaction, noise=0.7)

    # 约三分之二的答卷留了手机号，对上了商城客户
    registered = pd.to_datetime(customers["registered_at"])
    pool = customers[registered < pd.Timestamp(_SURVEY_START)]
    linked = rng.random(n) < 0.66
    picked = pool.iloc[rng.choice(len(pool), size=min(int(linked.sum()), len(pool)), replace=False)]
    linked[np.flatnonzero(linked)[len(picked):]] = False
    rows = np.flatnonzero(linked)
    identity = rng.choice(["学生", "教职工", "校外个人"], size=n, p=[0.72, 0.14, 0.14]).astype(object)
    gender = np.where(rng.random(n) < 0.45, "男", "女").astype(object)
    age_band = np.where(identity == "学生", "18-22",
                        rng.choice(["23-30", "31-40", "41-50", "51+"], size=n, p=[0.35, 0.35, 0.2, 0.1])).astype(object)
    identity[rows] = picked["identity"].astype(str).to_numpy()
    gender[rows] = picked["gender"].astype(str).to_numpy()
    age_band[rows] = picked["age_band"].astype(str).to_numpy()
    customer_id = np.full(n, None, dtype=object)
    customer_id[rows] = picked["customer_id"].to_numpy()
    grade = np.where(identity == "学生", rng.choice(["大一", "大二", "大三"], size=n, p=[0.4, 0.35, 0.25]), "不适用")
    visits = np.digitize(loyalty + rng.normal(0, 0.8, n), [-1.0, 0.2, 1.2])
    frequency = np.array(["很少", "每月一两次", "每周一次", "每周多次"])[visits]
    offsets = rng.integers(0, 14, n) * 86400 + rng.integers(0, 15 * 3600, n)  # 两周内每天 8 点到 23 点
    submitted = [_SURVEY_START + timedelta(seconds=int(s)) for s in np.sort(offsets)]

    perf = np.stack([answers[f"perf_{a}"] for a, *_ in _IPA_ATTRIBUTES], axis=1)
    comments = []
    for i in range(n):
        if rng.random() > 0.45:
            comments.append(None)
        elif satisfaction[i] > 0.9:
            comments.append(str(rng.choice(_COMMENTS_GOOD)))
        else:
            worst = _IPA_ATTRIBUTES[int(np.argmin(perf[i] + rng.uniform(0, 0.9, len(_IPA_ATTRIBUTES))))][0]
            comments.append(str(rng.choice(_COMMENTS_BAD[worst])))

    table = pd.DataFrame({
        "respondent_id": [f"R{k + 1:04d}" for k in range(n)],
        "customer_id": customer_id,
        "submitted_at": [t.strftime("%Y-%m-%d %H:%M:%S") for t in submitted],
        "identity": identity, "gender": gender, "grade": grade, "age_band": age_band,
        "visit_frequency": frequency,
        **answers,
        "competitor": competitor, "competitor_advantage": advantage, "competitor_compare": compare,
        "comment": comments,
    })
    # 少数人漏答了几道打分题（问卷星里设成了选答）
    for column in [c.name for c in SURVEY_RESPONSES.columns if c.dtype == "int"]:
        values = table[column].astype("Int64")
        values[rng.random(n) < 0.015] = pd.NA
        table[column] = values
    return {"survey_items": _survey_items(), "survey_responses": table[SURVEY_RESPONSES.column_names]}


# ---------------------------------------------------------------- 企业和团体客户（b2b_*）

B2B_SEED = 20240904
# (单位名称, 行业, 规模, 城市, 区)
_B2B_ACCOUNTS = [
    ("绿源超市连锁有限公司", "连锁超市", "大型", "广州", "从化区"),
    ("南方城建职业学院第一食堂", "食堂", "大型", "广州", "从化区"),
    ("鸿运餐饮管理有限公司", "餐饮企业", "大型", "广州", "白云区"),
    ("广州从化供水集团有限公司", "公用事业", "大型", "广州", "从化区"),
    ("南方城建职业学院经济与管理学院", "高校院系", "中型", "广州", "从化区"),
    ("南方城建职业学院信息工程学院", "高校院系", "中型", "广州", "从化区"),
    ("南方城建职业学院艺术设计学院", "高校院系", "中型", "广州", "从化区"),
    ("南方城建职业学院建筑工程学院", "高校院系", "中型", "广州", "从化区"),
    ("南方城建职业学院图书馆", "高校院系", "中型", "广州", "从化区"),
    ("南方城建职业学院学生处", "高校院系", "小型", "广州", "从化区"),
    ("南方城建职业学院后勤处", "高校院系", "中型", "广州", "从化区"),
    ("南方城建职业学院校团委", "高校院系", "小型", "广州", "从化区"),
    ("岭南商贸职业学院电子商务学院", "高校院系", "中型", "广州", "从化区"),
    ("岭南商贸职业学院财经学院", "高校院系", "中型", "广州", "从化区"),
    ("岭南商贸职业学院后勤处", "高校院系", "中型", "广州", "从化区"),
    ("岭南商贸职业学院学生食堂", "食堂", "大型", "广州", "从化区"),
    ("华南信息职业技术学院软件学院", "高校院系", "中型", "广州", "黄埔区"),
    ("华南信息职业技术学院机电工程学院", "高校院系", "中型", "广州", "黄埔区"),
    ("华南信息职业技术学院教工食堂", "食堂", "中型", "广州", "黄埔区"),
    ("华南信息职业技术学院继续教育学院", "高校院系", "小型", "广州", "黄埔区"),
    ("从化区第二中学", "中小学", "中型", "广州", "从化区"),
    ("从化区街口中心小学", "中小学", "中型", "广州", "从化区"),
    ("太平镇中心小学", "中小学", "小型", "广州", "从化区"),
    ("温泉镇第一中学", "中小学", "中型", "广州", "从化区"),
    ("从化区人民医院职工食堂", "食堂", "中型", "广州", "从化区"),
    ("好又多便利店连锁", "连锁超市", "中型", "广州", "白云区"),
    ("美佳乐生活超市", "连锁超市", "中型", "佛山", "南海区"),
    ("粤味轩餐饮连锁有限公司", "餐饮企业", "中型", "广州", "天河区"),
    ("六记烧腊饭店", "餐饮企业", "小型", "广州", "从化区"),
    ("茶语时光奶茶连锁", "餐饮企业", "中型", "广州", "番禺区"),
    ("从化区燃气有限公司", "公用事业", "中型", "广州", "从化区"),
    ("从化区公共交通有限公司", "公用事业", "中型", "广州", "从化区"),
    ("广州晨光广告设计有限公司", "企业", "小型", "广州", "天河区"),
    ("南粤快递从化分公司", "企业", "中型", "广州", "从化区"),
    ("广州星河电子科技有限公司", "企业", "中型", "广州", "黄埔区"),
    ("从化碧泉温泉度假酒店", "企业", "大型", "广州", "从化区"),
    ("广州绿野农业发展有限公司", "企业", "中型", "广州", "从化区"),
    ("佛山顺联家具有限公司", "企业", "中型", "佛山", "顺德区"),
    ("深圳云帆软件有限公司", "企业", "中型", "深圳", "南山区"),
    ("东莞华泰五金制品厂", "企业", "中型", "东莞", "松山湖"),
    ("广州启明教育培训中心", "企业", "小型", "广州", "海珠区"),
    ("广州安居房产中介有限公司", "企业", "小型", "广州", "越秀区"),
    ("清远南华汽车零部件有限公司", "企业", "中型", "清远", "清城区"),
    ("广州蓝海会展服务有限公司", "企业", "小型", "广州", "海珠区"),
    ("广州南沙港物流有限公司", "企业", "大型", "广州", "黄埔区"),
    ("广州康宁医疗器械有限公司", "企业", "中型", "广州", "番禺区"),
    ("佛山美的生活电器销售服务部", "企业", "小型", "佛山", "禅城区"),
    ("城建物业服务有限公司", "物业", "中型", "广州", "从化区"),
    ("碧水湾花园物业管理处", "物业", "小型", "广州", "从化区"),
    ("锦绣华庭物业服务中心", "物业", "小型", "广州", "白云区"),
    ("广州天河科技园物业管理有限公司", "物业", "中型", "广州", "天河区"),
    ("从化区图书馆", "公用事业", "小型", "广州", "从化区"),
    ("从化区青少年宫", "公用事业", "小型", "广州", "从化区"),
    ("广州市从化区职业技术学校", "中小学", "中型", "广州", "从化区"),
    ("岭南商贸职业学院图书馆", "高校院系", "小型", "广州", "从化区"),
    ("华南信息职业技术学院学生处", "高校院系", "小型", "广州", "黄埔区"),
    ("广州悦动健身会所", "企业", "小型", "广州", "天河区"),
    ("广州文华印务有限公司", "企业", "小型", "广州", "白云区"),
    ("从化区中医院职工食堂", "食堂", "中型", "广州", "从化区"),
    ("广州顺丰速运从化营业部", "企业", "中型", "广州", "从化区"),
]
_AREA_CODES = {"广州": "020", "佛山": "0757", "深圳": "0755", "东莞": "0769", "清远": "0763"}
# 行业：(毛利率, 主要产品线的抽样权重（顺序同 schema.PRODUCT_LINES）)
_B2B_INDUSTRY = {
    "高校院系": (0.32, [0.5, 0.1, 0.1, 0.15, 0.15]), "中小学": (0.30, [0.6, 0.15, 0.05, 0.1, 0.1]),
    "食堂": (0.13, [0.05, 0.45, 0.5, 0.0, 0.0]), "连锁超市": (0.06, [0.15, 0.35, 0.4, 0.1, 0.0]),
    "餐饮企业": (0.16, [0.05, 0.45, 0.4, 0.0, 0.1]), "公用事业": (0.24, [0.4, 0.15, 0.1, 0.1, 0.25]),
    "企业": (0.26, [0.35, 0.15, 0.15, 0.15, 0.2]), "物业": (0.22, [0.2, 0.5, 0.1, 0.05, 0.15]),
}
_KEY_ACCOUNT_POTENTIAL = [400000.0, 150000.0, 120000.0, 200000.0]  # 超市、食堂、餐饮、供水集团
_ACCOUNT_MANAGERS = ["郑国栋", "何丽华", "梁振宇", "谢婉婷"]
_DECIDER_TITLES = {
    "高校院系": ["院长", "副院长", "处长", "馆长"], "中小学": ["校长", "副校长"], "食堂": ["食堂经理", "后勤处处长"],
    "连锁超市": ["总经理", "采购总监"], "餐饮企业": ["总经理", "运营总监"], "公用事业": ["副总经理", "办公室主任"],
    "企业": ["总经理", "行政总监"], "物业": ["项目经理", "总经理"],
}
_ROLE_TITLES = {
    "影响者": ["办公室主任", "财务经理", "教研室主任", "部门经理"],
    "使用者": ["行政专员", "教学秘书", "店长", "厨师长", "仓库主管"],
    "采购者": ["采购专员", "采购主管", "后勤采购员"],
    "把关者": ["前台", "办公室文员", "总经理助理"],
}
_STAGE_PROBABILITY = {"初步接触": 10, "需求确认": 30, "方案报价": 50, "谈判": 70, "赢单": 100, "输单": 0}
_ACTIVITY_NOTES = {
    "拜访": ["上门拜访，了解下学期的采购计划", "拜访客户，当面介绍新到的{line}", "陪客户看样品，对方比较满意"],
    "电话": ["电话确认{line}的需求数量", "电话沟通报价，对方说要内部商量", "电话跟进上次的方案，暂时没有答复"],
    "邮件": ["发送{line}报价单和产品目录", "邮件发送合同草稿", "邮件发送节日礼品方案"],
    "产品演示": ["带样品到客户单位做{line}展示", "在展销会现场给客户做产品演示"],
    "微信": ["微信发送{line}新品图片", "微信提醒对方确认订单", "微信沟通送货时间"],
}


def b2b_tables(*, scale: float = 1, seed: int = B2B_SEED) -> dict[str, pd.DataFrame]:
    """生成企业和团体客户的五张表：客户、联系人、销售机会、业务活动、成交订单（模块五、实验一/二使用）。

    ``scale=1`` 是 60 家单位；更大的 ``scale`` 给单位名称加上分部编号。埋下的规律：收入集中在少数大客户
    （ABC 分析）；连锁超市、食堂收入高但毛利率低，利润排名和收入排名不同；没有联系上决策者的单位输单多得多。

    >>> tables = b2b_tables(scale=0.2)
    >>> sorted(tables), len(tables["b2b_accounts"])
    (['b2b_accounts', 'b2b_activities', 'b2b_contacts', 'b2b_opportunities', 'b2b_orders'], 12)
    """
    if not 0 < scale <= 1000:
        raise ValueError(f"scale 必须在 0 到 1000 之间，收到的是 {scale}")
    rng = np.random.default_rng(seed)
    n = max(10, int(round(len(_B2B_ACCOUNTS) * scale)))
    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    end = pd.Timestamp(SHOP_END)
    accounts, contacts, opportunities, activities, orders = [], [], [], [], []
    for k in range(n):
        name, industry, size, city, district = _B2B_ACCOUNTS[k % len(_B2B_ACCOUNTS)]
        if k >= len(_B2B_ACCOUNTS):
            name += f"（第 {k // len(_B2B_ACCOUNTS) + 1} 分部）"
        account_id = f"B{k + 1:03d}"
        owner = _ACCOUNT_MANAGERS[k % len(_ACCOUNT_MANAGERS)]
        long_standing = k % len(_B2B_ACCOUNTS) < 4  # 名单最前面的几家是一开始就合作的老客户
        created = pd.Timestamp(SHOP_START) + pd.Timedelta(days=int(rng.integers(0, 30 if long_standing else 300)))
        # 每年的采购潜力（元）：对数正态，规模越大越多；名单最前面的四家老客户是大客户
        potential = min(100000.0, float(rng.lognormal(np.log({"小型": 6000, "中型": 15000, "大型": 50000}[size]), 0.9)))
        if long_standing:
            potential = _KEY_ACCOUNT_POTENTIAL[k % len(_B2B_ACCOUNTS)]
        margin_base, line_weights = _B2B_INDUSTRY[industry]
        margin = float(np.clip(margin_base + rng.normal(0, 0.03) - (0.03 if size == "大型" else 0), 0.03, 0.45))
        phone = f"{_AREA_CODES[city]}-8***{int(rng.integers(0, 10000)):04d}"
        accounts.append((account_id, name, industry, size, city, district, phone, owner, created.date().isoformat()))

        # 联系人：约 3 位，约三分之一的单位没有联系上决策者
        n_contacts = int(np.clip(rng.poisson(1.7) + 1, 2, 5))
        has_decider = long_standing or rng.random() < 0.68
        roles = list(rng.choice(["影响者", "使用者", "采购者", "把关者"], size=n_contacts, p=[0.25, 0.3, 0.3, 0.15]))
        roles[0] = "采购者"
        if has_decider:
            roles[-1 if n_contacts > 1 else 0] = "决策者"
        account_contacts = []
        for j, role in enumerate(roles):
            contact_id = f"BC{len(contacts) + 1:04d}"
            title = pick(rng, _DECIDER_TITLES[industry] if role == "决策者" else _ROLE_TITLES[role])
            contacts.append((contact_id, account_id, pick(rng, all_names), "男" if rng.random() < 0.5 else "女",
                             title, role, _masked_phone(rng, 1)[0], j == 0))
            account_contacts.append((contact_id, role))
        contact_p = np.array([{"决策者": 1.0, "影响者": 1.5, "使用者": 1.5, "采购者": 3.0, "把关者": 0.7}[r]
                              for _, r in account_contacts])
        contact_p /= contact_p.sum()

        def activity(day, opportunity_id, line, won, account_id=account_id, owner=owner,
                     account_contacts=account_contacts, contact_p=contact_p):
            kind = pick(rng, list(_ACTIVITY_NOTES), p=[0.2, 0.3, 0.1, 0.1, 0.3])
            outcome_p = {True: [0.6, 0.3, 0.1], False: [0.2, 0.35, 0.45], None: [0.4, 0.45, 0.15]}[won]
            contact_id = pick(rng, account_contacts, p=contact_p)[0]
            activities.append((account_id, contact_id, opportunity_id, kind, day.date().isoformat(), owner,
                               pick(rng, ["有进展", "待跟进", "无进展"], p=outcome_p),
                               pick(rng, _ACTIVITY_NOTES[kind]).format(line=line)))

        n_opps = 1 + int(rng.poisson(1.5 + np.log10(potential / 5000)))
        replenishing = False  # 食堂、超市、餐饮第一次赢单后签框架协议，之后每月补货
        for o in range(n_opps):
            opportunity_id = f"OP{len(opportunities) + 1:04d}"
            line = pick(rng, PRODUCT_LINES, p=line_weights)
            # 第一个销售机会就是建档的原因；之后的随时出现
            latest = 60 if o == 0 else max(1, (end - created).days - 10)
            opened = created + pd.Timedelta(days=int(rng.integers(0, latest)))
            closed = opened + pd.Timedelta(days=int(rng.integers(15, 100)))
            amount = round(potential * float(rng.uniform(0.15, 0.6)), -2)
            year = opened.year if opened.month >= 9 else opened.year - 1
            opp_name = f"{year}学年{line}采购"
            if closed > end:
                stage = pick(rng, OPPORTUNITY_STAGES[:4], p=[0.3, 0.3, 0.25, 0.15])
                won, closed_at, reason = None, None, None
            else:
                won = bool(rng.random() < (0.6 if has_decider else 0.28))
                stage = "赢单" if won else "输单"
                closed_at = closed.date().isoformat()
                reason = None
                if not won:
                    reason = ("没找到拍板的人" if not has_decider and rng.random() < 0.45 else
                              pick(rng, ["价格太高", "选了竞争对手", "需求取消"], p=[0.4, 0.4, 0.2]))
            opportunities.append((opportunity_id, account_id, opp_name, line, stage, amount, _STAGE_PROBABILITY[stage],
                                  owner, opened.date().isoformat(), closed_at, reason))
            last = min(closed, end)
            for _ in range(2 + int(rng.poisson(2.5))):
                activity(opened + pd.Timedelta(days=int(rng.integers(0, (last - opened).days + 1))),
                         opportunity_id, line, won)
            if won:
                # 赢单后分一到三批交货
                parts = rng.dirichlet(np.ones(int(rng.integers(1, 4))))
                for p, part in enumerate(parts):
                    day = closed + pd.Timedelta(days=int(3 + 20 * p + rng.integers(0, 10)))
                    if day <= end:
                        orders.append((account_id, opportunity_id, day, line, amount * part, margin))
                if not replenishing and industry in ("食堂", "连锁超市", "餐饮企业"):
                    replenishing = True
                    day = closed + pd.Timedelta(days=30)
                    while day <= end:
                        orders.append((account_id, None, day, line, potential / 12 * float(rng.lognormal(0, 0.25)),
                                       margin))
                        day += pd.Timedelta(days=int(rng.integers(25, 36)))
        for _ in range(int(rng.poisson(2))):
            activity(created + pd.Timedelta(days=int(rng.integers(0, (end - created).days + 1))), None, "商品", None)

    orders.sort(key=lambda o: (o[2], o[0]))
    order_rows = []
    for i, (account_id, opportunity_id, day, line, revenue, margin) in enumerate(orders):
        revenue = round(revenue, 2)
        cost = round(revenue * (1 - margin * float(rng.lognormal(0, 0.1))), 2)
        order_rows.append((f"BO{i + 1:05d}", account_id, opportunity_id, day.date().isoformat(), line, revenue, cost))
    activity_frame = pd.DataFrame(activities, columns=B2B_ACTIVITIES.column_names[1:])
    activity_frame = activity_frame.sort_values(["activity_date", "account_id"], kind="stable").reset_index(drop=True)
    activity_frame.insert(0, "activity_id", [f"AC{i + 1:05d}" for i in range(len(activity_frame))])
    return {
        "b2b_accounts": pd.DataFrame(accounts, columns=B2B_ACCOUNTS.column_names),
        "b2b_contacts": pd.DataFrame(contacts, columns=B2B_CONTACTS.column_names),
        "b2b_opportunities": pd.DataFrame(opportunities, columns=B2B_OPPORTUNITIES.column_names),
        "b2b_activities": activity_frame,
        "b2b_orders": pd.DataFrame(order_rows, columns=B2B_ORDERS.column_names),
    }


def build_tables(*, scale: float = 1) -> dict[str, pd.DataFrame]:
    """生成全部课程表，返回 {表名: DataFrame}，顺序同 ``crm_lab.schema.SCHEMAS``。"""
    shop = shop_tables(scale=scale)
    tables = {
        "campus_fair_customers": campus_fair_customers(),
        **shop,
        **lead_tables(shop["shop_customers"], scale=scale),
        **campaign_tables(shop["shop_customers"], shop["shop_orders"]),
        **survey_tables(shop["shop_customers"], scale=scale),
        **b2b_tables(scale=scale),
        **messy_customer_tables(shop["shop_customers"], n=min(400, len(shop["shop_customers"]))),
        **case_tables(scale=scale),
    }
    return {name: tables[name] for name in SCHEMAS}


def _write_table(path: Path, name: str, table: pd.DataFrame, *, append: bool = False) -> None:
    schema = SCHEMAS[name]
    encoding = "utf-8" if append and schema.encoding == "utf-8-sig" else schema.encoding
    table[schema.column_names].to_csv(path, mode="a" if append else "w", header=not append, index=False,
                                      encoding=encoding, lineterminator="\r\n" if schema.raw else "\n")


def _chunk_frame(name: str, rows: bytes) -> pd.DataFrame:
    header = ",".join(SCHEMAS[name].column_names).encode("utf-8") + b"\n"
    return pd.read_csv(io.BytesIO(header + rows))


def write_course_tables(out_dir: str | Path, *, scale: float, chunk: int = SHOP_CHUNK) -> dict[str, Path]:
    """把全部课程表按 ``scale`` 倍的大小写成 CSV（基准测试用，不随课件发放），返回 {表名: 文件}。

    - 商城五张表由 ``write_shop_tables`` 分块写出；
    - 依赖商城客户和订单的 leads、lead_source_costs、campaigns、campaign_targets、survey_items、survey_responses
      逐块生成：每写完一块商城客户（``chunk`` 位），就用这一块的客户和订单调用 ``lead_tables``、
      ``campaign_tables``、``survey_tables``（第 i 块的随机种子是各自的默认种子加 i），编号接着往下排，
      所以内存只和 ``chunk`` 有关。各块的 lead_source_costs 按月份和来源把花费加起来；campaigns 每个活动
      的预算和花费是各块之和（每块的固定费用都算一次，相当于每块客户各办一场）；survey_items 每块都一样，写一次；
    - b2b 五张表和五个行业案例的表每次生成 10 倍（一片），编号接着往下排（见 ``_write_sliced``），内存只和一片有关；
      每片内部按日期排序，片与片之间不再整体按日期排序，单位名称在不同片之间可能重复；
    - campus_fair_customers 最多 999 位、messy_customers 只从第一块客户里抽（发放大小的 ``scale`` 倍，
      不超过第一块的客户数）：它们是小表练习，不随 ``scale`` 无限变大。

    同样的 ``scale`` 和 ``chunk`` 得到一字不差的文件。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     paths = write_course_tables(folder, scale=0.05, chunk=60)
    ...     leads = pd.read_csv(paths["leads"])
    >>> sorted(paths) == sorted(SCHEMAS), leads["lead_id"].is_unique
    (True, True)
    """
    out = Path(out_dir)
    paths = {name: out / f"{name}.csv" for name in SCHEMAS}  # write_shop_tables 检查参数、建文件夹
    counts = {"leads": 0, "survey_responses": 0}
    costs: list[pd.DataFrame] = []
    campaigns: list[pd.DataFrame] = []
    first_customers: list[pd.DataFrame] = []

    def derived(rows: dict[str, bytes]) -> None:
        i = len(campaigns)
        customers = _chunk_frame("shop_customers", rows["shop_customers"])
        orders = _chunk_frame("shop_orders", rows["shop_orders"])
        part = len(customers) / 3000
        tables = {**lead_tables(customers, scale=part, seed=LEADS_SEED + i),
                  **campaign_tables(customers, orders, seed=CAMPAIGN_SEED + i),
                  **survey_tables(customers, scale=part, seed=SURVEY_SEED + i)}
        for name, column, prefix, digits in (("leads", "lead_id", "L", 5),
                                             ("survey_responses", "respondent_id", "R", 4)):
            start = counts[name]
            tables[name][column] = [f"{prefix}{start + k + 1:0{digits}d}" for k in range(len(tables[name]))]
            counts[name] += len(tables[name])
        for name in ("leads", "campaign_targets", "survey_responses"):
            _write_table(paths[name], name, tables[name], append=i > 0)
        if i == 0:
            _write_table(paths["survey_items"], "survey_items", tables["survey_items"])
            first_customers.append(customers)
        costs.append(tables["lead_source_costs"])
        campaigns.append(tables["campaigns"])

    write_shop_tables(out, scale=scale, chunk=chunk, on_chunk=derived)
    spend = pd.concat(costs).groupby(["month", "source"], sort=False)["spend"].sum().round(2)
    lead_costs = costs[0].assign(spend=spend.to_numpy())
    lead_costs["spend_items"] = lead_costs["spend_items"].where(lead_costs["spend"] > 0, "本月没有投入")
    _write_table(paths["lead_source_costs"], "lead_source_costs", lead_costs)
    money = ["budget", "cost"]
    totals = pd.concat(campaigns).groupby("campaign_id", sort=False)[money].sum().round(2)
    _write_table(paths["campaigns"], "campaigns", campaigns[0].assign(**{c: totals[c].to_numpy() for c in money}))

    shop_customers = first_customers[0]
    small = {"campus_fair_customers": campus_fair_customers(min(999, max(50, int(round(50 * scale))))),
             **messy_customer_tables(shop_customers, n=min(len(shop_customers), max(100, int(round(400 * scale)))))}
    for name, table in small.items():
        _write_table(paths[name], name, table)
    for build, seed in ((b2b_tables, B2B_SEED), (manufacturing_tables, MFG_SEED),
                        (realestate_tables, REALESTATE_SEED), (airline_tables, AIRLINE_SEED),
                        (logistics_tables, LOGISTICS_SEED), (travel_tables, TRAVEL_SEED)):
        _write_sliced(build, seed, scale, paths)
    return {name: paths[name] for name in SCHEMAS}


_SLICE_SCALE = 10
_ID = r"^([A-Z]+)(\d+)$"


def _write_sliced(build, seed: int, scale: float, paths: dict[str, Path]) -> None:
    """``build`` 的表按 ``scale`` 写出：每次生成 ``_SLICE_SCALE`` 倍（第 i 片的种子是 ``seed + i``），写完就丢。

    编号（``*_id`` 列里“字母 + 数字”的值）按字母前缀接着前面的片往下排，引用跟着一起改；没有编号列的小汇总表
    （例如各渠道的费用）按第一列把数值列加起来。``scale`` 不超过一片时就是 ``build(scale=scale)`` 本身。
    """
    n_slices = max(1, math.ceil(scale / _SLICE_SCALE - 1e-9))
    offsets: dict[str, int] = {}
    totals: dict[str, list[pd.DataFrame]] = {}
    for i in range(n_slices):
        part = scale / n_slices
        tables = build(scale=part, seed=seed + i)
        seen: dict[str, int] = {}
        for name, table in tables.items():
            id_columns = [c for c in table.columns if c.endswith("_id")]
            if not id_columns:
                totals.setdefault(name, []).append(table)
                continue
            for column in id_columns:
                parts = table[column].str.extract(_ID)
                numbers = pd.to_numeric(parts[1])
                for prefix, biggest in numbers.groupby(parts[0]).max().items():
                    seen[prefix] = max(seen.get(prefix, 0), int(biggest))
                if i:
                    width = parts[1].str.len()
                    shifted = numbers + parts[0].map(offsets).fillna(0)
                    renumbered = [None if pd.isna(p) else f"{p}{int(n):0{int(w)}d}"
                                  for p, n, w in zip(parts[0], shifted, width, strict=True)]
                    table[column] = table[column].where(parts[0].isna(), pd.Series(renumbered, index=table.index))
            _write_table(paths[name], name, table, append=i > 0)
        for prefix, biggest in seen.items():
            offsets[prefix] = offsets.get(prefix, 0) + biggest
    for name, parts in totals.items():
        first = parts[0]
        numeric = [c for c in first.columns[1:] if pd.api.types.is_float_dtype(first[c])]
        summed = pd.concat(parts).groupby(first.columns[0], sort=False)[numeric].sum().round(2)
        _write_table(paths[name], name, first.assign(**{c: summed[c].to_numpy() for c in numeric}))


def dictionary_file(name: str) -> str:
    """表 ``name`` 写在 ``datasets/`` 里的哪一份数据字典：行业案例各有一份，其余都在 README.md。"""
    for file, (_, _, names) in CASE_DICTIONARIES.items():
        if name in names:
            return file
    return "README.md"


def _table_section(name: str, table: pd.DataFrame) -> list[str]:
    schema = SCHEMAS[name]
    lines = [
        f"## `{name}.csv`：{schema.title}",
        "",
        schema.description,
        "",
        f"- 使用它的笔记本：{'、'.join(schema.used_by)}",
        f"- 行数：{len(table)}",
    ]
    if schema.raw:
        lines += [
            "- 文件编码：GBK（中文 Windows 上的 Excel 导出 CSV 时的默认编码），用记事本或 Excel 打开时要选对编码",
            f"- 读取：`load_dataset(\"{name}\")` 只检查列名，所有列都按文本读入（空单元格是缺失值），不检查、不转换；"
            f"也可以用 `read_table(\"datasets/{name}.csv\")` 从工作区直接读",
        ]
    else:
        lines.append(f"- 读取：`load_dataset(\"{name}\")`")
    lines += ["", "| 列名 | 类型 | 单位 | 含义 | 示例 |", "|---|---|---|---|---|"]
    for col in schema.columns:
        # 原样保留的练习文件不给示例：随便挑一个值就可能把要学生自己发现的问题说出来
        example = "—" if schema.raw else table[col.name].dropna().iloc[0]
        meaning = col.meaning
        if col.values:
            meaning += f"。取值：{' / '.join(col.values)}"
        if col.nullable:
            meaning += "（可以为空；有空值时按小数读入）" if col.dtype == "int" else "（可以为空）"
        lines.append(f"| `{col.name}` | {DTYPES[col.dtype]} | {col.unit or '—'} | {meaning} | {example} |")
    lines.append("")
    return lines


def data_dictionary(tables: dict[str, pd.DataFrame]) -> str:
    """由表结构（``crm_lab.schema``）和生成的数据写出数据字典 ``datasets/README.md``。"""
    lines = [
        "# 课程数据字典",
        "",
        "本文件由 `python -m crm_lab.synth` 根据 `crm_lab/schema.py` 自动生成，请不要手工修改。",
        "所有数据都是虚构的，由固定随机种子生成；文件编码为带 BOM 的 UTF-8，可以直接用 Excel 打开"
        "（故意保留原样的练习文件除外，见各表的说明）。",
        "",
    ]
    for name in SCHEMAS:
        if dictionary_file(name) == "README.md":
            lines += _table_section(name, tables[name])
    lines += ["## 模块七：行业案例的数据", "",
              "每个行业案例有自己的数据字典：", "", "| 案例 | 数据字典 | 表（行数） |", "|---|---|---|"]
    for file, (title, _, names) in CASE_DICTIONARIES.items():
        listed = "、".join(f"`{n}`（{len(tables[n])}）" for n in names)
        lines.append(f"| {title} | [{file}]({file}) | {listed} |")
    lines.append("")
    return "\n".join(lines)


def case_dictionary(file: str, tables: dict[str, pd.DataFrame]) -> str:
    """一个行业案例的数据字典（``datasets/`` 里的 ``file``），格式同 ``datasets/README.md``。"""
    title, intro, names = CASE_DICTIONARIES[file]
    lines = [
        f"# {title}",
        "",
        "本文件由 `python -m crm_lab.synth` 根据 `crm_lab/schema.py` 自动生成，请不要手工修改。",
        "数据是虚构的，由固定随机种子生成；文件编码为带 BOM 的 UTF-8，可以直接用 Excel 打开。"
        "其他数据见 [README.md](README.md)。",
        "",
        intro,
        "",
    ]
    for name in names:
        lines += _table_section(name, tables[name])
    return "\n".join(lines)


def planted_pattern_figures(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """计算埋在商城数据里的规律有多强（写进数据字典的教师部分，测试也用它）。"""
    orders, lines, tickets = tables["shop_orders"], tables["shop_order_lines"], tables["shop_tickets"]
    done = orders[orders["status"] == "已完成"]
    revenue = done.groupby("customer_id")["amount"].sum().sort_values(ascending=False)
    top20_share = revenue.iloc[: int(0.2 * len(revenue))].sum() / revenue.sum()

    baskets = lines[lines["order_id"].isin(done["order_id"])][["order_id", "product_id"]].drop_duplicates()
    onehot = pd.crosstab(baskets["order_id"], baskets["product_id"]).astype(bool)
    n_orders = len(onehot)
    support = onehot.mean()
    together = onehot.T.astype(int) @ onehot.astype(int) / n_orders
    lift = together / pd.DataFrame(np.outer(support, support), index=support.index, columns=support.index)
    strong = ((together >= 0.01) & (lift > 2)).to_numpy(copy=True)
    np.fill_diagonal(strong, False)

    last_order = pd.to_datetime(done.groupby("customer_id")["order_time"].max())
    churned = last_order < pd.Timestamp(SHOP_END) - pd.Timedelta(days=180)
    bad_ticket = tickets[tickets["rating"] <= 2]["customer_id"].unique()
    had_bad = churned.index.isin(bad_ticket)
    return {
        "top20_revenue_share": float(top20_share),
        "rules_lift_above_2": int(strong.sum()),
        "churn_rate_after_bad_ticket": float(churned[had_bad].mean()),
        "churn_rate_otherwise": float(churned[~had_bad].mean()),
    }


def _two_proportion_z(hits: pd.Series, sizes: pd.Series) -> tuple[float, float]:
    """两比例 z 检验（合并比例算标准误），返回 (z, 双侧 p 值)。"""
    p1, p2 = hits.iloc[0] / sizes.iloc[0], hits.iloc[1] / sizes.iloc[1]
    pooled = hits.sum() / sizes.sum()
    z = (p2 - p1) / math.sqrt(pooled * (1 - pooled) * (1 / sizes.iloc[0] + 1 / sizes.iloc[1]))
    return float(z), float(math.erfc(abs(z) / math.sqrt(2)))


def _cronbach_alpha(items: pd.DataFrame) -> float:
    items = items.dropna()
    k = items.shape[1]
    return float(k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1)))


def main_company_figures(tables: dict[str, pd.DataFrame]) -> dict[str, float]:
    """计算埋在潜在客户、营销活动、满意度调查和企业客户数据里的规律有多强（教师部分和测试用）。

    >>> figures = main_company_figures(build_tables(scale=0.05))
    >>> figures["lead_conversion[转介绍]"] > figures["lead_conversion[网络广告]"]
    True
    """
    figures: dict[str, float] = {}
    leads, costs = tables["leads"], tables["lead_source_costs"]
    won = leads["status"] == "已成交"
    spend = costs.groupby("source")["spend"].sum()
    for source, rate in won.groupby(leads["source"]).mean().items():
        figures[f"lead_conversion[{source}]"] = float(rate)
        figures[f"cost_per_customer[{source}]"] = float(spend[source] / won[leads["source"] == source].sum())
    qualified = (leads["money"] != "低") & (leads["authority"] != "无决策权") & (leads["need"] != "弱")
    figures["lead_conversion_man_qualified"] = float(won[qualified].mean())
    figures["lead_conversion_not_qualified"] = float(won[~qualified].mean())

    campaigns, targets = tables["campaigns"], tables["campaign_targets"]
    ab = targets[targets["campaign_id"].isin(campaigns.loc[campaigns["ab_test"], "campaign_id"])]
    groups = ab.groupby("ab_group")["responded"].agg(["sum", "size"]).loc[["A组", "B组"]]
    figures["ab_response[A组]"], figures["ab_response[B组]"] = (groups["sum"] / groups["size"]).tolist()
    figures["ab_group_size"] = float(groups["size"].min())
    figures["ab_z"], figures["ab_p_value"] = _two_proportion_z(groups["sum"], groups["size"])
    revenue = targets.groupby("campaign_id")["order_amount"].sum()
    roi = (revenue - campaigns.set_index("campaign_id")["cost"]) / campaigns.set_index("campaign_id")["cost"]
    names = campaigns.set_index("campaign_id")["campaign_name"]
    figures[f"campaign_roi[{names[roi.idxmax()]}]"] = float(roi.max())
    figures[f"campaign_roi[{names[roi.idxmin()]}]"] = float(roi.min())

    items, responses = tables["survey_items"], tables["survey_responses"]
    likert = items[items["indicator"].isin(["顾客期望", "感知质量", "感知价值", "顾客满意度", "顾客抱怨", "顾客忠诚"])
                   & items["item"].str.contains("_")]
    for indicator, group in likert.groupby("indicator", sort=False)["item"]:
        figures[f"alpha[{indicator}]"] = _cronbach_alpha(responses[list(group)].astype(float))
    for attr in ("price", "checkout", "environment"):
        figures[f"importance[{attr}]"] = float(responses[f"imp_{attr}"].mean())
        figures[f"performance[{attr}]"] = float(responses[f"perf_{attr}"].mean())
    nps = responses["nps"].dropna()
    figures["nps"] = float(100 * ((nps >= 9).mean() - (nps <= 6).mean()))
    satisfied = responses[[c for c in responses if c.startswith("satisfaction_")]].mean(axis=1)
    loyal = responses[[c for c in responses if c.startswith("loyalty_")]].mean(axis=1)
    figures["corr_satisfaction_loyalty"] = float(satisfied.corr(loyal))
    topic = {text: attr for attr, texts in _COMMENTS_BAD.items() for text in texts}
    topics = responses["comment"].map(topic).value_counts(normalize=True)
    for attr, share in topics.items():
        figures[f"comment_topic_share[{attr}]"] = float(share)

    accounts, orders = tables["b2b_accounts"], tables["b2b_orders"]
    per_account = (orders.assign(profit=orders["revenue"] - orders["cost"]).groupby("account_id")[["revenue", "profit"]]
                   .sum().reindex(accounts["account_id"], fill_value=0).sort_values("revenue", ascending=False))
    share = per_account["revenue"].cumsum() / per_account["revenue"].sum()
    figures["b2b_top20_revenue_share"] = float(share.iloc[int(0.2 * len(share)) - 1])
    figures["b2b_a_class_accounts"] = float((share.shift(fill_value=0) < 0.8).sum())
    figures["b2b_top_revenue_account_profit_rank"] = float(per_account["profit"].rank(ascending=False).iloc[0])
    contacts, opportunities = tables["b2b_contacts"], tables["b2b_opportunities"]
    closed = opportunities[opportunities["stage"].isin(["赢单", "输单"])]
    covered = closed["account_id"].isin(contacts.loc[contacts["role"] == "决策者", "account_id"])
    figures["win_rate_with_decider"] = float((closed.loc[covered, "stage"] == "赢单").mean())
    figures["win_rate_without_decider"] = float((closed.loc[~covered, "stage"] == "赢单").mean())
    return figures


def _main_company_notes(tables: dict[str, pd.DataFrame]) -> list[str]:
    f = main_company_figures(tables)
    sources = list(_LEAD_SOURCES)
    conversion = "、".join(f"{s} {f[f'lead_conversion[{s}]']:.1%}" for s in sources)
    per_customer = "、".join(f"{s} {f[f'cost_per_customer[{s}]']:.0f} 元" for s in sources)
    roi = [(k[len("campaign_roi["):-1], v) for k, v in f.items() if k.startswith("campaign_roi[")]
    orders = tables["b2b_orders"]
    top = tables["b2b_accounts"].set_index("account_id").at[orders.groupby("account_id")["revenue"].sum().idxmax(),
                                                          "account_name"]
    attribute_names = {attr: name for attr, name, *_ in _IPA_ATTRIBUTES}
    topics = [(attribute_names[k[len("comment_topic_share["):-1]], v) for k, v in f.items()
              if k.startswith("comment_topic_share[")]
    complaints = "、".join(f"{name}（占批评的 {share:.0%}）" for name, share in topics[:2])
    alphas = "、".join(f"{k[6:-1]} {v:.2f}" for k, v in f.items() if k.startswith("alpha["))
    return [
        "## 潜在客户（leads、lead_source_costs）",
        "",
        f"- **来源差别**：成交率 {conversion}；每获得一位客户的成本 {per_customer}。"
        "转介绍成交率最高、获客最便宜；网络广告线索最多，成交率最低、获客最贵。",
        f"- **MAN 法则**：购买力、决策权、需求三项都不在最低档（不是“低”“无决策权”“弱”）的线索成交率 "
        f"{f['lead_conversion_man_qualified']:.1%}，其他线索 {f['lead_conversion_not_qualified']:.1%}。"
        "“1个月内”购买的线索也更容易成交（BANT 的 T）。",
        "- **注意数据泄漏**：做成交预测模型时只能用 source、identity、money、authority、need、timeline 和"
        " created_at；stage_reached、status、follow_ups、converted_at、customer_id 是结果或结果之后才有的信息。",
        "",
        "## 营销活动（campaigns、campaign_targets）",
        "",
        f"- **A/B 测试**（六一八）：每组约 {f['ab_group_size']:.0f} 人，响应率 A 组 {f['ab_response[A组]']:.1%}、"
        f"B 组 {f['ab_response[B组]']:.1%}；两比例 z 检验 z = {f['ab_z']:.2f}，p = {f['ab_p_value']:.3f}："
        "效果真实但不大，适合讨论“显著”和“重要”的区别。",
        f"- **投入产出比**（活动带来的订单金额减花费，再除以花费）：最高的是 {roi[0][0]}（{roi[0][1]:.2f}），"
        f"最低的是 {roi[1][0]}（{roi[1][1]:.2f}）。只选同意接收营销信息的客户。",
        "",
        "## 满意度调查（survey_items、survey_responses）",
        "",
        f"- **信度**：各一级指标的 Cronbach's α 为 {alphas}。",
        f"- **IPA**：价格（重要程度 {f['importance[price]']:.2f}，表现 {f['performance[price]']:.2f}）和"
        f"结账速度（{f['importance[checkout]']:.2f}，{f['performance[checkout]']:.2f}）是“重点改进区”；"
        f"摊位环境（{f['importance[environment]']:.2f}，{f['performance[environment]']:.2f}）是“过度投入区”。",
        f"- **NPS** = {f['nps']:.1f}（推荐者 9～10 分的比例减去贬损者 0～6 分的比例，空白不计）。",
        f"- **满意与忠诚**：满意度三题平均分和忠诚三题平均分的相关系数 {f['corr_satisfaction_loyalty']:.2f}；"
        f"抱怨题和满意度负相关。意见栏里的批评最常说的是{complaints}。",
        "",
        "## 企业和团体客户（b2b_*）",
        "",
        f"- **ABC 分析**：收入最高的 20% 单位贡献了 {f['b2b_top20_revenue_share']:.1%} 的收入，"
        f"累计到 80% 收入的 A 类客户只有 {f['b2b_a_class_accounts']:.0f} 家。",
        f"- **收入 ≠ 利润**：收入第一的{top}利润只排第 {f['b2b_top_revenue_account_profit_rank']:.0f}；"
        "食堂、超市、餐饮企业毛利率低，高校院系和企业毛利率高，按利润做 ABC 结果不同。",
        f"- **找对人**：联系人里有决策者的单位赢单率 {f['win_rate_with_decider']:.1%}，"
        f"没有决策者的单位只有 {f['win_rate_without_decider']:.1%}（输单原因里常见“没找到拍板的人”）。",
        "",
    ]


def teacher_notes(tables: dict[str, pd.DataFrame]) -> str:
    """数据字典的教师部分：埋在商城数据里的规律和它们的强度（不随学生版发放）。"""
    figures = planted_pattern_figures(tables)
    return "\n".join([
        "# 课程数据：教师部分",
        "",
        "本文件由 `python -m crm_lab.synth` 自动生成，是数据字典 `datasets/README.md` 的教师部分，",
        "不会复制到学生工作区。给老师备课用，不要在学生材料里直接说出来。数字由生成数据时计算。",
        "",
        "## 埋在商城数据（shop_*）里的规律",
        "",
        "",
        f"- **二八集中**：消费最多的 20% 购买客户贡献了 {figures['top20_revenue_share']:.1%} 的已完成订单金额。",
        "- **RFM 群体**：购买频率和客单价都因人而异（对数正态），教职工客单价更高，校外个人买得少；"
        "RFM 分组后各组差别明显。",
        f"- **一起买的商品**：支持度 ≥ 1% 且提升度 > 2 的关联规则有 {figures['rules_lift_above_2']} 条"
        "（例如方便面→火腿肠、笔记本→中性笔、数据线→充电头、洗发水→沐浴露、手机壳→钢化膜）。",
        f"- **流失原因**：以最后 180 天没有下单为流失，给过差评（1～2 分）的客户流失率 "
        f"{figures['churn_rate_after_bad_ticket']:.1%}，其他客户 {figures['churn_rate_otherwise']:.1%}；"
        "差评主要来自“服务态度”和“发货慢”，解决时间也更长。价格敏感的客户几乎只在促销期下单，流失得更早；长期不来的客户自然流失。",
        "- **季节**：学生在寒暑假（1 月中旬到 2 月下旬、7～8 月）很少下单；"
        "开学季、双十一、六一八和春季展销会是促销高峰。",
        "",
        *_main_company_notes(tables),
        *case_teacher_notes(tables),
    ])


def write_datasets(out_dir: str | Path, notes_path: str | Path | None = None) -> list[Path]:
    """生成所有课程表和数据字典并写入 ``out_dir``；给出 ``notes_path`` 时同时写教师部分。返回写出的文件。"""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    tables = build_tables()
    written = []
    for name, table in tables.items():
        path = out / f"{name}.csv"
        schema = SCHEMAS[name]
        # 故意保留原样的练习文件按 Excel 在中文 Windows 上的导出方式写：GBK 编码、CRLF 换行
        table.to_csv(path, index=False, encoding=schema.encoding, lineterminator="\r\n" if schema.raw else "\n")
        written.append(path)
    dictionaries = {"README.md": data_dictionary(tables)}
    dictionaries |= {file: case_dictionary(file, tables) for file in CASE_DICTIONARIES}
    for file, text in dictionaries.items():
        (out / file).write_text(text, encoding="utf-8", newline="\n")
        written.append(out / file)
    if notes_path is not None:
        notes = Path(notes_path)
        notes.parent.mkdir(parents=True, exist_ok=True)
        notes.write_text(teacher_notes(tables), encoding="utf-8", newline="\n")
        written.append(notes)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m crm_lab.synth", description="生成课程数据集")
    parser.add_argument("--out", help="输出文件夹（默认：源码目录下的 datasets/；用 --scale 时必须给出）")
    parser.add_argument("--notes", default=str(TEACHER_NOTES),
                        help="数据字典教师部分的输出文件（默认：源码目录下的 docs/teacher_data_notes.md）")
    parser.add_argument("--scale", type=float,
                        help="生成基准测试用的全部课程表，大小是发放的 scale 倍（最多 1000），商城表分块写入")
    parser.add_argument("--chunk", type=int, default=SHOP_CHUNK, help=f"--scale 时每块的客户数（默认 {SHOP_CHUNK}）")
    args = parser.parse_args(argv)
    if args.scale is None:
        written = write_datasets(args.out or SOURCE_ROOT / "datasets", args.notes)
    elif args.out is None:
        parser.error("--scale 生成的是基准测试数据，不能写进发放的 datasets/：请用 --out 指定输出文件夹")
    else:
        written = write_course_tables(args.out, scale=args.scale, chunk=args.chunk).values()
    for path in written:
        print(f"已写出 {path}")


if __name__ == "__main__":
    main()
