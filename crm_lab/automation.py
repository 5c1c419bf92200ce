"""CRM 营销自动化：把“什么时候给谁发什么”写成规则（数据），在一段日期里逐日模拟，得到发送记录。

- ``default_rules()``：课程用的四条触发规则（欢迎新客户、生日关怀、流失挽回、售后关怀），是一张普通的表，可以改；
- ``simulate_triggers(customers, orders, start=..., end=...)``：从 start 到 end 每天检查一遍规则，
  返回消息记录（哪天、给谁、哪条规则、什么内容、属于发送组还是对照组）；
- ``orders_after(log, orders, days=30)``：每条消息之后 days 天内客户有没有再下单，用来衡量效果。

一条规则有五列：``trigger``（规则名）、``event``（看哪个日子）、``days``（那个日子之后第几天发）、
``channel``（渠道）、``message``（内容）。``event`` 有四种：

- ``注册``：注册日之后第 days 天；
- ``生日月``：每年出生月份的 1 日之后第 days 天（数据只有出生月份）；
- ``下单后``：每个已完成订单的下单日之后第 days 天；
- ``沉默``：距最近一次已完成订单正好 days 天、这期间一单没下（流失预警）。

只给同意接收营销信息的客户发（《个人信息保护法》第十三、十四条：处理个人信息应取得个人同意）；没同意的计数报告。
对照组（hold-out group）：随机留出一部分客户，规则照样对他们“触发”并记录，但消息 **不发**，用来衡量
“不发消息时本来就会有多少人回来”（Kohavi, Tang & Xu 2020,《Trustworthy Online Controlled Experiments》）。
"""

from __future__ import annotations

import numbers

import numpy as np
import pandas as pd

from crm_lab.data import CRMDataError, check_columns

__all__ = ["EVENTS", "RULE_COLUMNS", "default_rules", "simulate_triggers", "orders_after"]

EVENTS = ("注册", "生日月", "下单后", "沉默")
RULE_COLUMNS = ["trigger", "event", "days", "channel", "message"]
LOG_COLUMNS = ["date", "customer_id", "trigger", "channel", "message", "group", "sent"]
SENT, HOLDOUT = "发送组", "对照组"
_DEFAULT_EXCLUDED = ("退货", "已取消")


def default_rules() -> pd.DataFrame:
    """课程用的四条触发规则（每次调用返回一份新表，可以随意修改后传给 ``simulate_triggers``）。

    >>> default_rules()[["trigger", "event", "days"]]
      trigger event  days
    0   欢迎新客户    注册     0
    1    生日关怀   生日月     0
    2    售后关怀   下单后     7
    3    流失挽回    沉默    90
    """
    return pd.DataFrame([
        {"trigger": "欢迎新客户", "event": "注册", "days": 0, "channel": "短信",
         "message": "欢迎加入校园展销会商城！10 元新人券已放入您的账户，7 天内有效。"},
        {"trigger": "生日关怀", "event": "生日月", "days": 0, "channel": "小程序推送",
         "message": "生日快乐！本月凭会员码到店或在小程序下单，送您一份生日小礼物。"},
        {"trigger": "售后关怀", "event": "下单后", "days": 7, "channel": "小程序推送",
         "message": "您上周买的商品用得怎么样？有问题请随时联系客服，也欢迎给我们评价。"},
        {"trigger": "流失挽回", "event": "沉默", "days": 90, "channel": "短信",
         "message": "好久不见！送您一张满 50 减 15 的回归券，30 天内有效。"},
    ], columns=RULE_COLUMNS)


def simulate_triggers(customers: pd.DataFrame, orders: pd.DataFrame, *, start, end, rules: pd.DataFrame | None = None,
                      customer: str = "customer_id", registered: str = "registered_at",
                      birth_month: str = "birth_month", consent: str | None = "consent_marketing",
                      order_time: str = "order_time", status: str | None = "status",
                      exclude_status=_DEFAULT_EXCLUDED, holdout: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """从 start 到 end（都含）每天早上检查一遍规则，记下当天触发的每条消息。

    “每天检查”只看当天之前的数据：例如“沉默 90 天”在最近一次已完成订单之后的第 90 天触发（那天之前没有再下单）；
    同一位客户、同一条规则、同一天只记一条。订单表里 start 之前的订单也要给全：判断沉默要看历史。

    参数
    ----
    customers : 客户表（含客户编号、注册日期、出生月份；``consent`` 列为是否同意接收营销信息）。
    orders : 订单表（含客户编号、下单时间；``status`` 列为订单状态，``exclude_status`` 里的状态不算下单）。
    start, end : 模拟的第一天和最后一天（如 ``"2026-05-01"``）。
    rules : 触发规则表（列见 ``RULE_COLUMNS``）；不写就用 ``default_rules()``。
    customer, registered, birth_month, consent, order_time, status : 列名。``consent=None`` 表示不检查同意
        （只在课堂演示时用）；``status=None`` 表示所有订单都算。
    holdout : 对照组比例（0 到 0.5 之间，默认 0 不留对照组）。按客户随机抽取，同一位客户在所有规则里都在同一组。
    seed : 抽对照组的随机种子，相同的种子得到相同的分组。

    返回
    ----
    DataFrame，每条触发一行，列为 ``date``、客户编号列、``trigger``、``channel``、``message``、
    ``group``（发送组 / 对照组）、``sent``（是否真的发出），按日期、规则、客户排序。
    ``attrs["report"]``：``模拟天数``、``客户数``、``未同意营销信息的客户``、``因未同意而不发的触发``、
    ``对照组客户``、``发出的消息``。

    例子
    ----
    >>> customers = pd.DataFrame({"customer_id": ["C1", "C2"],
    ...                           "registered_at": pd.to_datetime(["2026-03-01", "2026-01-05"]),
    ...                           "birth_month": [3, 7], "consent_marketing": [True, True]})
    >>> orders = pd.DataFrame({"customer_id": ["C2"], "order_time": pd.to_datetime(["2025-12-20 10:00"]),
    ...                        "status": ["已完成"]})
    >>> log = simulate_triggers(customers, orders, start="2026-03-01", end="2026-03-31")
    >>> log[["date", "customer_id", "trigger"]]
            date customer_id trigger
    0 2026-03-01          C1   欢迎新客户
    1 2026-03-01          C1    生日关怀
    2 2026-03-20          C2    流失挽回
    """
    first, last = _day(start, "start"), _day(end, "end")
    if last < first:
        raise CRMDataError(f"end 参数（{last.date()}）早于 start 参数（{first.date()}）："
                           "请把模拟的最后一天写在第一天之后。")
    rules = _check_rules(default_rules() if rules is None else rules)
    holdout = _check_holdout(holdout)
    needed = [customer] + [c for c in (registered, birth_month, consent) if c is not None
                           and c in _needed_columns(rules, registered, birth_month, consent)]
    check_columns(customers, needed, table="客户表（customers 参数）")
    check_columns(orders, [c for c in (customer, order_time, status) if c is not None], table="订单表（orders 参数）")
    if customers[customer].duplicated().any():
        dup = customers.loc[customers[customer].duplicated(), customer].astype(str).head(5).tolist()
        raise CRMDataError(f"客户表（customers 参数）的 {customer} 列有重复的客户编号（{', '.join(dup)} 等）。"
                           "每位客户只能一行：请先合并重复客户。")

    done = orders if status is None else orders[~orders[status].astype(object).isin(set(exclude_status))]
    days = pd.to_datetime(done[order_time], errors="coerce").dt.normalize()
    if days.isna().any():
        raise CRMDataError(f"订单表（orders 参数）的 {order_time} 列有 {int(days.isna().sum())} 个"
                           "空的或读不懂的下单时间。请先补全或删掉这些订单。")
    order_days = pd.DataFrame({customer: done[customer].to_numpy(), "day": days.to_numpy()}).drop_duplicates()
    order_days = order_days.sort_values([customer, "day"])

    fired = []
    for rule in rules.itertuples(index=False):
        offset = pd.Timedelta(days=int(rule.days))
        if rule.event == "注册":
            joined = pd.to_datetime(customers[registered], errors="coerce").dt.normalize()
            when = pd.DataFrame({customer: customers[customer].to_numpy(), "date": joined.to_numpy() + offset})
        elif rule.event == "生日月":
            months = pd.to_numeric(customers[birth_month], errors="coerce")
            parts = []
            for year in range(first.year - 1, last.year + 1):
                ok = months.between(1, 12)
                dates = pd.to_datetime(pd.DataFrame({"year": year, "month": months[ok].astype(int), "day": 1})) + offset
                parts.append(pd.DataFrame({customer: customers.loc[ok, customer].to_numpy(), "date": dates.to_numpy()}))
            when = pd.concat(parts, ignore_index=True)
        elif rule.event == "下单后":
            when = pd.DataFrame({customer: order_days[customer].to_numpy(),
                                 "date": order_days["day"].to_numpy() + offset})
        else:  # 沉默：最近一单之后第 days 天，中间没有再下单
            following = order_days.groupby(customer)["day"].shift(-1)
            due = order_days["day"] + offset
            quiet = following.isna() | (following >= due)
            when = pd.DataFrame({customer: order_days.loc[quiet, customer].to_numpy(), "date": due[quiet].to_numpy()})
        when = when.dropna()
        when = when[(when["date"] >= first) & (when["date"] <= last)]
        fired.append(when.assign(trigger=rule.trigger, channel=rule.channel, message=rule.message))
    log = pd.concat(fired, ignore_index=True).drop_duplicates([customer, "trigger", "date"])
    known = log[customer].isin(customers[customer])
    log = log[known]

    report = {"模拟天数": int((last - first).days + 1), "客户数": int(customers[customer].nunique())}
    if consent is not None:
        agreed = customers[consent].fillna(False).astype(bool)
        allowed = set(customers.loc[agreed, customer])
        report["未同意营销信息的客户"] = int((~agreed).sum())
        ok = log[customer].isin(allowed)
        report["因未同意而不发的触发"] = int((~ok).sum())
        log = log[ok]
    ids = np.sort(customers[customer].astype(str).unique())
    rng = np.random.default_rng(seed)
    held = set(ids[rng.random(len(ids)) < holdout]) if holdout > 0 else set()
    log = log.assign(group=np.where(log[customer].astype(str).isin(held), HOLDOUT, SENT))
    log = log.assign(sent=log["group"] == SENT)
    trigger_order = {name: i for i, name in enumerate(rules["trigger"])}
    log = log.assign(_rule=log["trigger"].map(trigger_order)).sort_values(["date", "_rule", customer])
    log = log[["date", customer, "trigger", "channel", "message", "group", "sent"]].reset_index(drop=True)
    report["对照组客户"] = len(held)
    report["发出的消息"] = int(log["sent"].sum())
    log.attrs["report"] = report
    return log


def orders_after(log: pd.DataFrame, orders: pd.DataFrame, *, days: int = 30, customer: str = "customer_id",
                 order_time: str = "order_time", status: str | None = "status", exclude_status=_DEFAULT_EXCLUDED,
                 observed_until=None) -> pd.DataFrame:
    """给消息记录加一列 ``ordered_within``：消息当天之后 days 天内（第 1 到第 days 天），客户有没有下已完成的订单。

    数据到 observed_until（默认是订单表里最后一单的日期）为止；观察期没满 days 天的消息写成空值（NA）并计数，
    不当作“没回来”，免得把最后几天发的消息算成失败。

    例子
    ----
    >>> log = pd.DataFrame({"date": pd.to_datetime(["2026-03-01", "2026-03-01"]), "customer_id": ["C1", "C2"]})
    >>> orders = pd.DataFrame({"customer_id": ["C1", "C2"], "status": ["已完成", "已完成"],
    ...                        "order_time": pd.to_datetime(["2026-03-12 09:00", "2026-04-20 10:00"])})
    >>> orders_after(log, orders, days=30)["ordered_within"].tolist()
    [True, False]
    """
    if isinstance(days, bool) or not isinstance(days, numbers.Integral) or days < 1:
        raise CRMDataError(f"days 参数是观察几天，应该是正整数（例如 days=30），现在是 {days!r}。")
    check_columns(log, ["date", customer], table="消息记录（log 参数）")
    check_columns(orders, [c for c in (customer, order_time, status) if c is not None], table="订单表（orders 参数）")
    done = orders if status is None else orders[~orders[status].astype(object).isin(set(exclude_status))]
    order_days = pd.DataFrame({customer: done[customer].to_numpy(),
                               "day": pd.to_datetime(done[order_time]).dt.normalize().to_numpy()}).drop_duplicates()
    until = _day(observed_until, "observed_until") if observed_until is not None else order_days["day"].max()
    messages = log[["date", customer]].reset_index(drop=True).reset_index(names="_row")
    pairs = messages.merge(order_days, on=customer, how="inner")
    gap = (pairs["day"] - pairs["date"]).dt.days
    hit_rows = set(pairs.loc[(gap >= 1) & (gap <= days), "_row"])
    result = log.copy()
    flag = pd.Series([row in hit_rows for row in range(len(log))], index=log.index, dtype="boolean")
    incomplete = (pd.to_datetime(log["date"]) + pd.Timedelta(days=days) > until).to_numpy()
    flag[incomplete & ~flag.to_numpy()] = pd.NA
    result["ordered_within"] = flag
    result.attrs["report"] = {**log.attrs.get("report", {}), "观察天数": int(days),
                              "观察期不满的消息": int(flag.isna().sum())}
    return result


def _day(value, name: str) -> pd.Timestamp:
    try:
        day = pd.Timestamp(value)
    except (TypeError, ValueError):
        day = pd.NaT
    if pd.isna(day):
        raise CRMDataError(f"{name} 参数应该是日期，例如 \"2026-05-01\"，现在是 {value!r}。")
    return day.normalize()


def _check_rules(rules) -> pd.DataFrame:
    if not isinstance(rules, pd.DataFrame):
        raise CRMDataError("rules 参数应该是一张规则表（DataFrame），列为 trigger、event、days、channel、message。"
                           "可以从 default_rules() 复制一份再改。")
    check_columns(rules, RULE_COLUMNS, table="规则表（rules 参数）")
    if rules.empty:
        raise CRMDataError("规则表（rules 参数）是空的：至少要有一条规则。")
    bad_event = ~rules["event"].isin(EVENTS)
    if bad_event.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(bad_event))
        raise CRMDataError(f"规则表（rules 参数）第 {rows} 行的 event "
                           f"不认识（{', '.join(map(str, rules.loc[bad_event, 'event']))}）。event 只能是："
                           f"{' / '.join(EVENTS)}。")
    days = pd.to_numeric(rules["days"], errors="coerce")
    bad_days = days.isna() | (days < 0) | (days != days.round())
    if bad_days.any():
        rows = ", ".join(str(i + 1) for i in np.flatnonzero(bad_days))
        raise CRMDataError(f"规则表（rules 参数）第 {rows} 行的 days "
                           "应该是 0 或正整数（那个日子之后第几天发）。")
    if (rules["event"].eq("沉默") & days.lt(1)).any():
        raise CRMDataError("规则表（rules 参数）里“沉默”规则的 days 至少是 1：沉默 0 天没有意义。")
    if rules["trigger"].duplicated().any():
        raise CRMDataError("规则表（rules 参数）的 trigger（规则名）有重复：每条规则要有自己的名字，才能分开统计效果。")
    return rules.assign(days=days.astype(int)).reset_index(drop=True)


def _check_holdout(holdout) -> float:
    if isinstance(holdout, bool) or not isinstance(holdout, numbers.Real) or not 0 <= holdout <= 0.5:
        raise CRMDataError(f"holdout 参数是对照组比例，应该在 0 到 0.5 之间（例如 0.2），现在是 {holdout!r}。")
    return float(holdout)


def _needed_columns(rules, registered, birth_month, consent) -> set:
    needed = {consent}
    if rules["event"].eq("注册").any():
        needed.add(registered)
    if rules["event"].eq("生日月").any():
        needed.add(birth_month)
    return needed
