"""课程数据的生成器：固定随机种子，每次生成的文件一字不差。

运行 ``python -m crm_lab.synth``（或 ``crm-lab datasets --rebuild``）把所有表和数据字典
写进 ``datasets/``。数据是虚构的，但按真实小店的规律生成（教职工客单价更高、常客更可能
办会员、到店次数多的顾客满意度更高），让学生有东西可以发现。
"""

from __future__ import annotations

import argparse
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from crm_lab.schema import (
    CAMPUS_FAIR_CUSTOMERS,
    CATEGORIES,
    CHANNELS,
    DTYPES,
    ORDER_STATUSES,
    SCHEMAS,
    SHOP_CUSTOMERS,
    SHOP_ORDER_LINES,
    SHOP_ORDERS,
    SHOP_PRODUCTS,
    SHOP_TICKETS,
)
from crm_lab.synth_cases import CASE_DICTIONARIES, case_tables, case_teacher_notes, messy_customer_tables

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


def _in_promotion(day: date) -> bool:
    for m1, d1, m2, d2, _ in _PROMOTIONS:
        if date(day.year, m1, d1) <= day <= date(day.year, m2, d2):
            return True
    return False


def _student_vacation(day: date) -> bool:
    return (day.month == 1 and day.day >= 15) or day.month == 2 and day.day <= 25 or day.month in (7, 8)


def shop_tables(*, scale: float = 1, seed: int = SHOP_SEED) -> dict[str, pd.DataFrame]:
    """生成校园展销会商城的五张表：客户、商品、订单、订单明细、客服工单。

    ``scale=1`` 是随课件发放的大小（约 3,000 位客户、4 万行订单明细）；基准测试用 ``scale=10`` 到 ``1000``。
    埋在数据里、供学生发现的规律（写在数据字典的教师部分）：收入的二八集中、RFM 各群体行为不同、
    经常一起买的商品、由差评工单 / 价格敏感 / 长期不来导致的流失、学生寒暑假的淡季。

    >>> tables = shop_tables(scale=0.02)
    >>> sorted(tables)
    ['shop_customers', 'shop_order_lines', 'shop_orders', 'shop_products', 'shop_tickets']
    """
    if not 0 < scale <= 1000:
        raise ValueError(f"scale 必须在 0 到 1000 之间，收到的是 {scale}")
    rng = np.random.default_rng(seed)
    n_customers = max(20, int(round(3000 * scale)))
    products = pd.DataFrame(_PRODUCTS, columns=["product_id", "product_name", "category", "price", "cost"])
    by_category = {c: products.index[products["category"] == c].to_numpy() for c in CATEGORIES}
    product_index = {pid: i for i, pid in enumerate(products["product_id"])}
    prices = products["price"].to_numpy()

    customers, orders, lines, tickets = [], [], [], []
    total_days = (SHOP_END - SHOP_START).days
    all_names = [s + g for s in _SURNAMES for g in _GIVEN]
    for k in range(n_customers):
        customer_id = f"C{k + 1:05d}"
        identity = str(rng.choice(["学生", "教职工", "校外个人"], p=[0.68, 0.14, 0.18]))
        registered = SHOP_START + timedelta(days=int(rng.integers(-90, total_days - 30)))
        # 潜在特征：购买频率（每年几单）、客单价倍数、价格敏感、自然寿命
        rate = float(rng.lognormal(np.log(6.5 if identity != "校外个人" else 3.0), 1.25))
        basket_scale = float(rng.lognormal(-0.2, 0.85)) * (1.4 if identity == "教职工" else 1.0)
        price_sensitive = bool(rng.random() < 0.25)
        natural_life = float(rng.exponential(900 if not price_sensitive else 420))
        category_p = np.array(_SHOP_CATEGORY_WEIGHTS[identity])

        day = max(registered, SHOP_START)
        churn_day = day + timedelta(days=natural_life)
        n_orders = 0
        while True:
            day = day + timedelta(days=max(1, int(rng.exponential(365.0 / rate))))
            if day > SHOP_END or day > churn_day:
                break
            promo = _in_promotion(day)
            if identity == "学生" and _student_vacation(day) and rng.random() < 0.75:
                continue
            if price_sensitive and not promo and rng.random() < 0.6:
                continue  # 价格敏感的顾客不到促销就不太下单
            n_orders += 1
            order_id = f"O{len(orders) + 1:06d}"
            channel = str(rng.choice(["展销会现场", "微信小程序", "淘宝店", "抖音直播"], p=[0.3, 0.4, 0.2, 0.1]))
            status = str(rng.choice(ORDER_STATUSES, p=[0.95, 0.03, 0.02]))
            stamp = datetime(day.year, day.month, day.day, int(rng.integers(8, 23)), int(rng.integers(0, 60)),
                             int(rng.integers(0, 60)))
            n_items = 1 + int(rng.poisson(0.9 * basket_scale))
            chosen: list[int] = []
            for _ in range(n_items):
                category = CATEGORIES[int(rng.choice(len(CATEGORIES), p=category_p))]
                item = int(rng.choice(by_category[category]))
                if item not in chosen:
                    chosen.append(item)
                companion = _COMPANIONS.get(products.at[item, "product_id"])
                if companion and rng.random() < companion[1] and product_index[companion[0]] not in chosen:
                    chosen.append(product_index[companion[0]])
            discount = 0.0
            if promo:
                discount = float(rng.choice([0.1, 0.15, 0.2]))
            elif rng.random() < 0.08:
                discount = 0.05
            order_amount = 0.0
            for line_no, item in enumerate(chosen, start=1):
                quantity = 1 + int(rng.poisson(0.35 * basket_scale))
                line_amount = round(quantity * prices[item] * (1 - discount), 2)
                order_amount += line_amount
                lines.append((order_id, line_no, products.at[item, "product_id"], quantity, prices[item],
                               discount, line_amount))
            orders.append((order_id, customer_id, stamp, channel,
                           str(rng.choice(["微信支付", "支付宝", "现金"], p=[0.62, 0.3, 0.08])), status,
                           round(order_amount, 2)))
            # 客服工单：每单约 6% 的概率；差评会让顾客很快离开
            if rng.random() < 0.06 or status == "退货":
                ticket_type = "退换货" if status == "退货" else str(rng.choice(["咨询", "投诉"], p=[0.55, 0.45]))
                reason = ("商品咨询" if ticket_type == "咨询" else
                          str(rng.choice(["商品质量", "发货慢", "服务态度", "价格", "其他"],
                                         p=[0.35, 0.25, 0.2, 0.1, 0.1])))
                bad_service = reason in ("服务态度", "发货慢") and rng.random() < 0.7
                rating = int(rng.choice([1, 2]) if bad_service else rng.choice([3, 4, 5], p=[0.25, 0.4, 0.35]))
                opened = stamp + timedelta(hours=float(rng.uniform(2, 72)))
                hours = float(rng.lognormal(np.log(60 if bad_service else 8), 0.6))
                tickets.append((f"T{len(tickets) + 1:05d}", customer_id, order_id, ticket_type,
                                str(rng.choice(["电话", "微信", "现场"], p=[0.3, 0.55, 0.15])),
                                opened.replace(microsecond=0),
                                (opened + timedelta(hours=hours)).replace(microsecond=0), rating, reason))
                if rating <= 2 and rng.random() < 0.8:
                    churn_day = min(churn_day, day + timedelta(days=int(rng.integers(5, 60))))
        spend = sum(o[6] for o in orders[len(orders) - n_orders:]) if n_orders else 0.0
        level = "金卡会员" if spend >= 1500 else "银卡会员" if spend >= 500 else "普通会员"
        city = str(rng.choice(list(_DISTRICTS), p=[0.7, 0.1, 0.08, 0.07, 0.05]))
        organisation = (str(rng.choice(_SCHOOLS)) if identity in ("学生", "教职工")
                        else str(rng.choice(_EMPLOYERS)) if rng.random() < 0.6 else None)
        age_band = ("18-22" if identity == "学生" and rng.random() < 0.9 else
                    str(rng.choice(["23-30", "31-40", "41-50", "51+"], p=[0.35, 0.35, 0.2, 0.1])))
        customers.append((customer_id, str(rng.choice(all_names)), "男" if rng.random() < 0.46 else "女",
                          age_band, identity, city, str(rng.choice(_DISTRICTS[city])), organisation,
                          str(rng.choice(CHANNELS, p=[0.35, 0.3, 0.15, 0.1, 0.1])), registered.isoformat(),
                          int(rng.integers(1, 13)), level, bool(rng.random() < 0.72),
                          f"{rng.choice(_PHONE_PREFIXES)}****{int(rng.integers(0, 10000)):04d}"))

    def frame(rows, schema):
        table = pd.DataFrame(rows, columns=schema.column_names)
        for column in schema.columns:
            if column.dtype == "datetime":
                table[column.name] = pd.to_datetime(table[column.name]).dt.strftime("%Y-%m-%d %H:%M:%S")
        return table

    return {
        "shop_customers": frame(customers, SHOP_CUSTOMERS),
        "shop_products": products[SHOP_PRODUCTS.column_names],
        "shop_orders": frame(orders, SHOP_ORDERS),
        "shop_order_lines": frame(lines, SHOP_ORDER_LINES),
        "shop_tickets": frame(tickets, SHOP_TICKETS),
    }


def build_tables(*, scale: float = 1) -> dict[str, pd.DataFrame]:
    """生成全部课程表，返回 {表名: DataFrame}，顺序同 ``crm_lab.schema.SCHEMAS``。"""
    tables = {"campus_fair_customers": campus_fair_customers(), **shop_tables(scale=scale)}
    tables |= messy_customer_tables(tables["shop_customers"], n=min(400, len(tables["shop_customers"])))
    tables |= case_tables(scale=scale)
    return {name: tables[name] for name in SCHEMAS}


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
    parser.add_argument("--out", default=str(SOURCE_ROOT / "datasets"),
                        help="输出文件夹（默认：源码目录下的 datasets/）")
    parser.add_argument("--notes", default=str(TEACHER_NOTES),
                        help="数据字典教师部分的输出文件（默认：源码目录下的 docs/teacher_data_notes.md）")
    args = parser.parse_args(argv)
    for path in write_datasets(args.out, args.notes):
        print(f"已写出 {path}")


if __name__ == "__main__":
    main()
