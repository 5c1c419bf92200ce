"""营销实验（模块六 数据库营销）：活动的响应率和投资回报率（ROI）、A/B 测试的正确读法、需要多大的样本。

- ``campaign_roi(campaigns, targets, margin=...)``：每次活动发了多少人、多少人响应、多少人下单、带来多少销售额和毛利、
  花了多少钱，响应率、下单率和 ROI = (毛利 − 活动花费) ÷ 活动花费；
- ``ab_test(table, group=..., converted=...)``：两组的转化率、差值（B − A）及其置信区间（正态近似）、
  两比例 z 检验的 p 值，并说明区间是否包含 0；
- ``sample_size(baseline, difference)``：要以给定的把握（统计功效）发现转化率的某个提升，每组至少需要多少人。

公式（Agresti & Franklin《Statistics: The Art and Science of Learning from Data》第 10.1 节；
Fleiss, Levin & Paik 2003《Statistical Methods for Rates and Proportions》第 4 章）：

- 差值的标准误 SE = √(p_A(1 − p_A)/n_A + p_B(1 − p_B)/n_B)，95% 置信区间 = (p_B − p_A) ± 1.96 × SE；
- z 检验用合并比例 p = (x_A + x_B)/(n_A + n_B)：z = (p_B − p_A) / √(p(1 − p)(1/n_A + 1/n_B))，
  双侧 p 值 = 2 × (1 − Φ(|z|))；
- 每组样本量 n = (z_{1−α/2}·√(2·p̄(1 − p̄)) + z_{1−β}·√(p_1(1 − p_1) + p_2(1 − p_2)))² ÷ (p_2 − p_1)²，p̄ = (p_1 + p_2)/2。

“是/否”列可以写 True/False、1/0、是/否 等（与 ``crm_lab.leads`` 相同）；出错时抛出 ``CRMDataError``，
用中文说明哪个参数、哪一列、怎么改。
"""

from __future__ import annotations

import math
import numbers
from statistics import NormalDist

import pandas as pd

from crm_lab.data import CRMDataError, check_columns
from crm_lab.leads import _yes_no

__all__ = ["ab_test", "campaign_roi", "sample_size"]

_NORMAL = NormalDist()


def _check_fraction(name: str, value, *, low_open: bool = True, high_open: bool = True) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or math.isnan(value):
        raise CRMDataError(f"参数 {name} 应该是 0 到 1 之间的小数，收到的是 {value!r}。")
    value = float(value)
    bad_low = value <= 0 if low_open else value < 0
    bad_high = value >= 1 if high_open else value > 1
    if bad_low or bad_high:
        raise CRMDataError(
            f"参数 {name} = {value} 不在 0 到 1 之间。比例要写成小数：5% 写 0.05，不写 5。"
        )
    return value


def _z(confidence: float) -> float:
    return _NORMAL.inv_cdf(1 - (1 - confidence) / 2)


def campaign_roi(campaigns: pd.DataFrame, targets: pd.DataFrame, *, margin: float = 1.0,
                 campaign: str = "campaign_id", cost: str = "cost", responded: str = "responded",
                 ordered: str = "ordered", amount: str = "order_amount") -> pd.DataFrame:
    """每次营销活动的响应率、下单率和投资回报率（ROI）。

    ROI = (活动带来的毛利 − 活动花费) ÷ 活动花费，毛利 = 活动带来的销售额 × ``margin``（毛利率）。
    ``margin=1.0``（默认）时算的是“销售额回报”，会把成本也当成赚到的钱，**高估** 活动的效果；
    算真正的 ROI 请传入商品的平均毛利率，例如 ``margin=0.35``。

    参数
    ----
    campaigns : 活动表，每次活动一行，含活动编号 ``campaign`` 和实际花费 ``cost`` 两列（其他列原样保留）。
    targets : 目标客户表，每位被触达的客户一行，含 ``campaign``、``responded``（是否响应）、
        ``ordered``（是否下单）、``amount``（活动带来的订单金额，没下单为空）。
    margin : 毛利率，0 到 1 之间（含 1）。

    返回
    ----
    以活动编号为索引的 DataFrame：活动表原有的列，加上 ``targeted``（触达人数）、``responses``、``orders``、
    ``response_rate``、``order_rate``、``revenue``（销售额）、``gross_profit``、``roi``，
    以及 ``cost_per_order``（每单获客花费，没有订单时为空）。

    例子
    ----
    >>> campaigns = pd.DataFrame({"campaign_id": ["CP1", "CP2"], "cost": [100.0, 50.0]})
    >>> targets = pd.DataFrame({"campaign_id": ["CP1"] * 4 + ["CP2"] * 2,
    ...                         "responded": [True, True, False, False, True, False],
    ...                         "ordered": [True, False, False, False, False, False],
    ...                         "order_amount": [300.0, None, None, None, None, None]})
    >>> columns = ["targeted", "response_rate", "revenue", "roi"]
    >>> campaign_roi(campaigns, targets, margin=0.5)[columns]  # doctest: +NORMALIZE_WHITESPACE
                 targeted  response_rate  revenue  roi
    campaign_id
    CP1                 4            0.5    300.0  0.5
    CP2                 2            0.5      0.0 -1.0
    """
    margin = _check_fraction("margin", margin, high_open=False)
    check_columns(campaigns, [campaign, cost], table="活动表（campaigns 参数）")
    check_columns(targets, [campaign, responded, ordered, amount], table="目标客户表（targets 参数）")
    if campaigns[campaign].duplicated().any():
        dup = campaigns.loc[campaigns[campaign].duplicated(), campaign].astype(str).unique().tolist()
        raise CRMDataError(f"活动表的 {campaign} 列有重复的活动编号：{'、'.join(dup)}。每次活动只能有一行。")
    spend = pd.to_numeric(campaigns[cost], errors="coerce")
    if spend.isna().any() or (spend <= 0).any():
        bad = campaigns.loc[spend.isna() | (spend <= 0), campaign].astype(str).tolist()
        raise CRMDataError(f"活动表的 {cost} 列（实际花费）应该是大于 0 的数，这些活动不是：{'、'.join(bad)}。"
                           "花费为 0 时 ROI 没有意义，请补上真实花费。")
    unknown = ~targets[campaign].isin(campaigns[campaign])
    if unknown.any():
        ids = targets.loc[unknown, campaign].astype(str).unique().tolist()
        raise CRMDataError(f"目标客户表里有活动表中没有的活动编号（列 {campaign}）：{'、'.join(ids[:10])}。"
                           "请检查两张表的活动编号是否一致。")
    frame = pd.DataFrame({
        "campaign": targets[campaign].to_numpy(),
        "responded": _yes_no(targets[responded], where=f"目标客户表的 {responded} 列").to_numpy(),
        "ordered": _yes_no(targets[ordered], where=f"目标客户表的 {ordered} 列").to_numpy(),
        "amount": pd.to_numeric(targets[amount], errors="coerce").fillna(0.0).to_numpy(),
    })
    sums = frame.groupby("campaign").agg(targeted=("responded", "size"), responses=("responded", "sum"),
                                         orders=("ordered", "sum"), revenue=("amount", "sum"))
    result = campaigns.set_index(campaign).copy()
    result = result.join(sums)
    result[["targeted", "responses", "orders"]] = result[["targeted", "responses", "orders"]].fillna(0).astype("int64")
    result["revenue"] = result["revenue"].fillna(0.0).astype(float)
    targeted = result["targeted"].where(result["targeted"] > 0)
    result["response_rate"] = result["responses"] / targeted
    result["order_rate"] = result["orders"] / targeted
    result["gross_profit"] = result["revenue"] * margin
    result["roi"] = (result["gross_profit"] - spend.to_numpy()) / spend.to_numpy()
    result["cost_per_order"] = spend.to_numpy() / result["orders"].where(result["orders"] > 0)
    result.attrs["report"] = {"毛利率": margin, "ROI 公式": "(销售额 × 毛利率 − 花费) ÷ 花费"}
    return result


def ab_test(table: pd.DataFrame, *, group: str = "ab_group", converted: str = "ordered", control=None,
            treatment=None, confidence: float = 0.95) -> pd.Series:
    """读 A/B 测试：两组的转化率、差值（处理组 − 对照组）的置信区间、两比例 z 检验的 p 值。

    置信区间用正态近似（每组的标准误分开算）；z 检验在“两组其实一样”的假设下用合并比例算标准误。
    **区间包含 0 时不能说处理组更好**：数据和“两组一样”并不矛盾，差值可能只是随机波动。

    参数
    ----
    table : 每位客户一行的表。
    group : 分组所在的列，只能有两个组（例如 ``A组``、``B组``）。
    converted : 是否转化（响应、下单 ……）所在的“是/否”列。
    control, treatment : 对照组和处理组的名字；默认按组名排序，第一个是对照组。
    confidence : 置信水平，默认 0.95。

    返回
    ----
    Series：``control``、``treatment``、``n_control``、``n_treatment``、``conversions_control``、
    ``conversions_treatment``、``rate_control``、``rate_treatment``、``difference``、``se``、``ci_low``、
    ``ci_high``、``z``、``p_value``、``significant``（区间不含 0 时为 True）和 ``conclusion``（一句中文结论）。

    例子
    ----
    >>> t = pd.DataFrame({"ab_group": ["A组"] * 1000 + ["B组"] * 1000,
    ...                   "ordered": [True] * 50 + [False] * 950 + [True] * 80 + [False] * 920})
    >>> r = ab_test(t, group="ab_group", converted="ordered")
    >>> round(r["difference"], 3), round(r["ci_low"], 4), round(r["ci_high"], 4), round(r["p_value"], 4)
    (0.03, 0.0084, 0.0516, 0.0065)
    >>> bool(r["significant"])
    True
    """
    confidence = _check_fraction("confidence", confidence)
    check_columns(table, [group, converted], table="A/B 测试表（table 参数）")
    if table[group].isna().any():
        raise CRMDataError(f"分组列 {group} 有 {int(table[group].isna().sum())} 个空值。每位客户都要有组名。")
    labels = sorted(pd.unique(table[group].astype(str)))
    if len(labels) != 2:
        raise CRMDataError(f"分组列 {group} 应该正好有两个组，现在有 {len(labels)} 个：{'、'.join(labels)}。"
                           f"请先筛出参加 A/B 测试的两组，例如 table[table[{group!r}] != '全部']。")
    control = labels[0] if control is None else str(control)
    treatment = [x for x in labels if x != control][0] if treatment is None else str(treatment)
    for name, value in (("control", control), ("treatment", treatment)):
        if value not in labels:
            raise CRMDataError(f"参数 {name} = {value!r} 不是分组列 {group} 里的组名；组名有：{'、'.join(labels)}。")
    if control == treatment:
        raise CRMDataError("参数 control 和 treatment 不能是同一个组。")
    flags = _yes_no(table[converted], where=f"A/B 测试表的 {converted} 列")
    names = table[group].astype(str)
    n_a, n_b = int((names == control).sum()), int((names == treatment).sum())
    x_a, x_b = int(flags[names == control].sum()), int(flags[names == treatment].sum())
    p_a, p_b = x_a / n_a, x_b / n_b
    diff = p_b - p_a
    se = math.sqrt(p_a * (1 - p_a) / n_a + p_b * (1 - p_b) / n_b)
    margin = _z(confidence) * se
    pooled = (x_a + x_b) / (n_a + n_b)
    se_pooled = math.sqrt(pooled * (1 - pooled) * (1 / n_a + 1 / n_b))
    z = diff / se_pooled if se_pooled > 0 else 0.0
    p_value = 2 * (1 - _NORMAL.cdf(abs(z)))
    low, high = diff - margin, diff + margin
    significant = bool(low > 0 or high < 0)
    level = f"{confidence:.0%}"
    if significant:
        better = treatment if diff > 0 else control
        conclusion = f"{level} 置信区间 [{low:.2%}, {high:.2%}] 不包含 0：{better}的转化率确实更高。"
    else:
        conclusion = (f"{level} 置信区间 [{low:.2%}, {high:.2%}] 包含 0：还不能说哪一组更好，"
                      "差值可能只是随机波动，需要更多样本。")
    return pd.Series({
        "control": control, "treatment": treatment, "n_control": n_a, "n_treatment": n_b,
        "conversions_control": x_a, "conversions_treatment": x_b, "rate_control": p_a, "rate_treatment": p_b,
        "difference": diff, "se": se, "ci_low": low, "ci_high": high, "z": z, "p_value": p_value,
        "significant": significant, "conclusion": conclusion,
    }, dtype=object)


def sample_size(baseline: float, difference: float, *, confidence: float = 0.95, power: float = 0.8) -> int:
    """A/B 测试每组至少要多少人，才有 ``power`` 的把握发现转化率从 ``baseline`` 提高 ``difference``。

    参数
    ----
    baseline : 对照组的转化率（小数，例如 0.033 表示 3.3%）。
    difference : 想发现的提升，**绝对值**（百分点写成小数：提高 1.5 个百分点写 0.015）。
        不是相对提升（“提高 40%”要先换算成 baseline × 0.4）。
    confidence : 置信水平，默认 0.95（显著性水平 α = 0.05，双侧）。
    power : 统计功效，默认 0.8：差值真的存在时，有 80% 的机会测出来。

    返回
    ----
    每组的人数（向上取整的整数）。

    例子
    ----
    >>> sample_size(0.05, 0.01)
    8158
    >>> sample_size(0.05, 0.03)
    1059
    """
    baseline = _check_fraction("baseline", baseline)
    confidence = _check_fraction("confidence", confidence)
    power = _check_fraction("power", power)
    if isinstance(difference, bool) or not isinstance(difference, numbers.Real) or difference == 0:
        raise CRMDataError(
            f"参数 difference 应该是不为 0 的小数（例如 0.015 表示提高 1.5 个百分点），收到 {difference!r}。"
        )
    target = baseline + float(difference)
    if not 0 < target < 1:
        raise CRMDataError(
            f"baseline + difference = {target:g} 不在 0 到 1 之间。difference 是转化率的绝对提升，写成小数："
            "提高 1.5 个百分点写 0.015，不写 1.5。"
        )
    mean = (baseline + target) / 2
    top = (_z(confidence) * math.sqrt(2 * mean * (1 - mean))
           + _NORMAL.inv_cdf(power) * math.sqrt(baseline * (1 - baseline) + target * (1 - target)))
    return int(math.ceil(top ** 2 / float(difference) ** 2))
