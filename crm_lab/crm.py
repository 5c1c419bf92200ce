"""迷你 CRM：一个运营型客户关系管理数据库，在笔记本里用函数操作（实验一、实验二、实训3）。

- ``connect(path)``：打开（或新建）数据库，默认是一个 SQLite 文件；也接受任何 SQLAlchemy 网址，
  例如 ``postgresql+psycopg://user@host/db``；
- 企业基础设置：``setup_company``、``add_staff``；
- 客户和联系人：``add_customer``、``update_customer``、``find_customers``、``merge_duplicate_customers``、
  ``add_contact``；产品：``add_product``；
- 销售机会：``add_opportunity``、``move_opportunity``（只允许 ``STAGE_MOVES`` 里的阶段变化）；
  业务活动：``log_activity``；营销活动：``add_campaign``、``record_response``；
- 订单和审批：``add_order``（折扣超过公司设定的上限时生成待审批记录）、``approve_discount``；
- 客户服务：``open_ticket`` → ``assign_ticket`` → ``resolve_ticket`` → ``rate_ticket``；
- 维护：``backup``、``restore``（任何数据库的备份都是一个 SQLite 文件，可以在 SQLite 和 PostgreSQL 之间互相恢复）、
  ``export``、``import_course_data``（商城和 B2B 的课程数据）、``read_table``、``query``；
- 分析决策：``pipeline_report``、``sales_report``、``campaign_report``、``ticket_report``、``customer_360``。

统一约定
--------
* 每个函数的第一个参数是 ``connect`` 返回的数据库 ``db``，其余参数都用关键字写，例如
  ``add_customer(db, name="山西大学", phone="0351-7010000")``；新增记录的函数返回新记录的编号（整数）。
* **要么全部写入，要么什么都不写**：每次修改都在一个事务里完成；任何一项检查不通过，都抛出
  ``CRMDataError``，用中文说明哪个字段、出了什么问题、怎么改，数据库保持原样。
* **只用参数化的 SQL**：学生输入的文字永远作为数据传给数据库，不会被当成 SQL 执行（防 SQL 注入）。
* 数据库里存着表结构的版本号 ``SCHEMA_VERSION``；用别的版本的 crm_lab 建的数据库打开时会给出说明。
"""

from __future__ import annotations

import contextvars
import numbers
import os
import re
import sqlite3
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.pool import StaticPool

from crm_lab.data import CRMDataError, load_dataset

__all__ = [
    "ACTIVITY_KINDS",
    "BUYING_ROLES",
    "CUSTOMER_KINDS",
    "ORDER_STATUSES",
    "RESPONSE_TYPES",
    "STAFF_ROLES",
    "STAGES",
    "STAGE_MOVES",
    "SCHEMA_VERSION",
    "TICKET_STATUSES",
    "CRMDatabase",
    "add_campaign",
    "add_contact",
    "add_customer",
    "add_opportunity",
    "add_order",
    "add_product",
    "add_staff",
    "approve_discount",
    "assign_ticket",
    "backup",
    "campaign_report",
    "connect",
    "customer_360",
    "export",
    "find_customers",
    "fixed_now",
    "import_course_data",
    "log_activity",
    "merge_duplicate_customers",
    "move_opportunity",
    "open_ticket",
    "pipeline_report",
    "query",
    "rate_ticket",
    "read_table",
    "record_response",
    "resolve_ticket",
    "restore",
    "sales_report",
    "setup_company",
    "ticket_report",
    "update_customer",
]

SCHEMA_VERSION = 2  # 2：业务活动的方式加上“微信”（B2B 数据里有微信沟通）

CUSTOMER_KINDS = ("个人", "企业")
STAFF_ROLES = ("管理员", "销售经理", "销售代表", "市场专员", "客服专员")
APPROVER_ROLES = ("管理员", "销售经理")
BUYING_ROLES = ("决策者", "影响者", "使用者", "采购者", "把关者")  # 采购中心（购买中心）里的角色
# 销售机会的阶段和默认赢单概率（教学用的经验值，可以在 add_opportunity / move_opportunity 里改）
STAGES = {"初步接触": 0.1, "需求确认": 0.3, "方案报价": 0.5, "谈判": 0.7, "赢单": 1.0, "输单": 0.0}
FINAL_STAGES = ("赢单", "输单")
# 允许的阶段变化：向前一步、退回一步，在报价或谈判后赢单，任何未结束的阶段都可以输单；赢单和输单是最终结果。
STAGE_MOVES = {
    "初步接触": ("需求确认", "输单"),
    "需求确认": ("方案报价", "初步接触", "输单"),
    "方案报价": ("谈判", "需求确认", "赢单", "输单"),
    "谈判": ("赢单", "方案报价", "输单"),
    "赢单": (),
    "输单": (),
}
ACTIVITY_KINDS = ("电话", "拜访", "邮件", "演示", "微信")
RESPONSE_TYPES = ("感兴趣", "已购买", "不感兴趣")  # 前两种算“有回应”
ORDER_STATUSES = ("待审批", "已完成", "退货", "已取消")
APPROVAL_STATUSES = ("待审批", "已批准", "已驳回")
TICKET_TYPES = ("咨询", "投诉", "退换货")
TICKET_CHANNELS = ("电话", "微信", "现场", "邮件")
TICKET_STATUSES = ("待处理", "已分派", "已解决", "已评价")

# ---------------------------------------------------------------------------------------------
# 表结构。每一列的 comment 是它的中文名，出错时的说明用它来指出是哪个字段。
# ---------------------------------------------------------------------------------------------

metadata = sa.MetaData(naming_convention={
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
})


def _col(name, type_, label, *args, **kwargs) -> sa.Column:
    return sa.Column(name, type_, *args, comment=label, **kwargs)


def _one_of(column: str, values, name: str | None = None) -> sa.CheckConstraint:
    listed = ", ".join(f"'{v}'" for v in values)  # 固定的常量，不是用户输入
    return sa.CheckConstraint(f"{column} IS NULL OR {column} IN ({listed})", name=name or column)


def _fk(target: str, **kwargs) -> sa.ForeignKey:
    return sa.ForeignKey(target, **kwargs)


schema_info = sa.Table(
    "schema_info", metadata,
    _col("key", sa.String(50), "项目", primary_key=True),
    _col("value", sa.String(200), "值", nullable=False),
)

company = sa.Table(
    "company", metadata,
    _col("company_id", sa.Integer, "公司编号", primary_key=True),
    _col("name", sa.String(100), "公司名称", nullable=False),
    _col("address", sa.String(200), "地址"),
    _col("industry", sa.String(50), "行业"),
    _col("main_products", sa.String(200), "主要经营产品"),
    _col("phone", sa.String(20), "电话"),
    _col("email", sa.String(100), "电子邮箱"),
    _col("discount_threshold", sa.Float, "无需审批的最高折扣率", nullable=False, server_default="0.1"),
    sa.CheckConstraint("company_id = 1", name="single_company"),
    sa.CheckConstraint("discount_threshold >= 0 AND discount_threshold < 1", name="discount_threshold"),
)

staff = sa.Table(
    "staff", metadata,
    _col("staff_id", sa.Integer, "员工编号", primary_key=True),
    _col("name", sa.String(50), "员工姓名", nullable=False),
    _col("role", sa.String(20), "角色", nullable=False),
    _col("phone", sa.String(20), "电话"),
    _col("email", sa.String(100), "电子邮箱"),
    _one_of("role", STAFF_ROLES),
)

customers = sa.Table(
    "customers", metadata,
    _col("customer_id", sa.Integer, "客户编号", primary_key=True),
    _col("code", sa.String(20), "外部编号（导入数据里的客户编号）", unique=True),
    _col("kind", sa.String(10), "客户类型", nullable=False),
    _col("name", sa.String(100), "客户名称", nullable=False, index=True),
    _col("phone", sa.String(20), "电话", unique=True),
    _col("email", sa.String(100), "电子邮箱"),
    _col("city", sa.String(50), "城市", index=True),
    _col("district", sa.String(50), "区县"),
    _col("address", sa.String(200), "地址"),
    _col("organisation", sa.String(100), "学校或工作单位"),
    _col("industry", sa.String(50), "行业"),
    _col("channel", sa.String(50), "来源渠道"),
    _col("member_level", sa.String(20), "会员等级"),
    _col("owner_id", sa.Integer, "负责员工", _fk("staff.staff_id")),
    _col("consent_marketing", sa.Boolean, "同意接收营销信息", nullable=False, server_default=sa.false()),
    _col("registered_at", sa.Date, "登记日期"),
    _col("remark", sa.String(500), "备注"),
    _one_of("kind", CUSTOMER_KINDS),
)

contacts = sa.Table(
    "contacts", metadata,
    _col("contact_id", sa.Integer, "联系人编号", primary_key=True),
    _col("customer_id", sa.Integer, "所属客户", _fk("customers.customer_id"), nullable=False, index=True),
    _col("name", sa.String(50), "联系人姓名", nullable=False),
    _col("title", sa.String(50), "职务"),
    _col("role", sa.String(10), "采购角色"),
    _col("phone", sa.String(20), "电话"),
    _col("email", sa.String(100), "电子邮箱"),
    _col("remark", sa.String(500), "备注"),
    _one_of("role", BUYING_ROLES),
)

products = sa.Table(
    "products", metadata,
    _col("product_id", sa.Integer, "产品编号", primary_key=True),
    _col("code", sa.String(20), "外部编号（导入数据里的商品编号）", unique=True),
    _col("name", sa.String(100), "产品名称", nullable=False),
    _col("category", sa.String(50), "品类"),
    _col("price", sa.Float, "标价", nullable=False),
    _col("cost", sa.Float, "进价（成本）"),
    sa.CheckConstraint("price >= 0", name="price"),
    sa.CheckConstraint("cost IS NULL OR cost >= 0", name="cost"),
)

opportunities = sa.Table(
    "opportunities", metadata,
    _col("opportunity_id", sa.Integer, "机会编号", primary_key=True),
    _col("customer_id", sa.Integer, "客户", _fk("customers.customer_id"), nullable=False, index=True),
    _col("title", sa.String(100), "机会名称", nullable=False),
    _col("stage", sa.String(10), "阶段", nullable=False),
    _col("amount", sa.Float, "预计金额", nullable=False),
    _col("probability", sa.Float, "赢单概率", nullable=False),
    _col("owner_id", sa.Integer, "负责员工", _fk("staff.staff_id")),
    _col("expected_close", sa.Date, "预计成交日期"),
    _col("next_step", sa.String(200), "下一步"),
    _col("created_at", sa.DateTime, "创建时间", nullable=False),
    _col("closed_at", sa.DateTime, "结束时间"),
    _one_of("stage", STAGES),
    sa.CheckConstraint("amount >= 0", name="amount"),
    sa.CheckConstraint("probability >= 0 AND probability <= 1", name="probability"),
    sa.Index(None, "stage", "owner_id"),
)

stage_changes = sa.Table(
    "stage_changes", metadata,
    _col("change_id", sa.Integer, "变更编号", primary_key=True),
    _col("opportunity_id", sa.Integer, "机会", _fk("opportunities.opportunity_id"), nullable=False, index=True),
    _col("from_stage", sa.String(10), "原阶段"),
    _col("to_stage", sa.String(10), "新阶段", nullable=False),
    _col("changed_at", sa.DateTime, "变更时间", nullable=False),
    _col("staff_id", sa.Integer, "操作员工", _fk("staff.staff_id")),
)

activities = sa.Table(
    "activities", metadata,
    _col("activity_id", sa.Integer, "活动编号", primary_key=True),
    _col("customer_id", sa.Integer, "客户", _fk("customers.customer_id"), nullable=False, index=True),
    _col("contact_id", sa.Integer, "联系人", _fk("contacts.contact_id")),
    _col("opportunity_id", sa.Integer, "销售机会", _fk("opportunities.opportunity_id")),
    _col("staff_id", sa.Integer, "负责员工", _fk("staff.staff_id")),
    _col("kind", sa.String(10), "活动方式", nullable=False),
    _col("subject", sa.String(100), "主题", nullable=False),
    _col("outcome", sa.String(500), "结果"),
    _col("happened_at", sa.DateTime, "时间", nullable=False),
    _one_of("kind", ACTIVITY_KINDS),
)

campaigns = sa.Table(
    "campaigns", metadata,
    _col("campaign_id", sa.Integer, "营销活动编号", primary_key=True),
    _col("name", sa.String(100), "营销活动名称", nullable=False, unique=True),
    _col("channel", sa.String(50), "渠道"),
    _col("start_date", sa.Date, "开始日期"),
    _col("end_date", sa.Date, "结束日期"),
    _col("targeted", sa.Integer, "目标客户数", nullable=False),
    _col("cost", sa.Float, "活动费用", nullable=False),
    _col("owner_id", sa.Integer, "负责员工", _fk("staff.staff_id")),
    sa.CheckConstraint("targeted >= 0", name="targeted"),
    sa.CheckConstraint("cost >= 0", name="cost"),
    sa.CheckConstraint("end_date IS NULL OR start_date IS NULL OR end_date >= start_date", name="dates"),
)

campaign_responses = sa.Table(
    "campaign_responses", metadata,
    _col("response_id", sa.Integer, "回应编号", primary_key=True),
    _col("campaign_id", sa.Integer, "营销活动", _fk("campaigns.campaign_id"), nullable=False),
    _col("customer_id", sa.Integer, "客户", _fk("customers.customer_id"), nullable=False, index=True),
    _col("response", sa.String(10), "回应", nullable=False),
    _col("responded_at", sa.DateTime, "回应时间", nullable=False),
    sa.UniqueConstraint("campaign_id", "customer_id"),
    _one_of("response", RESPONSE_TYPES),
)

orders = sa.Table(
    "orders", metadata,
    _col("order_id", sa.Integer, "订单编号", primary_key=True),
    _col("code", sa.String(20), "外部编号（导入数据里的订单号）", unique=True),
    _col("customer_id", sa.Integer, "客户", _fk("customers.customer_id"), nullable=False, index=True),
    _col("staff_id", sa.Integer, "经办员工", _fk("staff.staff_id")),
    _col("campaign_id", sa.Integer, "来自营销活动", _fk("campaigns.campaign_id"), index=True),
    _col("order_time", sa.DateTime, "下单时间", nullable=False, index=True),
    _col("channel", sa.String(50), "下单渠道"),
    _col("payment", sa.String(20), "支付方式"),
    _col("status", sa.String(10), "订单状态", nullable=False),
    _col("amount", sa.Float, "订单金额", nullable=False),
    _one_of("status", ORDER_STATUSES),
    sa.CheckConstraint("amount >= 0", name="amount"),
)

order_lines = sa.Table(
    "order_lines", metadata,
    _col("order_id", sa.Integer, "订单", _fk("orders.order_id"), primary_key=True),
    _col("line_no", sa.Integer, "行号", primary_key=True),
    _col("product_id", sa.Integer, "产品", _fk("products.product_id"), nullable=False, index=True),
    _col("quantity", sa.Integer, "数量", nullable=False),
    _col("unit_price", sa.Float, "单价", nullable=False),
    _col("discount", sa.Float, "折扣率", nullable=False),
    _col("line_amount", sa.Float, "本行金额", nullable=False),
    sa.CheckConstraint("quantity > 0", name="quantity"),
    sa.CheckConstraint("unit_price >= 0", name="unit_price"),
    sa.CheckConstraint("discount >= 0 AND discount < 1", name="discount"),
    sa.CheckConstraint("line_amount >= 0", name="line_amount"),
)

approvals = sa.Table(
    "approvals", metadata,
    _col("approval_id", sa.Integer, "审批编号", primary_key=True),
    _col("order_id", sa.Integer, "订单", _fk("orders.order_id"), nullable=False, unique=True),
    _col("discount", sa.Float, "申请的最高折扣率", nullable=False),
    _col("threshold", sa.Float, "当时的折扣上限", nullable=False),
    _col("status", sa.String(10), "审批状态", nullable=False),
    _col("requested_by", sa.Integer, "申请人", _fk("staff.staff_id")),
    _col("requested_at", sa.DateTime, "申请时间", nullable=False),
    _col("approver_id", sa.Integer, "审批人", _fk("staff.staff_id")),
    _col("decided_at", sa.DateTime, "审批时间"),
    _col("comment", sa.String(500), "审批意见"),
    _one_of("status", APPROVAL_STATUSES),
)

tickets = sa.Table(
    "tickets", metadata,
    _col("ticket_id", sa.Integer, "工单编号", primary_key=True),
    _col("code", sa.String(20), "外部编号（导入数据里的工单号）", unique=True),
    _col("customer_id", sa.Integer, "客户", _fk("customers.customer_id"), nullable=False, index=True),
    _col("order_id", sa.Integer, "相关订单", _fk("orders.order_id")),
    _col("ticket_type", sa.String(10), "工单类型", nullable=False),
    _col("channel", sa.String(10), "联系渠道"),
    _col("subject", sa.String(200), "问题描述"),
    _col("reason", sa.String(20), "问题原因"),
    _col("status", sa.String(10), "工单状态", nullable=False),
    _col("assignee_id", sa.Integer, "处理人", _fk("staff.staff_id")),
    _col("opened_at", sa.DateTime, "受理时间", nullable=False),
    _col("assigned_at", sa.DateTime, "分派时间"),
    _col("resolved_at", sa.DateTime, "解决时间"),
    _col("resolution", sa.String(500), "处理结果"),
    _col("rated_at", sa.DateTime, "评价时间"),
    _col("rating", sa.Integer, "满意度评分"),
    _one_of("ticket_type", TICKET_TYPES),
    _one_of("status", TICKET_STATUSES),
    sa.CheckConstraint("rating IS NULL OR (rating >= 1 AND rating <= 5)", name="rating"),
    sa.CheckConstraint("resolved_at IS NULL OR resolved_at >= opened_at", name="resolved_after_opened"),
)

TABLES = {t.name: t for t in metadata.sorted_tables}


# ---------------------------------------------------------------------------------------------
# 打开数据库
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CRMDatabase:
    """``connect`` 返回的数据库。``engine`` 是 SQLAlchemy 的引擎，``url`` 是打开的地址。"""

    engine: sa.Engine
    url: str

    def close(self) -> None:
        """关闭数据库的所有连接（之后不能再用这个 db）。"""
        self.engine.dispose()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def __repr__(self) -> str:
        return f"<迷你 CRM 数据库 {self.url}>"


def connect(url_or_path="crm.db", *, read_only: bool = False, timeout: float = 5.0) -> CRMDatabase:
    """打开迷你 CRM 数据库；文件不存在时新建，并建好所有表。

    参数
    ----
    url_or_path : SQLite 文件的路径（默认当前文件夹下的 ``crm.db``），``":memory:"``（只在内存里，关掉就没了，
        适合练习），或任何 SQLAlchemy 数据库网址，例如 ``"postgresql+psycopg://user:密码@localhost/crm"``。
    read_only : ``True`` 时只读打开 SQLite 文件（只能查询，任何修改都会报错），适合共享给全班的数据库。
    timeout : SQLite 文件被别的程序锁住时最多等几秒，超时后报错。

    >>> db = connect(":memory:")
    >>> sorted(read_table(db, "schema_info")["key"])
    ['schema_version']
    >>> "customers" in sa.inspect(db.engine).get_table_names()
    True
    """
    url = _make_url(url_or_path, read_only)
    kwargs = {}
    if url.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": timeout}
        if url.database in (None, "", ":memory:"):
            kwargs.update(poolclass=StaticPool, connect_args={"check_same_thread": False})
    try:
        engine = sa.create_engine(url, **kwargs)
    except (sa.exc.ArgumentError, ImportError) as exc:
        raise CRMDataError(
            f"打不开数据库 {url_or_path!r}：{exc}。请写一个 SQLite 文件的路径（例如 'crm.db'），"
            "或完整的数据库网址（例如 'postgresql+psycopg://用户名@localhost/数据库名'）。"
        ) from exc
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _sqlite_pragmas)
    db = CRMDatabase(engine, url.render_as_string(hide_password=True))
    try:
        _check_or_create_schema(db, read_only)
    except BaseException:
        engine.dispose()
        raise
    return db


def _make_url(url_or_path, read_only: bool) -> sa.URL:
    text = str(url_or_path)
    if "://" in text:
        try:
            return sa.make_url(text)
        except sa.exc.ArgumentError as exc:
            raise CRMDataError(f"数据库网址 {text!r} 的格式不对：{exc}。") from exc
    if text == ":memory:":
        return sa.make_url("sqlite://")
    path = Path(text).expanduser().resolve()
    if path.is_dir():
        raise CRMDataError(f"{path} 是一个文件夹。请写数据库文件的名字，例如 {path / 'crm.db'}。")
    if not path.parent.exists():
        raise CRMDataError(f"文件夹 {path.parent} 不存在。请先建好这个文件夹，或换一个路径。")
    if read_only:
        if not path.exists():
            raise CRMDataError(f"只读打开时数据库文件必须已经存在：找不到 {path}。")
        return sa.make_url(f"sqlite:///file:{path.as_posix()}?mode=ro&uri=true")
    return sa.make_url(f"sqlite:///{path.as_posix()}")


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _check_or_create_schema(db: CRMDatabase, read_only: bool) -> None:
    try:
        existing = set(sa.inspect(db.engine).get_table_names())
    except sa.exc.DBAPIError as exc:
        raise CRMDataError(f"打不开数据库 {db.url}：{_driver_message(exc)}。{_how_to_fix(exc)}") from exc
    if not existing:
        if read_only:
            raise CRMDataError(f"只读打开的数据库 {db.url} 是空的，没有迷你 CRM 的表。请去掉 read_only=True 新建。")
        with _writing(db, "建立数据库的表") as conn:
            metadata.create_all(conn)
            conn.execute(schema_info.insert(), [{"key": "schema_version", "value": str(SCHEMA_VERSION)}])
        return
    if "schema_info" not in existing:
        raise CRMDataError(
            f"{db.url} 不是迷你 CRM 的数据库：里面已经有别的表（{', '.join(sorted(existing)[:5])}），"
            "却没有版本信息表 schema_info。请换一个新的文件名，crm_lab 会在那里新建数据库。"
        )
    with db.engine.connect() as conn:
        version = conn.execute(
            sa.select(schema_info.c.value).where(schema_info.c.key == "schema_version")
        ).scalar_one_or_none()
    try:
        version = int(version)
    except (TypeError, ValueError):
        version = None
    if version is None:
        raise CRMDataError(f"{db.url} 的 schema_info 表里没有有效的版本号，数据库可能被手工改坏了。请从备份恢复。")
    if version < SCHEMA_VERSION:
        raise CRMDataError(
            f"数据库 {db.url} 是旧版 crm_lab 建的（表结构版本 {version}），现在的 crm_lab 需要版本 {SCHEMA_VERSION}。"
            "请用旧版 crm_lab 把各表导出（export），再用 connect() 新建一个数据库导入；或向老师要新版的数据库文件。"
        )
    if version > SCHEMA_VERSION:
        raise CRMDataError(
            f"数据库 {db.url} 是更新版本的 crm_lab 建的（表结构版本 {version}），现在的 crm_lab 只认识版本 "
            f"{SCHEMA_VERSION}。请升级 crm_lab（在课件文件夹里运行 make lab，或 pip install -U crm-lab）后再打开。"
        )
    missing = [name for name in TABLES if name not in existing]
    if missing:
        raise CRMDataError(f"数据库 {db.url} 缺少这些表：{', '.join(missing)}。文件可能被手工改坏了，请从备份恢复。")


# ---------------------------------------------------------------------------------------------
# 事务与出错说明
# ---------------------------------------------------------------------------------------------


@contextmanager
def _writing(db: CRMDatabase, action: str):
    """一个写事务：正常结束时提交，出任何错都回滚，数据库错误翻译成中文的 CRMDataError。"""
    if not isinstance(db, CRMDatabase):
        raise CRMDataError(f"第一个参数应该是 connect() 返回的数据库，收到的是 {type(db).__name__}。"
                           "请先运行 db = connect('crm.db')。")
    try:
        with db.engine.begin() as conn:
            yield conn
    except sa.exc.IntegrityError as exc:
        raise CRMDataError(f"{action}失败：数据违反了数据库的约束（{_driver_message(exc)}）。"
                           "请检查各字段的取值和引用的编号，什么都没有写入。") from exc
    except sa.exc.DBAPIError as exc:
        raise CRMDataError(f"{action}失败：{_driver_message(exc)}。{_how_to_fix(exc)}什么都没有写入。") from exc


def _driver_message(exc: sa.exc.DBAPIError) -> str:
    return str(exc.orig).strip().splitlines()[0] if exc.orig is not None else str(exc)


def _how_to_fix(exc: sa.exc.DBAPIError) -> str:
    text = str(exc.orig).lower()
    if "readonly" in text or "read-only" in text or "read only" in text:
        return ("数据库是只读的：文件被设成了只读、放在只读的位置（光盘、共享文件夹），或用 read_only=True 打开。"
                "请把文件复制到自己的文件夹，或去掉 read_only=True 再打开。")
    if "locked" in text or "busy" in text:
        return ("数据库被另一个程序锁住了（正在写入）：可能是另一个笔记本或 DB Browser 打开着它。"
                "请关掉那边的连接（或重启那个笔记本的内核）后再试。")
    if "unable to open" in text or "connection" in text:
        return "请检查文件路径或数据库服务器的地址、用户名和密码。"
    return ""


def _fail(message: str):
    raise CRMDataError(message)


def _label(table: sa.Table, field: str) -> str:
    return f"{field}（{table.c[field].comment}）"


def _clean_values(table: sa.Table, values: dict, *, creating: bool) -> dict:
    """检查要写入 ``table`` 的字段：必填、文字长度、类别取值、数字、日期。返回转换后的值。"""
    cleaned = {}
    for field, value in values.items():
        column = table.c[field]
        if isinstance(value, str):
            value = value.strip()
            if value == "":
                value = None
        if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
            value = None
        if value is None:
            if not column.nullable and column.server_default is None and not column.primary_key:
                _fail(f"{_label(table, field)} 是必填项，不能为空。请填写后再保存。")
            cleaned[field] = None
            continue
        kind = type(column.type)
        if kind is sa.String:
            value = str(value)
            limit = column.type.length
            if len(value) > limit:
                _fail(f"{_label(table, field)} 太长：共 {len(value)} 个字，最多 {limit} 个字。请缩短后再保存。")
            allowed = _CHOICES.get((table.name, field))
            if allowed and value not in allowed:
                _fail(f"{_label(table, field)} 不能是 {value!r}，只能是：{' / '.join(allowed)}。")
        elif kind in (sa.Float, sa.Integer):
            if isinstance(value, bool) or not isinstance(value, (int, float)) and not _is_number(value):
                _fail(f"{_label(table, field)} 应该是数字，收到的是 {value!r}。请去掉单位和文字，只写数字。")
            value = float(value) if kind is sa.Float else value
            if kind is sa.Integer:
                if float(value) != int(float(value)):
                    _fail(f"{_label(table, field)} 应该是整数，收到的是 {value!r}。")
                value = int(float(value))
            if pd.isna(value) or value in (float("inf"), float("-inf")):
                _fail(f"{_label(table, field)} 不是有效的数字（{value!r}）。")
        elif kind is sa.Boolean:
            if not isinstance(value, bool):
                _fail(f"{_label(table, field)} 应该是 True 或 False，收到的是 {value!r}。")
        elif kind in (sa.Date, sa.DateTime):
            value = _to_time(table, field, value, date_only=kind is sa.Date)
        cleaned[field] = value
    if creating:
        for column in table.columns:
            if (column.name not in cleaned and not column.nullable and column.server_default is None
                    and not column.primary_key):
                _fail(f"{_label(table, column.name)} 是必填项，不能为空。")
    return cleaned


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _to_time(table: sa.Table, field: str, value, *, date_only: bool):
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if pd.isna(stamp):
        example = "'2025-03-01'" if date_only else "'2025-03-01 14:30'"
        _fail(f"{_label(table, field)} 不是有效的{'日期' if date_only else '时间'}：{value!r}。请写成 {example} 这样。")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert(None)
    return stamp.date() if date_only else stamp.to_pydatetime().replace(microsecond=0)


_CHOICES = {
    ("staff", "role"): STAFF_ROLES,
    ("customers", "kind"): CUSTOMER_KINDS,
    ("contacts", "role"): BUYING_ROLES,
    ("opportunities", "stage"): tuple(STAGES),
    ("activities", "kind"): ACTIVITY_KINDS,
    ("campaign_responses", "response"): RESPONSE_TYPES,
    ("orders", "status"): ORDER_STATUSES,
    ("tickets", "ticket_type"): TICKET_TYPES,
    ("tickets", "channel"): TICKET_CHANNELS,
}

_PHONE = re.compile(r"^\+?\d{5,15}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _phone(table: sa.Table, value):
    """电话只留数字（和开头的 +）：'138 0013 8000'、'138-0013-8000' 都存成 '13800138000'，这样才能查出重复。"""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    digits = re.sub(r"[\s\-()（）]", "", str(value))
    if not _PHONE.match(digits):
        _fail(f"{_label(table, 'phone')} 的格式不对：{value!r}。请写 11 位手机号（如 13800138000）"
              "或带区号的座机号（如 0351-7010000），只用数字、空格和短横线。")
    return digits


def _email(table: sa.Table, value):
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if not _EMAIL.match(str(value).strip()):
        _fail(f"{_label(table, 'email')} 的格式不对：{value!r}。请写成 name@example.com 这样。")
    return str(value).strip()


def _require_row(conn, table: sa.Table, key, *, what: str, field: str | None = None):
    """按主键取一行；不存在时报错并说明去哪里查编号。"""
    pk = list(table.primary_key.columns)[0]
    if key is None or isinstance(key, bool) or not isinstance(key, int) and not _is_integer_like(key):
        _fail(f"{field or pk.name}（{what}编号）应该是整数编号，收到的是 {key!r}。")
    row = conn.execute(sa.select(table).where(pk == int(key))).mappings().first()
    if row is None:
        _fail(f"{field or pk.name}：没有编号为 {key} 的{what}。请用 read_table(db, {table.name!r}) 查看现有的{what}"
              "和它们的编号。")
    return row


def _is_integer_like(value) -> bool:
    try:
        return float(value) == int(value)
    except (TypeError, ValueError):
        return False


_FIXED_NOW: contextvars.ContextVar[datetime | None] = contextvars.ContextVar("crm_fixed_now", default=None)


@contextmanager
def fixed_now(moment):
    """在 ``with`` 块里，没写时间的操作都按 ``moment`` 记时间（而不是电脑现在的时间）。

    表单记录重做学生以前的保存时用它：工单的受理时间、记录的创建时间……都还是当初点保存的那一刻，
    所以笔记本无论哪天从头运行，数据库里的时间都一样。

    >>> db = connect(":memory:")
    >>> with fixed_now("2026-08-23 09:00"):
    ...     ticket = open_ticket(db, customer_id=add_customer(db, name="山西大学"), subject="椅子坏了")
    >>> str(read_table(db, "tickets")["opened_at"].iloc[0])
    '2026-08-23 09:00:00'
    """
    token = _FIXED_NOW.set(pd.Timestamp(moment).to_pydatetime().replace(microsecond=0, tzinfo=None))
    try:
        yield
    finally:
        _FIXED_NOW.reset(token)


def _now() -> datetime:
    return _FIXED_NOW.get() or datetime.now().replace(microsecond=0)


def _insert(conn, table: sa.Table, values: dict) -> int:
    pk = list(table.primary_key.columns)[0]
    return conn.execute(table.insert().values(**values).returning(pk)).scalar_one()


def _check_unique_phone(conn, table: sa.Table, phone, *, except_id=None) -> None:
    if phone is None:
        return
    query = sa.select(table.c.customer_id, table.c.name).where(table.c.phone == phone)
    if except_id is not None:
        query = query.where(table.c.customer_id != except_id)
    other = conn.execute(query).first()
    if other is not None:
        _fail(f"phone（电话）{phone} 已经属于客户 {other.customer_id}（{other.name}），同一个电话不能登记两位客户。"
              f"如果是同一位客户，请用 update_customer(db, {other.customer_id}, ...) 修改原来的记录；"
              "如果录重了，可以用 merge_duplicate_customers 合并。")


# ---------------------------------------------------------------------------------------------
# 企业基础设置
# ---------------------------------------------------------------------------------------------


def setup_company(db: CRMDatabase, *, name: str, address=None, industry=None, main_products=None, phone=None,
                  email=None, discount_threshold: float = 0.1) -> int:
    """登记（或修改）自己公司的信息：名称、地址、行业、主要经营产品，以及无需审批的最高折扣率。

    ``discount_threshold=0.1`` 表示订单里任何一行的折扣率超过 10%（比九折更便宜）时，订单需要经理审批。
    一个数据库只有一家公司，再次调用就是修改。返回公司编号 1。

    >>> db = connect(":memory:")
    >>> setup_company(db, name="晋阳办公家具有限公司", main_products="办公家具", discount_threshold=0.15)
    1
    >>> read_table(db, "company")[["name", "discount_threshold"]]
             name  discount_threshold
    0  晋阳办公家具有限公司                0.15
    """
    values = _clean_values(company, {
        "name": name, "address": address, "industry": industry, "main_products": main_products,
        "phone": _phone(company, phone), "email": _email(company, email), "discount_threshold": discount_threshold,
    }, creating=True)
    if not 0 <= values["discount_threshold"] < 1:
        _fail(f"discount_threshold（无需审批的最高折扣率）应在 0 到 1 之间（0.1 表示 10%），"
              f"收到的是 {discount_threshold!r}。")
    with _writing(db, "登记公司信息") as conn:
        if conn.execute(sa.select(company.c.company_id)).first() is None:
            conn.execute(company.insert().values(company_id=1, **values))
        else:
            conn.execute(company.update().where(company.c.company_id == 1).values(**values))
    return 1


def add_staff(db: CRMDatabase, *, name: str, role: str = "销售代表", phone=None, email=None) -> int:
    """添加一位员工（系统用户）。``role`` 是 ``STAFF_ROLES`` 之一；销售经理和管理员可以审批折扣。返回员工编号。

    >>> db = connect(":memory:")
    >>> add_staff(db, name="王经理", role="销售经理")
    1
    >>> add_staff(db, name="小李", role="实习生")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: role（角色） 不能是 '实习生'，只能是：管理员 / 销售经理 / ...
    """
    values = _clean_values(staff, {"name": name, "role": role, "phone": _phone(staff, phone),
                                   "email": _email(staff, email)}, creating=True)
    with _writing(db, "添加员工") as conn:
        return _insert(conn, staff, values)


# ---------------------------------------------------------------------------------------------
# 客户和联系人
# ---------------------------------------------------------------------------------------------

_CUSTOMER_FIELDS = ("kind", "name", "phone", "email", "city", "district", "address", "organisation", "industry",
                    "channel", "member_level", "owner_id", "consent_marketing", "registered_at", "remark", "code")


def add_customer(db: CRMDatabase, *, name: str, kind: str = "企业", phone=None, email=None, city=None, district=None,
                 address=None, organisation=None, industry=None, channel=None, member_level=None, owner_id=None,
                 consent_marketing: bool = False, registered_at=None, remark=None, code=None) -> int:
    """添加一位客户（``kind="企业"`` 或 ``"个人"``），返回客户编号。

    电话不能和已有客户重复（只比较数字，'138-0013-8000' 和 '13800138000' 算同一个）；``owner_id`` 是负责这位
    客户的员工编号；``registered_at`` 不填时是今天。

    >>> db = connect(":memory:")
    >>> add_customer(db, name="山西大学", city="太原", phone="0351-7010000", industry="教育")
    1
    >>> add_customer(db, name="山西大学（重复）", phone="03517010000")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: phone（电话）03517010000 已经属于客户 1（山西大学），同一个电话不能登记两位客户。...
    """
    values = _customer_values(locals(), creating=True)
    values.setdefault("registered_at", None)
    if values["registered_at"] is None:
        values["registered_at"] = date.today()
    with _writing(db, "添加客户") as conn:
        _check_customer_refs(conn, values)
        return _insert(conn, customers, values)


def _customer_values(arguments: dict, *, creating: bool) -> dict:
    given = {k: arguments[k] for k in _CUSTOMER_FIELDS if k in arguments}
    if "phone" in given:
        given["phone"] = _phone(customers, given["phone"])
    if "email" in given:
        given["email"] = _email(customers, given["email"])
    return _clean_values(customers, given, creating=creating)


def _check_customer_refs(conn, values: dict, *, customer_id=None) -> None:
    if values.get("owner_id") is not None:
        _require_row(conn, staff, values["owner_id"], what="员工", field="owner_id")
    _check_unique_phone(conn, customers, values.get("phone"), except_id=customer_id)
    if values.get("code") is not None:
        query = sa.select(customers.c.customer_id).where(customers.c.code == values["code"])
        if customer_id is not None:
            query = query.where(customers.c.customer_id != customer_id)
        if conn.execute(query).first() is not None:
            _fail(f"code（外部编号）{values['code']!r} 已经有客户在用，请换一个。")


def update_customer(db: CRMDatabase, customer_id: int, **changes) -> None:
    """修改客户资料，只改写出来的字段，例如 ``update_customer(db, 1, city="太原", email="x@sxu.edu.cn")``。

    可以改的字段和 ``add_customer`` 的参数一样；写成 ``None`` 表示清空这个字段（必填字段不能清空）。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="美特好", city="太原")
    >>> update_customer(db, cid, city="晋中", industry="零售")
    >>> read_table(db, "customers")[["name", "city", "industry"]]
      name city industry
    0  美特好   晋中       零售
    """
    unknown = [k for k in changes if k not in _CUSTOMER_FIELDS]
    if unknown:
        _fail(f"update_customer 不认识这些字段：{', '.join(unknown)}。可以修改的字段：{', '.join(_CUSTOMER_FIELDS)}。")
    if not changes:
        _fail("update_customer 没有写要修改的字段，例如 update_customer(db, 1, city='太原')。")
    values = _customer_values(changes, creating=False)
    with _writing(db, "修改客户资料") as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        _check_customer_refs(conn, values, customer_id=int(customer_id))
        conn.execute(customers.update().where(customers.c.customer_id == int(customer_id)).values(**values))


def find_customers(db: CRMDatabase, *, name=None, phone=None, city=None, limit: int | None = None) -> pd.DataFrame:
    """按名称、电话、城市查找客户（包含这些文字即可，不分英文大小写；几个条件同时写时要都满足）。

    输入的文字只当作要找的文字，``%``、``_``、引号等没有特殊作用，所以不会被用来做 SQL 注入。
    电话只比较数字（可以只写一部分）。返回客户表中符合条件的行，按客户编号排序。

    >>> db = connect(":memory:")
    >>> _ = add_customer(db, name="中北大学", city="太原", phone="0351-3920000")
    >>> _ = add_customer(db, name="六味斋", city="太原")
    >>> find_customers(db, name="大学")["name"].tolist()
    ['中北大学']
    >>> find_customers(db, name="' OR '1'='1").shape[0]
    0
    """
    query = sa.select(customers).order_by(customers.c.customer_id)
    conditions = {"name": name, "city": city}
    for field, text in conditions.items():
        if text is not None:
            text = _clean_values(customers, {field: text}, creating=False)[field]
            if text is not None:
                query = query.where(customers.c[field].icontains(text, autoescape=True))
    if phone is not None:
        digits = re.sub(r"\D", "", str(phone))
        if not digits:
            _fail(f"phone（电话）要写数字，收到的是 {phone!r}。")
        query = query.where(customers.c.phone.contains(digits, autoescape=True))
    if limit is not None:
        if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
            _fail(f"limit（最多返回几行）应该是正整数，收到的是 {limit!r}。")
        query = query.limit(limit)
    return _read(db, query, customers)


def merge_duplicate_customers(db: CRMDatabase, *, keep_id: int, duplicate_ids) -> dict:
    """把录重了的客户合并到一位客户 ``keep_id`` 名下：联系人、订单、机会、活动、工单、营销回应都转过去，
    保留客户空着的字段用重复客户的值补上，然后删除重复客户。全部在一个事务里完成。

    同一营销活动两位客户都有回应时，只保留 ``keep_id`` 的那条。返回一个字典，记下每张表转过去的行数
    （``删除的重复回应`` 是因此删掉的回应数）。

    >>> db = connect(":memory:")
    >>> a = add_customer(db, name="太原市供水集团", city="太原")
    >>> b = add_customer(db, name="太原供水集团", phone="0351-4040000")
    >>> _ = add_contact(db, customer_id=b, name="刘工", role="使用者")
    >>> merge_duplicate_customers(db, keep_id=a, duplicate_ids=[b])["contacts"]
    1
    >>> read_table(db, "customers")[["customer_id", "name", "phone"]]
       customer_id     name        phone
    0            1  太原市供水集团  03514040000
    """
    if isinstance(duplicate_ids, (int, str)) or duplicate_ids is None:
        duplicate_ids = [duplicate_ids]
    duplicate_ids = list(duplicate_ids)
    if not duplicate_ids:
        _fail("duplicate_ids（要合并掉的客户编号）不能是空的，例如 duplicate_ids=[5, 8]。")
    if keep_id in duplicate_ids:
        _fail(f"keep_id={keep_id} 也出现在 duplicate_ids 里：保留的客户不能同时被合并掉。")
    moved = {}
    with _writing(db, "合并重复客户") as conn:
        kept = dict(_require_row(conn, customers, keep_id, what="客户", field="keep_id"))
        dups = [dict(_require_row(conn, customers, d, what="客户", field="duplicate_ids")) for d in duplicate_ids]
        ids = [d["customer_id"] for d in dups]
        kept_campaigns = sa.select(campaign_responses.c.campaign_id).where(
            campaign_responses.c.customer_id == kept["customer_id"])
        dropped = conn.execute(campaign_responses.delete().where(
            campaign_responses.c.customer_id.in_(ids), campaign_responses.c.campaign_id.in_(kept_campaigns)))
        moved["删除的重复回应"] = dropped.rowcount
        # 几位重复客户回应了同一个活动时，只留编号最小的那条
        first = (sa.select(sa.func.min(campaign_responses.c.response_id))
                 .where(campaign_responses.c.customer_id.in_(ids)).group_by(campaign_responses.c.campaign_id))
        extra = conn.execute(campaign_responses.delete().where(
            campaign_responses.c.customer_id.in_(ids), campaign_responses.c.response_id.not_in(first)))
        moved["删除的重复回应"] += extra.rowcount
        for table in (contacts, orders, opportunities, activities, tickets, campaign_responses):
            result = conn.execute(table.update().where(table.c.customer_id.in_(ids))
                                  .values(customer_id=kept["customer_id"]))
            moved[table.name] = result.rowcount
        fill = {}
        for field in _CUSTOMER_FIELDS:
            if kept[field] is None:
                found = next((d[field] for d in dups if d[field] is not None), None)
                if found is not None:
                    fill[field] = found
        conn.execute(customers.delete().where(customers.c.customer_id.in_(ids)))
        if fill:
            conn.execute(customers.update().where(customers.c.customer_id == kept["customer_id"]).values(**fill))
    return moved


def add_contact(db: CRMDatabase, *, customer_id: int, name: str, role=None, title=None, phone=None, email=None,
                remark=None) -> int:
    """给客户添加一位联系人。``role`` 是他在采购中的角色（``BUYING_ROLES``：决策者、影响者、使用者、采购者、
    把关者），``title`` 是职务。返回联系人编号。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="中北大学")
    >>> add_contact(db, customer_id=cid, name="张处长", title="资产处处长", role="决策者")
    1
    """
    values = _clean_values(contacts, {
        "customer_id": customer_id, "name": name, "role": role, "title": title, "phone": _phone(contacts, phone),
        "email": _email(contacts, email), "remark": remark}, creating=True)
    with _writing(db, "添加联系人") as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        return _insert(conn, contacts, values)


def add_product(db: CRMDatabase, *, name: str, price: float, cost=None, category=None, code=None) -> int:
    """添加一种产品：名称、标价、进价（成本，可不填）、品类。返回产品编号。

    >>> db = connect(":memory:")
    >>> add_product(db, name="人体工学办公椅", price=1280, cost=760, category="办公椅")
    1
    """
    values = _clean_values(products, {"name": name, "price": price, "cost": cost, "category": category,
                                      "code": code}, creating=True)
    for field in ("price", "cost"):
        if values[field] is not None and values[field] < 0:
            _fail(f"{_label(products, field)} 不能是负数，收到的是 {values[field]}。")
    with _writing(db, "添加产品") as conn:
        if code is not None and conn.execute(sa.select(products.c.product_id)
                                             .where(products.c.code == values["code"])).first():
            _fail(f"code（外部编号）{values['code']!r} 已经有产品在用，请换一个。")
        return _insert(conn, products, values)


# ---------------------------------------------------------------------------------------------
# 销售机会和业务活动
# ---------------------------------------------------------------------------------------------


def _probability(value, stage: str) -> float:
    if value is None:
        return STAGES[stage]
    if isinstance(value, bool) or not _is_number(value) or not 0 <= value <= 1:
        _fail(f"probability（赢单概率）应是 0 到 1 之间的数（0.6 表示 60%），收到的是 {value!r}。")
    return float(value)


def add_opportunity(db: CRMDatabase, *, customer_id: int, title: str, amount: float = 0, stage: str = "初步接触",
                    probability=None, owner_id=None, expected_close=None, next_step=None) -> int:
    """登记一个销售机会（商机）。``stage`` 是 ``STAGES`` 里尚未结束的阶段；``probability`` 不填时用该阶段的
    默认赢单概率（``STAGES``）。返回机会编号。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="山西大学")
    >>> add_opportunity(db, customer_id=cid, title="新校区办公家具", amount=380000, next_step="约见后勤处")
    1
    >>> add_opportunity(db, customer_id=cid, title="宿舍家具", amount=-5)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: amount（预计金额）不能是负数，收到的是 -5.0。...
    """
    values = _clean_values(opportunities, {
        "customer_id": customer_id, "title": title, "amount": amount, "stage": stage, "owner_id": owner_id,
        "expected_close": expected_close, "next_step": next_step}, creating=False)
    if values["amount"] is None or values["amount"] < 0:
        _fail(f"amount（预计金额）不能是负数，收到的是 {values['amount']}。请填 0 或正数（单位：元）。")
    if values["stage"] in FINAL_STAGES:
        open_stages = " / ".join(s for s in STAGES if s not in FINAL_STAGES)
        _fail(f"stage（阶段）：新的机会不能直接是 {stage!r}。请从 {open_stages} 中选一个，再用 move_opportunity 推进。")
    values["probability"] = _probability(probability, values["stage"])
    values["created_at"] = _now()
    with _writing(db, "添加销售机会") as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        if owner_id is not None:
            _require_row(conn, staff, owner_id, what="员工", field="owner_id")
        new_id = _insert(conn, opportunities, values)
        conn.execute(stage_changes.insert().values(opportunity_id=new_id, from_stage=None, to_stage=values["stage"],
                                                   changed_at=values["created_at"], staff_id=values["owner_id"]))
        return new_id


def move_opportunity(db: CRMDatabase, opportunity_id: int, *, to_stage: str, probability=None, next_step=None,
                     amount=None, staff_id=None) -> None:
    """把销售机会推进（或退回）到 ``to_stage``。允许的变化见 ``STAGE_MOVES``：一次只能前进或退回一步，
    报价或谈判之后可以赢单，未结束的机会随时可以输单；赢单、输单是最终结果，不能再改。
    每次变化都记在 ``stage_changes`` 表里，可以用来分析销售漏斗。

    >>> db = connect(":memory:")
    >>> oid = add_opportunity(db, customer_id=add_customer(db, name="六味斋"), title="门店桌椅", amount=52000)
    >>> move_opportunity(db, oid, to_stage="需求确认", next_step="现场量尺寸")
    >>> move_opportunity(db, oid, to_stage="赢单")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: 销售机会 1 现在处于“需求确认”，不能直接变成“赢单”。从“需求确认”只能变成：...
    """
    if to_stage not in STAGES:
        _fail(f"to_stage（新阶段）不能是 {to_stage!r}，只能是：{' / '.join(STAGES)}。")
    changes = {"stage": to_stage, "probability": _probability(probability, to_stage)}
    if next_step is not None:
        changes["next_step"] = next_step
    if amount is not None:
        changes["amount"] = amount
    changes = _clean_values(opportunities, changes, creating=False)
    if changes.get("amount") is not None and changes["amount"] < 0:
        _fail(f"amount（预计金额）不能是负数，收到的是 {changes['amount']}。")
    with _writing(db, "推进销售机会") as conn:
        row = _require_row(conn, opportunities, opportunity_id, what="销售机会", field="opportunity_id")
        current = row["stage"]
        if current in FINAL_STAGES:
            _fail(f"销售机会 {opportunity_id} 已经{current}，这是最终结果，不能再变成“{to_stage}”。"
                  "如果客户又有新的需求，请用 add_opportunity 新建一个机会。")
        if to_stage not in STAGE_MOVES[current]:
            _fail(f"销售机会 {opportunity_id} 现在处于“{current}”，不能直接变成“{to_stage}”。"
                  f"从“{current}”只能变成：{' / '.join(STAGE_MOVES[current])}。请一步一步推进。")
        if staff_id is not None:
            _require_row(conn, staff, staff_id, what="员工", field="staff_id")
        now = _now()
        if to_stage in FINAL_STAGES:
            changes["closed_at"] = now
        conn.execute(opportunities.update().where(opportunities.c.opportunity_id == row["opportunity_id"])
                     .values(**changes))
        conn.execute(stage_changes.insert().values(opportunity_id=row["opportunity_id"], from_stage=current,
                                                   to_stage=to_stage, changed_at=now, staff_id=staff_id))


def log_activity(db: CRMDatabase, *, customer_id: int, kind: str, subject: str, outcome=None, contact_id=None,
                 opportunity_id=None, staff_id=None, happened_at=None) -> int:
    """记录一次业务活动（``kind``：电话、拜访、邮件、演示、微信）和它的结果。联系人、销售机会必须属于这位客户。
    ``happened_at`` 不填时是现在。返回活动编号。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="中北大学")
    >>> log_activity(db, customer_id=cid, kind="拜访", subject="介绍新款书桌", outcome="对方要报价单")
    1
    """
    values = _clean_values(activities, {
        "customer_id": customer_id, "kind": kind, "subject": subject, "outcome": outcome, "contact_id": contact_id,
        "opportunity_id": opportunity_id, "staff_id": staff_id,
        "happened_at": _now() if happened_at is None else happened_at}, creating=True)
    with _writing(db, "记录业务活动") as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        for field, table, what in (("contact_id", contacts, "联系人"), ("opportunity_id", opportunities, "销售机会")):
            if values[field] is not None:
                row = _require_row(conn, table, values[field], what=what, field=field)
                if row["customer_id"] != values["customer_id"]:
                    _fail(f"{field}：{what} {values[field]} 属于客户 {row['customer_id']}，不是客户 {customer_id}。"
                          "请检查编号。")
        if values["staff_id"] is not None:
            _require_row(conn, staff, values["staff_id"], what="员工", field="staff_id")
        return _insert(conn, activities, values)


# ---------------------------------------------------------------------------------------------
# 营销活动
# ---------------------------------------------------------------------------------------------


def add_campaign(db: CRMDatabase, *, name: str, targeted: int = 0, cost: float = 0, channel=None, start_date=None,
                 end_date=None, owner_id=None) -> int:
    """登记一次营销活动：名称（不能重复）、触达的目标客户数 ``targeted``、活动费用 ``cost``、渠道和起止日期。
    返回营销活动编号。

    >>> db = connect(":memory:")
    >>> add_campaign(db, name="开学季满减", targeted=500, cost=2000, channel="微信", start_date="2025-09-01")
    1
    """
    values = _clean_values(campaigns, {
        "name": name, "targeted": targeted, "cost": cost, "channel": channel, "start_date": start_date,
        "end_date": end_date, "owner_id": owner_id}, creating=True)
    for field in ("targeted", "cost"):
        if values[field] < 0:
            _fail(f"{_label(campaigns, field)} 不能是负数，收到的是 {values[field]}。")
    if values["start_date"] and values["end_date"] and values["end_date"] < values["start_date"]:
        _fail(f"end_date（结束日期）{values['end_date']} 早于 start_date（开始日期）{values['start_date']}。"
              "请检查日期。")
    with _writing(db, "添加营销活动") as conn:
        if conn.execute(sa.select(campaigns.c.campaign_id).where(campaigns.c.name == values["name"])).first():
            _fail(f"name（营销活动名称）{values['name']!r} 已经存在，请换一个名字（例如加上日期）。")
        if owner_id is not None:
            _require_row(conn, staff, owner_id, what="员工", field="owner_id")
        return _insert(conn, campaigns, values)


def record_response(db: CRMDatabase, *, campaign_id: int, customer_id: int, response: str = "感兴趣",
                    responded_at=None) -> int:
    """记录客户对营销活动的回应（``RESPONSE_TYPES``：感兴趣、已购买、不感兴趣）；每位客户对每个活动只记一次。

    >>> db = connect(":memory:")
    >>> camp = add_campaign(db, name="教师节关怀", targeted=50)
    >>> record_response(db, campaign_id=camp, customer_id=add_customer(db, name="李老师", kind="个人"))
    1
    """
    values = _clean_values(campaign_responses, {
        "campaign_id": campaign_id, "customer_id": customer_id, "response": response,
        "responded_at": _now() if responded_at is None else responded_at}, creating=True)
    with _writing(db, "记录营销回应") as conn:
        _require_row(conn, campaigns, campaign_id, what="营销活动", field="campaign_id")
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        if conn.execute(sa.select(campaign_responses.c.response_id).where(
                campaign_responses.c.campaign_id == values["campaign_id"],
                campaign_responses.c.customer_id == values["customer_id"])).first():
            _fail(f"客户 {customer_id} 对营销活动 {campaign_id} 的回应已经记录过了，每位客户只记一次。")
        return _insert(conn, campaign_responses, values)


# ---------------------------------------------------------------------------------------------
# 订单和折扣审批
# ---------------------------------------------------------------------------------------------


def add_order(db: CRMDatabase, *, customer_id: int, lines, staff_id=None, campaign_id=None, order_time=None,
              channel=None, payment=None, code=None) -> int:
    """录入一个订单和它的明细，返回订单编号。

    ``lines`` 是明细行的列表（或 DataFrame），每行写 ``product_id``、``quantity``，可选 ``unit_price``（不写用产品
    标价）和 ``discount``（折扣率，0.2 表示便宜 20%，不写为 0）。本行金额 = 数量 × 单价 × (1 − 折扣率)，订单金额
    是各行之和。任何一行的折扣率超过公司设定的上限（``setup_company`` 的 ``discount_threshold``，没设公司时为
    0.1）时，订单状态是“待审批”，并生成一条审批记录，等经理用 ``approve_discount`` 批准；否则状态是“已完成”。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="美特好")
    >>> chair = add_product(db, name="办公椅", price=500)
    >>> oid = add_order(db, customer_id=cid, lines=[{"product_id": chair, "quantity": 4, "discount": 0.25}])
    >>> read_table(db, "orders")[["status", "amount"]]
      status  amount
    0    待审批  1500.0
    """
    if isinstance(lines, pd.DataFrame):
        lines = lines.to_dict("records")
    if isinstance(lines, dict) or not isinstance(lines, (list, tuple)) or not lines:
        _fail("lines（订单明细）应该是至少一行的列表，例如 [{'product_id': 1, 'quantity': 2}]。")
    header = _clean_values(orders, {
        "customer_id": customer_id, "staff_id": staff_id, "campaign_id": campaign_id, "channel": channel,
        "payment": payment, "code": code, "order_time": _now() if order_time is None else order_time},
        creating=False)
    with _writing(db, "录入订单") as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        for field, table, what in (("staff_id", staff, "员工"), ("campaign_id", campaigns, "营销活动")):
            if header[field] is not None:
                _require_row(conn, table, header[field], what=what, field=field)
        if header["code"] is not None and conn.execute(
                sa.select(orders.c.order_id).where(orders.c.code == header["code"])).first():
            _fail(f"code（外部编号）{header['code']!r} 已经有订单在用，请换一个。")
        rows = []
        for number, line in enumerate(lines, start=1):
            if not isinstance(line, dict):
                _fail(f"lines 的第 {number} 行应该是字典，例如 {{'product_id': 1, 'quantity': 2}}，收到的是 {line!r}。")
            unknown = set(line) - {"product_id", "quantity", "unit_price", "discount"}
            if unknown:
                _fail(f"lines 的第 {number} 行有不认识的键：{', '.join(map(str, unknown))}。"
                      "只能写 product_id、quantity、unit_price、discount。")
            product = _require_row(conn, products, line.get("product_id"), what="产品",
                                   field=f"lines 第 {number} 行的 product_id")
            row = _clean_values(order_lines, {
                "product_id": line.get("product_id"), "quantity": line.get("quantity"),
                "unit_price": line.get("unit_price", product["price"]), "discount": line.get("discount", 0)},
                creating=False)
            for field, ok, rule in (("quantity", lambda v: v > 0, "必须大于 0"),
                                    ("unit_price", lambda v: v >= 0, "不能是负数"),
                                    ("discount", lambda v: 0 <= v < 1, "应在 0 到 1 之间（0.2 表示便宜 20%）")):
                if row[field] is None or not ok(row[field]):
                    _fail(f"lines 第 {number} 行的 {_label(order_lines, field)} {rule}，收到的是 {row[field]!r}。")
            row["line_no"] = number
            row["line_amount"] = round(row["quantity"] * row["unit_price"] * (1 - row["discount"]), 2)
            rows.append(row)
        threshold = conn.execute(sa.select(company.c.discount_threshold)).scalar_one_or_none()
        threshold = 0.1 if threshold is None else threshold
        top_discount = max(r["discount"] for r in rows)
        needs_approval = top_discount > threshold + 1e-12
        header.update(status="待审批" if needs_approval else "已完成",
                      amount=round(sum(r["line_amount"] for r in rows), 2))
        order_id = _insert(conn, orders, header)
        conn.execute(order_lines.insert(), [dict(r, order_id=order_id) for r in rows])
        if needs_approval:
            conn.execute(approvals.insert().values(
                order_id=order_id, discount=top_discount, threshold=threshold, status="待审批",
                requested_by=header["staff_id"], requested_at=header["order_time"]))
        return order_id


def approve_discount(db: CRMDatabase, *, order_id: int, approver_id: int, approve: bool = True,
                     comment=None) -> None:
    """经理审批订单的折扣（审批管理）：批准后订单状态变成“已完成”，驳回后变成“已取消”。

    审批人必须是销售经理或管理员；只有“待审批”的订单可以审批，一个订单只审批一次。

    >>> db = connect(":memory:")
    >>> boss = add_staff(db, name="王经理", role="销售经理")
    >>> oid = add_order(db, customer_id=add_customer(db, name="六味斋"),
    ...                 lines=[{"product_id": add_product(db, name="餐桌", price=900), "quantity": 2, "discount": 0.3}])
    >>> approve_discount(db, order_id=oid, approver_id=boss, comment="老客户，同意")
    >>> read_table(db, "approvals")["status"].tolist(), read_table(db, "orders")["status"].tolist()
    (['已批准'], ['已完成'])
    """
    if not isinstance(approve, bool):
        _fail(f"approve 应该是 True（批准）或 False（驳回），收到的是 {approve!r}。")
    comment = _clean_values(approvals, {"comment": comment}, creating=False)["comment"]
    with _writing(db, "审批折扣") as conn:
        _require_row(conn, orders, order_id, what="订单", field="order_id")
        approver = _require_row(conn, staff, approver_id, what="员工", field="approver_id")
        if approver["role"] not in APPROVER_ROLES:
            _fail(f"approver_id：员工 {approver_id}（{approver['name']}）的角色是{approver['role']}，不能审批折扣。"
                  f"审批人必须是：{' / '.join(APPROVER_ROLES)}。")
        request = conn.execute(sa.select(approvals).where(approvals.c.order_id == int(order_id))).mappings().first()
        if request is None:
            _fail(f"订单 {order_id} 的折扣没有超过上限，不需要审批。")
        if request["status"] != "待审批":
            _fail(f"订单 {order_id} 的折扣已经审批过了（{request['status']}），不能再审批。")
        status = "已批准" if approve else "已驳回"
        conn.execute(approvals.update().where(approvals.c.approval_id == request["approval_id"]).values(
            status=status, approver_id=approver["staff_id"], decided_at=_now(), comment=comment))
        conn.execute(orders.update().where(orders.c.order_id == int(order_id))
                     .values(status="已完成" if approve else "已取消"))


# ---------------------------------------------------------------------------------------------
# 客户服务工单：待处理 → 已分派 → 已解决 → 已评价
# ---------------------------------------------------------------------------------------------


def open_ticket(db: CRMDatabase, *, customer_id: int, subject: str, ticket_type: str = "咨询", channel: str = "电话",
                order_id=None, reason=None, opened_at=None) -> int:
    """受理客户的咨询、投诉或退换货，建立一张“待处理”的工单。``order_id`` 必须是这位客户的订单。返回工单编号。

    >>> db = connect(":memory:")
    >>> open_ticket(db, customer_id=add_customer(db, name="山西大学"), subject="椅子扶手松动", ticket_type="投诉")
    1
    """
    values = _clean_values(tickets, {
        "customer_id": customer_id, "subject": subject, "ticket_type": ticket_type, "channel": channel,
        "order_id": order_id, "reason": reason, "status": "待处理",
        "opened_at": _now() if opened_at is None else opened_at}, creating=True)
    if values["subject"] is None:  # 表里可以为空（导入的历史工单没有描述），新受理的工单必须写
        _fail("subject（问题描述） 是必填项，不能为空。请写清客户遇到的问题，例如“椅子扶手松动”。")
    with _writing(db, "受理工单") as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
        if values["order_id"] is not None:
            order = _require_row(conn, orders, values["order_id"], what="订单", field="order_id")
            if order["customer_id"] != values["customer_id"]:
                _fail(f"order_id：订单 {order_id} 属于客户 {order['customer_id']}，不是客户 {customer_id}。")
        return _insert(conn, tickets, values)


def _advance_ticket(db, ticket_id, *, action: str, allowed_from: tuple, changes: dict, stamp_field: str, at):
    with _writing(db, action) as conn:
        row = _require_row(conn, tickets, ticket_id, what="工单", field="ticket_id")
        if row["status"] not in allowed_from:
            _fail(f"工单 {ticket_id} 现在是“{row['status']}”，不能{action}：只有“{' / '.join(allowed_from)}”的工单可以"
                  f"{action}。工单的顺序是：{' → '.join(TICKET_STATUSES)}。")
        stamp = _clean_values(tickets, {stamp_field: _now() if at is None else at}, creating=False)[stamp_field]
        previous = max(t for t in (row["opened_at"], row["assigned_at"], row["resolved_at"]) if t is not None)
        if stamp < previous:
            _fail(f"at（{tickets.c[stamp_field].comment}）{stamp} 早于这张工单上一步的时间 {previous}。请检查时间。")
        if "staff_id" in changes:
            _require_row(conn, staff, changes["staff_id"], what="员工", field="staff_id")
            changes = {"assignee_id": changes.pop("staff_id"), **changes}
        conn.execute(tickets.update().where(tickets.c.ticket_id == row["ticket_id"])
                     .values(**changes, **{stamp_field: stamp}))


def assign_ticket(db: CRMDatabase, ticket_id: int, *, staff_id: int, at=None) -> None:
    """把工单分派给一位员工处理（“待处理”或“已分派”的工单；再次分派就是换人）。

    >>> db = connect(":memory:")
    >>> tid = open_ticket(db, customer_id=add_customer(db, name="美特好"), subject="发票开错")
    >>> assign_ticket(db, tid, staff_id=add_staff(db, name="小赵", role="客服专员"))
    >>> read_table(db, "tickets")["status"].tolist()
    ['已分派']
    """
    _clean_values(tickets, {"assignee_id": staff_id}, creating=False)
    _advance_ticket(db, ticket_id, action="分派工单", allowed_from=("待处理", "已分派"),
                    changes={"status": "已分派", "staff_id": staff_id}, stamp_field="assigned_at", at=at)


def resolve_ticket(db: CRMDatabase, ticket_id: int, *, resolution=None, at=None) -> None:
    """登记工单已经解决（只有“已分派”的工单可以解决）和处理结果。

    >>> db = connect(":memory:")
    >>> tid = open_ticket(db, customer_id=add_customer(db, name="美特好"), subject="发票开错")
    >>> resolve_ticket(db, tid)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: 工单 1 现在是“待处理”，不能解决工单：只有“已分派”的工单可以解决工单。...
    """
    changes = _clean_values(tickets, {"resolution": resolution}, creating=False)
    _advance_ticket(db, ticket_id, action="解决工单", allowed_from=("已分派",),
                    changes={"status": "已解决", **changes}, stamp_field="resolved_at", at=at)


def rate_ticket(db: CRMDatabase, ticket_id: int, *, rating: int, at=None) -> None:
    """登记客户对处理结果的满意度评分（1 很不满意 … 5 很满意）；只有“已解决”的工单可以评价，且只评一次。

    >>> db = connect(":memory:")
    >>> tid = open_ticket(db, customer_id=add_customer(db, name="美特好"), subject="发票开错")
    >>> assign_ticket(db, tid, staff_id=add_staff(db, name="小赵", role="客服专员"))
    >>> resolve_ticket(db, tid, resolution="已重开发票")
    >>> rate_ticket(db, tid, rating=5)
    >>> read_table(db, "tickets")[["status", "rating"]]
      status  rating
    0    已评价       5
    """
    value = _clean_values(tickets, {"rating": rating}, creating=False)["rating"]
    if value is None or not 1 <= value <= 5:
        _fail(f"rating（满意度评分）应是 1 到 5 的整数，收到的是 {rating!r}。")
    _advance_ticket(db, ticket_id, action="评价工单", allowed_from=("已解决",),
                    changes={"status": "已评价", "rating": value}, stamp_field="rated_at", at=at)


# ---------------------------------------------------------------------------------------------
# 读取、查询、备份、导出、导入
# ---------------------------------------------------------------------------------------------


def _table_by_name(name) -> sa.Table:
    if name not in TABLES:
        _fail(f"没有名为 {name!r} 的表。迷你 CRM 的表有：{', '.join(TABLES)}。")
    return TABLES[name]


def _read(db: CRMDatabase, statement, table: sa.Table | None = None) -> pd.DataFrame:
    if not isinstance(db, CRMDatabase):
        _fail(f"第一个参数应该是 connect() 返回的数据库，收到的是 {type(db).__name__}。")
    with db.engine.connect() as conn:
        result = conn.execute(statement)
        frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    if table is not None:
        frame = _typed(frame, table)
    return frame


def _typed(frame: pd.DataFrame, table: sa.Table) -> pd.DataFrame:
    for column in table.columns:
        if column.name not in frame:
            continue
        kind = type(column.type)
        if kind in (sa.Date, sa.DateTime):
            frame[column.name] = pd.to_datetime(frame[column.name])
        elif kind is sa.Float:
            frame[column.name] = pd.to_numeric(frame[column.name]).astype(float)
        elif kind is sa.Integer and frame[column.name].notna().all():
            frame[column.name] = frame[column.name].astype("int64")
        elif kind is sa.Integer:
            frame[column.name] = frame[column.name].astype("Int64")
        elif kind is sa.Boolean:
            frame[column.name] = frame[column.name].astype(bool)
    return frame


def read_table(db: CRMDatabase, name: str) -> pd.DataFrame:
    """把一张表整个读成 DataFrame（按主键排序）。表名见 ``TABLES``，例如 ``"customers"``、``"orders"``。

    >>> db = connect(":memory:")
    >>> read_table(db, "customers").shape[0]
    0
    """
    table = _table_by_name(name)
    return _read(db, sa.select(table).order_by(*table.primary_key.columns), table)


def query(db: CRMDatabase, sql: str, **params) -> pd.DataFrame:
    """执行一条自己写的 SELECT 查询（实训3），返回 DataFrame。

    要代入的值用 ``:名字`` 占位，再用同名参数传进来，不要把值拼进 SQL 字符串（那样会有 SQL 注入的风险）。
    这个函数只用来查询：写 INSERT / UPDATE / DELETE 等修改语句会报错，修改请用本模块的函数。

    >>> db = connect(":memory:")
    >>> _ = add_customer(db, name="中北大学", city="太原")
    >>> query(db, "SELECT name FROM customers WHERE city = :city", city="太原")
       name
    0  中北大学
    """
    if not isinstance(sql, str) or not sql.strip():
        _fail("sql 应该是一条 SELECT 语句，例如 'SELECT * FROM customers'。")
    first_word = sql.strip().split(None, 1)[0].upper()
    if first_word not in ("SELECT", "WITH"):
        _fail(f"query 只执行查询（SELECT 或 WITH 开头），收到的语句以 {first_word} 开头。"
              "修改数据请用 add_customer、update_customer 等函数，它们会检查数据并在一个事务里完成。")
    try:
        with db.engine.connect() as conn:
            result = conn.execute(sa.text(sql), params)
            if not result.returns_rows:
                _fail("这条语句没有返回结果。query 只用来查询。")
            frame = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
            conn.rollback()  # 查询绝不修改数据：就算语句里藏了修改，也撤销
    except sa.exc.StatementError as exc:
        raise CRMDataError(f"SQL 语句有错：{_driver_message(exc)}。请检查表名、列名和拼写；"
                           f"表有：{', '.join(TABLES)}。") from exc
    return frame


_COPY_BATCH = 5_000  # 复制表时每批读写的行数：内存里最多同时放这么多行


def backup(db: CRMDatabase, path) -> Path:
    """把整个迷你 CRM 数据库备份到文件 ``path``，返回备份文件的路径。数据库正在使用时也可以备份。

    不管数据库是 SQLite 文件还是 PostgreSQL 等服务器上的数据库，**备份文件都是一个 SQLite 数据库文件**，
    表结构和版本号与迷你 CRM 完全相同：可以用 ``connect(备份文件)`` 直接打开查看，也可以用 ``restore``
    恢复到任何一个迷你 CRM 数据库（SQLite 或 PostgreSQL）里。

    - SQLite 数据库用 SQLite 自己的在线备份整体复制；
    - 其他数据库在一个只读事务里按外键顺序逐表、分批复制，所以备份是同一时刻的完整快照，备份期间别人写入的数据
      要么全在、要么全不在。

    ``path`` 已经存在时报错，绝不覆盖（旧的备份和别的文件都不会被改动），请换一个文件名，例如加上日期。
    备份先写到同一文件夹里的临时文件，完整写好后才改成 ``path``：备份中途出错或被打断，不会留下半个备份。

    >>> import tempfile
    >>> db = connect(":memory:")
    >>> _ = add_customer(db, name="山西大学")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     copy = connect(backup(db, Path(folder) / "备份.db"))
    ...     names = read_table(copy, "customers")["name"].tolist()
    ...     copy.close()
    >>> names
    ['山西大学']
    """
    _require_database(db)
    target = _backup_target(path)
    try:
        handle, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise CRMDataError(f"无法在文件夹 {target.parent} 里写文件（{exc.strerror}）。"
                           "请换一个自己有写权限的文件夹（例如课程文件夹），并检查磁盘空间。") from exc
    os.close(handle)
    partial = Path(name)
    try:
        if db.engine.dialect.name == "sqlite":
            _sqlite_backup(db, partial)
        else:
            _copy_to_sqlite(db, partial)
        if target.exists():  # 备份期间有人在这里放了文件：仍然不覆盖
            _fail(f"备份文件 {target} 在备份期间被别的程序建立了。为了不覆盖它，这次备份没有保存，请换一个文件名。")
        partial.rename(target)
    except sqlite3.Error as exc:
        raise CRMDataError(f"备份到 {target} 失败：{exc}。请检查磁盘空间和文件夹的写权限。") from exc
    finally:
        partial.unlink(missing_ok=True)
    return target


def _require_database(db) -> None:
    if not isinstance(db, CRMDatabase):
        _fail(f"第一个参数应该是 connect() 返回的数据库，收到的是 {type(db).__name__}。"
              "请先运行 db = connect('crm.db')。")


def _backup_target(path) -> Path:
    target = Path(path).expanduser().resolve()
    if target.is_dir():
        _fail(f"{target} 是一个文件夹。请写备份文件的名字，例如 {target / 'crm-备份.db'}。")
    if not target.parent.is_dir():
        _fail(f"文件夹 {target.parent} 不存在，请先建好它或换一个备份路径。")
    if target.exists():
        if _backup_problem(target) is None:
            _fail(f"备份文件 {target} 已经存在。为了不覆盖旧的备份，请换一个文件名（例如加上日期）。")
        _fail(f"文件 {target} 已经存在，而且它不是当前版本的迷你 CRM 备份。backup 不会覆盖任何已有的文件，"
              "请换一个新的文件名（例如 crm-备份-日期.db）。")
    return target


def _sqlite_backup(db: CRMDatabase, target: Path) -> None:
    raw = db.engine.raw_connection()
    try:
        copy = sqlite3.connect(target)
        try:
            raw.driver_connection.backup(copy)
        finally:
            copy.close()
    finally:
        raw.close()


def _copy_to_sqlite(db: CRMDatabase, target: Path) -> None:
    """把任何后端的数据库复制到新的 SQLite 文件：源端是一个可重复读的事务（同一时刻的快照）。"""
    copy = connect(target)
    try:
        with db.engine.connect() as source:
            source.execution_options(isolation_level="REPEATABLE READ")
            with source.begin(), _writing(copy, "备份") as conn:
                conn.execute(schema_info.delete())
                for table in metadata.sorted_tables:
                    _copy_table(source, conn, table)
    finally:
        copy.close()


def _copy_table(source, target, table: sa.Table) -> None:
    """按主键顺序分批把 ``table`` 的所有行从连接 ``source`` 写到连接 ``target``（值经 SQLAlchemy 的类型转换）。"""
    result = source.execute(sa.select(table).order_by(*table.primary_key.columns),
                            execution_options={"yield_per": _COPY_BATCH})
    for rows in result.partitions():
        target.execute(table.insert(), [row._asdict() for row in rows])


def _backup_problem(source: Path) -> str | None:
    """``source`` 能不能作为迷你 CRM 的备份恢复：能时返回 None，不能时返回中文说明（是什么问题、怎么办）。"""
    if not source.exists():
        return f"找不到备份文件 {source}。请检查文件夹和文件名（backup() 返回的就是备份文件的完整路径）。"
    if source.is_dir():
        return f"{source} 是一个文件夹，不是备份文件。请写 backup() 生成的备份文件的路径。"
    with source.open("rb") as file:
        header = file.read(16)
    if header != b"SQLite format 3\x00":
        return (f"{source} 不是 SQLite 数据库文件，不是迷你 CRM 的备份（备份都是 backup() 生成的 SQLite 文件；"
                "export 导出的 CSV/Excel 文件不能用来恢复）。请选择 backup() 生成的文件。")
    engine = sa.create_engine(f"sqlite:///file:{source.as_posix()}?mode=ro&uri=true")
    try:
        with engine.connect() as conn:
            existing = set(sa.inspect(conn).get_table_names())
            missing = [name for name in TABLES if name not in existing]
            if missing:
                return (f"{source} 是 SQLite 数据库，但不是迷你 CRM 的备份：缺少表 {', '.join(missing)}。"
                        "请选择 backup() 生成的文件。")
            version = conn.execute(sa.select(schema_info.c.value)
                                   .where(schema_info.c.key == "schema_version")).scalar_one_or_none()
    except sa.exc.DBAPIError as exc:
        return f"备份文件 {source} 读不出来（{_driver_message(exc)}），文件可能损坏了。请换一个备份文件。"
    finally:
        engine.dispose()
    if version is None or not version.isdigit():
        return f"备份文件 {source} 的 schema_info 表里没有有效的版本号，文件可能被手工改坏了。请换一个备份文件。"
    if int(version) < SCHEMA_VERSION:
        return (f"备份文件 {source} 是旧版 crm_lab 做的（表结构版本 {version}），现在的 crm_lab 需要版本 "
                f"{SCHEMA_VERSION}。请用做备份时的 crm_lab 版本打开它，用 export 把各表导出后再导入；"
                "或向老师要新版的备份。")
    if int(version) > SCHEMA_VERSION:
        return (f"备份文件 {source} 是更新版本的 crm_lab 做的（表结构版本 {version}），现在的 crm_lab 只认识版本 "
                f"{SCHEMA_VERSION}。请升级 crm_lab（在课件文件夹里运行 make lab，或 pip install -U crm-lab）后再恢复。")
    return None


def restore(db: CRMDatabase, path) -> None:
    """用备份文件 ``path`` 的内容替换数据库 ``db`` 的全部内容（SQLite 和 PostgreSQL 都可以）。

    ``path`` 是 ``backup`` 生成的 SQLite 文件，来自哪种数据库都行：PostgreSQL 的备份可以恢复到 SQLite 文件里，
    反过来也可以。恢复前先检查文件：存在、是 SQLite 数据库、是迷你 CRM 的备份、表结构版本相同，有问题就报错，
    数据库不动。然后在**一个事务**里：按外键的反向顺序删掉所有表的所有行，再按外键顺序分批写入备份里的所有行
    （编号保持不变）；PostgreSQL 上还会把每张表的自动编号调到现有最大编号之后，之后新增的记录接着编号。
    任何一步出错（例如备份文件被手工改过、数据违反约束），整个事务撤销，数据库和恢复前完全一样。

    >>> import tempfile
    >>> db = connect(":memory:")
    >>> _ = add_customer(db, name="山西大学")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     saved = backup(db, Path(folder) / "备份.db")
    ...     update_customer(db, 1, name="改错了")
    ...     restore(db, saved)
    >>> read_table(db, "customers")["name"].tolist()
    ['山西大学']
    >>> add_customer(db, name="中北大学")
    2
    """
    _require_database(db)
    source = Path(path).expanduser().resolve()
    problem = _backup_problem(source)
    if problem is not None:
        _fail(problem)
    if db.engine.dialect.name == "sqlite" and db.engine.url.database not in (None, "", ":memory:"):
        current = Path(db.engine.url.database.removeprefix("file:")).resolve()
        if current == source:
            _fail(f"备份文件 {source} 就是当前打开的数据库本身，不能用它恢复自己。请选择 backup() 生成的另一个文件。")
    origin = connect(source, read_only=True)
    try:
        with origin.engine.connect() as reading, _writing(db, f"从 {source} 恢复") as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())
            for table in metadata.sorted_tables:
                try:
                    _copy_table(reading, conn, table)
                except sa.exc.IntegrityError as exc:
                    raise CRMDataError(
                        f"备份文件 {source} 的表 {table.name} 里的数据违反了数据库的约束（{_driver_message(exc)}），"
                        "文件可能被手工改过。请换一个备份文件（例如更早的一个）。数据库保持原样，什么都没有改。"
                    ) from exc
                except (ValueError, TypeError) as exc:
                    raise CRMDataError(
                        f"备份文件 {source} 的表 {table.name} 里有读不出来的值（{exc}），文件可能被手工改过。"
                        "请换一个备份文件（例如更早的一个）。数据库保持原样，什么都没有改。"
                    ) from exc
            if conn.dialect.name == "postgresql":
                _reset_sequences(conn)
    finally:
        origin.close()


def _reset_sequences(conn) -> None:
    """PostgreSQL：把每张表自动编号的序列调到 max(编号) + 1，恢复后新增的记录不会和恢复的编号冲突。"""
    for table in metadata.sorted_tables:
        column = table.autoincrement_column
        if column is None:
            continue
        sequence = sa.func.pg_get_serial_sequence(table.name, column.name)
        conn.execute(sa.select(sa.func.setval(sequence, sa.func.coalesce(sa.func.max(column), 0) + 1, False)))


def export(db: CRMDatabase, table: str, path) -> Path:
    """把一张表导出成 CSV（带 BOM 的 UTF-8，Excel 和 WPS 直接打开不乱码）或 Excel（.xlsx）文件。返回文件路径。

    >>> import tempfile
    >>> db = connect(":memory:")
    >>> _ = add_customer(db, name="六味斋", city="太原")
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     saved = export(db, "customers", Path(folder) / "客户.csv")
    ...     saved.read_bytes()[:3] == b"\\xef\\xbb\\xbf"
    True
    """
    frame = read_table(db, table)
    target = Path(path).expanduser()
    if not target.parent.exists():
        _fail(f"文件夹 {target.parent} 不存在，请先建好它或换一个路径。")
    suffix = target.suffix.lower()
    try:
        if suffix == ".csv":
            frame.to_csv(target, index=False, encoding="utf-8-sig")
        elif suffix == ".xlsx":
            frame.to_excel(target, index=False, sheet_name=table)
        else:
            _fail(f"export 只能导出 .csv 或 .xlsx 文件，收到的文件名是 {target.name}。")
    except PermissionError as exc:
        raise CRMDataError(f"无法写入 {target}：文件可能正在 Excel 里打开，请关掉它后再导出。") from exc
    return target


# 课程数据集 → 迷你 CRM 的表。每个导入函数返回 {(数据集, 表): 导入行数}。
def _import_shop(conn, frames: dict) -> dict:
    counts = {}
    people = frames["shop_customers"]
    records = pd.DataFrame({
        "code": people["customer_id"], "kind": "个人", "name": people["name"], "city": people["city"],
        "district": people["district"], "organisation": people["organisation"], "channel": people["channel"],
        "member_level": people["member_level"], "consent_marketing": people["consent_marketing"].astype(bool),
        "registered_at": people["registered_at"].dt.date,
        # 课程数据的手机号已脱敏（中间四位是 *），不能用来识别客户，所以放进备注，不放进唯一的 phone 列
        "remark": "手机号（脱敏）" + people["phone"].astype(str),
    })
    customer_ids = _bulk_insert(conn, customers, records, key="code")
    counts["shop_customers", "customers"] = len(records)

    goods = frames["shop_products"]
    records = pd.DataFrame({"code": goods["product_id"], "name": goods["product_name"], "category": goods["category"],
                            "price": goods["price"], "cost": goods["cost"]})
    product_ids = _bulk_insert(conn, products, records, key="code")
    counts["shop_products", "products"] = len(records)

    sales = frames["shop_orders"]
    records = pd.DataFrame({
        "code": sales["order_id"], "customer_id": _lookup(sales["customer_id"], customer_ids, "shop_orders"),
        "order_time": sales["order_time"], "channel": sales["channel"], "payment": sales["payment"],
        "status": sales["status"], "amount": sales["amount"]})
    order_ids = _bulk_insert(conn, orders, records, key="code")
    counts["shop_orders", "orders"] = len(records)

    items = frames["shop_order_lines"]
    records = pd.DataFrame({
        "order_id": _lookup(items["order_id"], order_ids, "shop_order_lines"), "line_no": items["line_no"],
        "product_id": _lookup(items["product_id"], product_ids, "shop_order_lines"), "quantity": items["quantity"],
        "unit_price": items["unit_price"], "discount": items["discount"], "line_amount": items["line_amount"]})
    _bulk_insert(conn, order_lines, records)
    counts["shop_order_lines", "order_lines"] = len(records)

    if "shop_tickets" in frames:
        cases = frames["shop_tickets"]
        records = pd.DataFrame({
            "code": cases["ticket_id"], "customer_id": _lookup(cases["customer_id"], customer_ids, "shop_tickets"),
            "order_id": _lookup(cases["order_id"], order_ids, "shop_tickets"), "ticket_type": cases["ticket_type"],
            "channel": cases["contact_channel"], "reason": cases["reason"], "status": "已评价",
            "opened_at": cases["opened_at"], "resolved_at": cases["resolved_at"], "rated_at": cases["resolved_at"],
            "rating": cases["rating"]})
        _bulk_insert(conn, tickets, records)
        counts["shop_tickets", "tickets"] = len(records)
    return counts


B2B_ORDER_CHANNEL = "团购"
B2B_PRODUCT_PREFIX = "团购·"  # B2B 订单只有产品线，导入成一种名为“团购·产品线”的产品，一单一行
_B2B_ACTIVITY_KINDS = {"产品演示": "演示"}


def _import_b2b(conn, frames: dict) -> dict:
    counts = {}
    accounts = frames["b2b_accounts"]
    owners = pd.concat([frames[n]["owner"] for n in ("b2b_accounts", "b2b_opportunities", "b2b_activities")
                        if n in frames])
    staff_ids = {name: sid for sid, name in conn.execute(sa.select(staff.c.staff_id, staff.c.name)
                                                         .order_by(staff.c.staff_id.desc())).all()}
    new_staff = [name for name in pd.unique(owners.dropna()) if name not in staff_ids]
    if new_staff:
        _bulk_insert(conn, staff, pd.DataFrame({"name": new_staff, "role": "销售代表"}))
        staff_ids = {name: sid for sid, name in conn.execute(sa.select(staff.c.staff_id, staff.c.name)
                                                             .order_by(staff.c.staff_id.desc())).all()}
    counts["b2b_*.owner", "staff"] = len(new_staff)

    records = pd.DataFrame({
        "code": accounts["account_id"], "kind": "企业", "name": accounts["account_name"],
        "industry": accounts["industry"], "city": accounts["city"], "district": accounts["district"],
        "owner_id": _lookup(accounts["owner"], staff_ids, "b2b_accounts 的 owner"),
        "registered_at": accounts["created_at"].dt.date,
        "remark": "单位规模：" + accounts["size"].astype(str) + "；单位电话（脱敏）" + accounts["phone"].astype(str),
    })
    customer_ids = _bulk_insert(conn, customers, records, key="code")
    counts["b2b_accounts", "customers"] = len(records)

    contact_ids = {}
    if "b2b_contacts" in frames:
        people = frames["b2b_contacts"]
        primary = people["is_primary"].map({True: "；主要联系人", False: ""})
        records = pd.DataFrame({
            "customer_id": _lookup(people["account_id"], customer_ids, "b2b_contacts"), "name": people["name"],
            "title": people["title"], "role": people["role"],
            "remark": ("性别：" + people["gender"].astype(str) + "；手机号（脱敏）" + people["phone"].astype(str)
                       + primary),
        })
        contact_ids = dict(zip(people["contact_id"], _insert_returning(conn, contacts, records), strict=True))
        counts["b2b_contacts", "contacts"] = len(records)

    opportunity_ids = {}
    if "b2b_opportunities" in frames:
        deals = frames["b2b_opportunities"]
        records = pd.DataFrame({
            "customer_id": _lookup(deals["account_id"], customer_ids, "b2b_opportunities"),
            "title": deals["opportunity_name"], "stage": deals["stage"], "amount": deals["amount"],
            "probability": deals["probability"] / 100,
            "owner_id": _lookup(deals["owner"], staff_ids, "b2b_opportunities 的 owner"),
            "created_at": deals["created_at"], "closed_at": deals["closed_at"]})
        opportunity_ids = dict(zip(deals["opportunity_id"], _insert_returning(conn, opportunities, records),
                                   strict=True))
        counts["b2b_opportunities", "opportunities"] = len(records)

    if "b2b_activities" in frames:
        visits = frames["b2b_activities"]
        records = pd.DataFrame({
            "customer_id": _lookup(visits["account_id"], customer_ids, "b2b_activities"),
            "contact_id": _lookup(visits["contact_id"], contact_ids, "b2b_activities"),
            "opportunity_id": _lookup(visits["opportunity_id"], opportunity_ids, "b2b_activities"),
            "staff_id": _lookup(visits["owner"], staff_ids, "b2b_activities 的 owner"),
            "kind": visits["activity_type"].astype(str).replace(_B2B_ACTIVITY_KINDS),
            "subject": visits["note"], "outcome": visits["outcome"], "happened_at": visits["activity_date"]})
        _check_same_customer(records, conn)
        _bulk_insert(conn, activities, records)
        counts["b2b_activities", "activities"] = len(records)

    if "b2b_orders" in frames:
        sales = frames["b2b_orders"]
        lines = sorted(sales["product_line"].dropna().astype(str).unique())
        records = pd.DataFrame({"name": [B2B_PRODUCT_PREFIX + line for line in lines], "category": lines,
                                "price": 0.0, "code": [f"B2B-{line}" for line in lines]})
        product_ids = _bulk_insert(conn, products, records, key="code")
        counts["b2b_orders", "products"] = len(records)
        owner_of = dict(zip(accounts["account_id"], accounts["owner"], strict=True))
        records = pd.DataFrame({
            "code": sales["b2b_order_id"], "customer_id": _lookup(sales["account_id"], customer_ids, "b2b_orders"),
            "staff_id": _lookup(sales["account_id"].map(owner_of), staff_ids, "b2b_orders 的客户经理"),
            "order_time": sales["order_date"], "channel": B2B_ORDER_CHANNEL, "status": "已完成",
            "amount": sales["revenue"]})
        order_ids = _bulk_insert(conn, orders, records, key="code")
        counts["b2b_orders", "orders"] = len(records)
        records = pd.DataFrame({
            "order_id": _lookup(sales["b2b_order_id"], order_ids, "b2b_orders"), "line_no": 1,
            "product_id": _lookup("B2B-" + sales["product_line"].astype(str), product_ids, "b2b_orders"),
            "quantity": 1, "unit_price": sales["revenue"], "discount": 0.0, "line_amount": sales["revenue"]})
        _bulk_insert(conn, order_lines, records)
        counts["b2b_orders", "order_lines"] = len(records)
    return counts


def _insert_returning(conn, table: sa.Table, frame: pd.DataFrame) -> list[int]:
    """写入没有外部编号列的表（几百行），按行的顺序返回数据库分配的新编号。"""
    columns = {name: frame[name].astype(object).where(frame[name].notna(), None) for name in frame.columns}
    rows = zip(*(column.tolist() for column in columns.values()), strict=True)
    records = [dict(zip(columns, row, strict=True)) for row in rows]
    pk = list(table.primary_key.columns)[0]
    return conn.execute(table.insert().returning(pk, sort_by_parameter_order=True), records).scalars().all()


def _check_same_customer(records: pd.DataFrame, conn) -> None:
    """导入的业务活动里，联系人和销售机会必须属于同一位客户（和 log_activity 的检查一样）。"""
    for field, table, what in (("contact_id", contacts, "联系人"), ("opportunity_id", opportunities, "销售机会")):
        owner = dict(conn.execute(sa.select(table.c[field], table.c.customer_id)).all())
        given = records[field].notna()
        wrong = given & (records[field].map(owner) != records["customer_id"])
        if wrong.any():
            _fail(f"b2b_activities 里有 {int(wrong.sum())} 行的{what}不属于这一行的客户，例如第 "
                  f"{wrong[wrong].index[0]} 行。请检查 account_id 和 {field} 是否配套。")


_COURSE_IMPORTS = {
    ("shop_customers", "shop_products", "shop_orders", "shop_order_lines", "shop_tickets"): _import_shop,
    ("b2b_accounts", "b2b_contacts", "b2b_opportunities", "b2b_activities", "b2b_orders"): _import_b2b,
}
_SHOP_CORE = ("shop_customers", "shop_products", "shop_orders", "shop_order_lines")
# 一张表只能和它引用的表一起导入
_NEEDS = {**{name: _SHOP_CORE for name in _SHOP_CORE + ("shop_tickets",)},
          "b2b_accounts": (), "b2b_contacts": ("b2b_accounts",), "b2b_opportunities": ("b2b_accounts",),
          "b2b_activities": ("b2b_accounts", "b2b_contacts", "b2b_opportunities"), "b2b_orders": ("b2b_accounts",)}
# 迷你 CRM 里没有对应列、没有导入的列（仍可用 load_dataset 读原表）
_NOT_IMPORTED = {"b2b_opportunities": ["product_line", "lost_reason"], "b2b_orders": ["opportunity_id", "cost"]}


def import_course_data(db: CRMDatabase, *, tables: dict | None = None) -> pd.DataFrame:
    """把随课件发放的课程数据一次导入迷你 CRM，在一个事务里批量写入：

    - 商城（个人客户）：``shop_customers`` → customers，``shop_products`` → products，``shop_orders`` →
      orders，``shop_order_lines`` → order_lines，``shop_tickets`` → tickets（已评价的工单）；
    - 企业和团体客户（B2B）：``b2b_accounts`` → customers（客户类型“企业”），``b2b_contacts`` → contacts
      （带采购角色），``b2b_opportunities`` → opportunities（阶段、赢单概率、负责人），``b2b_activities`` →
      activities（“产品演示”记作“演示”），``b2b_orders`` → orders（渠道“团购”，状态“已完成”；每单一行明细，
      产品是“团购·产品线”）。数据里的客户经理（owner）登记为员工（角色“销售代表”），已有同名员工时用原来的。

    课程数据里的客户编号、商品编号、订单号、工单号存进各表的 ``code`` 列，新编号由数据库分配；
    脱敏的电话和 B2B 客户的单位规模、联系人性别写在 ``remark``（备注）里。数据库里已经有带外部编号的客户时报错，
    什么都不写。``tables`` 可以传入自己生成的同样结构的表（例如 ``crm_lab.synth.shop_tables(scale=10)``），
    只导入给出的表（缺少它们引用的表时报错）；默认读全部课程数据。

    返回每个数据集导入到每张表的行数（列：数据集、表、导入行数）；``attrs["report"]`` 的 ``未导入的列`` 列出
    迷你 CRM 里没有对应列的数据（例如 B2B 订单的成本），它们仍可以用 ``load_dataset`` 读原表。

    >>> db = connect(":memory:")
    >>> counts = import_course_data(db)
    >>> counts.groupby("表")["导入行数"].sum()["customers"]
    np.int64(3060)
    >>> counts.attrs["report"]["未导入的列"]["b2b_orders"]
    ['opportunity_id', 'cost']
    """
    if tables is not None and not isinstance(tables, dict):
        _fail(f"tables 应该是 {{表名: DataFrame}} 的字典，例如 {{'b2b_accounts': load_dataset('b2b_accounts')}}，"
              f"收到的是 {type(tables).__name__}。")
    known = [name for names in _COURSE_IMPORTS for name in names]
    if tables is not None:
        unknown = [name for name in tables if name not in known]
        if unknown:
            _fail(f"tables 里有不认识的表：{', '.join(map(str, unknown))}。能导入的表：{', '.join(known)}。")
        loaded = dict(tables)
    else:
        loaded = {name: load_dataset(name) for name in known}
    for name in loaded:
        missing = [n for n in _NEEDS[name] if n not in loaded]
        if missing:
            _fail(f"tables 里有 {name}，但缺少它要一起导入的表：{', '.join(missing)}。请把这些表也放进 tables。")
    if not loaded:
        _fail(f"没有可以导入的课程数据：tables 是空的。能导入的表：{', '.join(known)}。")
    counts = {}
    with _writing(db, "导入课程数据") as conn:
        existing = conn.execute(sa.select(sa.func.count()).select_from(customers)
                                .where(customers.c.code.is_not(None))).scalar_one()
        if existing:
            _fail(f"数据库里已经有 {existing} 位带外部编号的客户，课程数据可能已经导入过了。"
                  "请用 connect() 新建一个数据库文件再导入。")
        for names, importer in _COURSE_IMPORTS.items():
            given = {n: loaded[n] for n in names if n in loaded}
            if given:
                counts.update(importer(conn, given))
    result = pd.DataFrame({"数据集": [k[0] for k in counts], "表": [k[1] for k in counts],
                           "导入行数": list(counts.values())})
    result.attrs["report"] = {"未导入的列": {name: columns for name, columns in _NOT_IMPORTED.items()
                                        if name in loaded}}
    return result


def _lookup(codes: pd.Series, ids: dict, source: str) -> pd.Series:
    mapped = codes.map(ids)
    broken = codes.notna() & mapped.isna()
    if broken.any():
        _fail(f"{source} 里有 {int(broken.sum())} 行引用了不存在的编号，例如 {codes[broken].iloc[0]!r}"
              f"（第 {broken[broken].index[0]} 行）。请检查这张表和它引用的表是否配套。")
    return mapped.astype("Int64")


_CHUNK_ROWS = 50_000


def _bulk_insert(conn, table: sa.Table, frame: pd.DataFrame, *, key: str | None = None) -> dict:
    """批量写入：一条参数化的 INSERT 语句配多组参数（驱动的 executemany），每批 ``_CHUNK_ROWS`` 行。

    值先按列转换成驱动直接认识的 Python 类型（SQLite 的日期时间写成 SQLAlchemy 同样的文字格式），
    跳过 SQLAlchemy 逐行逐值的类型处理，这是导入几十万行时最花时间的部分。
    ``key`` 给出时返回 {key 的值: 数据库分配的新编号}。
    """
    sqlite = conn.dialect.name == "sqlite"
    columns = {}
    for name in frame.columns:
        column, values = table.c[name], frame[name]
        limit = getattr(column.type, "length", None)
        if limit is not None:
            too_long = values.astype("str").str.len().gt(limit) & values.notna()
            if too_long.any():
                _fail(f"{table.name} 的 {_label(table, name)} 有 {int(too_long.sum())} 个值太长"
                      f"（最多 {limit} 个字），例如第 {too_long[too_long].index[0]} 行。")
        kind = type(column.type)
        if kind is sa.DateTime and sqlite:
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d %H:%M:%S.%f")
        elif kind is sa.Date and sqlite:
            values = pd.to_datetime(values).dt.strftime("%Y-%m-%d")
        elif kind is sa.DateTime:
            values = pd.to_datetime(values)
        elif kind is sa.Boolean:
            values = values.astype(bool)
        columns[name] = values.astype(object).where(values.notna(), None)
    prepare = conn.dialect.identifier_preparer
    marker = "?" if conn.dialect.paramstyle in ("qmark", "numeric") else "%s"
    sql = (f"INSERT INTO {prepare.format_table(table)} ({', '.join(prepare.quote(c) for c in columns)}) "
           f"VALUES ({', '.join([marker] * len(columns))})")
    rows = list(zip(*(column.tolist() for column in columns.values()), strict=True))
    for begin in range(0, len(rows), _CHUNK_ROWS):
        conn.exec_driver_sql(sql, rows[begin:begin + _CHUNK_ROWS])
    if key is None:
        return {}
    pk = list(table.primary_key.columns)[0]
    found = conn.execute(sa.select(table.c[key], pk).where(table.c[key].is_not(None))).all()
    return {code: new_id for code, new_id in found}


# ---------------------------------------------------------------------------------------------
# 分析决策
# ---------------------------------------------------------------------------------------------


def pipeline_report(db: CRMDatabase) -> pd.DataFrame:
    """销售漏斗（按阶段和负责人）：机会数、预计金额、加权金额（= 预计金额 × 赢单概率）。

    阶段按 ``STAGES`` 的顺序排列；没有负责人的机会记在“未分配”名下。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="山西大学")
    >>> _ = add_opportunity(db, customer_id=cid, title="办公桌", amount=1000)
    >>> _ = add_opportunity(db, customer_id=cid, title="会议桌", amount=3000, stage="谈判")
    >>> pipeline_report(db)[["阶段", "机会数", "加权金额"]]
         阶段  机会数    加权金额
    0  初步接触    1   100.0
    1    谈判    1  2100.0
    """
    statement = (sa.select(opportunities.c.stage, staff.c.staff_id, staff.c.name.label("owner"),
                           sa.func.count().label("n"), sa.func.sum(opportunities.c.amount).label("amount"),
                           sa.func.sum(opportunities.c.amount * opportunities.c.probability).label("weighted"))
                 .select_from(opportunities.outerjoin(staff, opportunities.c.owner_id == staff.c.staff_id))
                 .group_by(opportunities.c.stage, staff.c.staff_id, staff.c.name))
    frame = _read(db, statement)
    frame["owner"] = frame["owner"].fillna("未分配")
    frame["order"] = frame["stage"].map({s: i for i, s in enumerate(STAGES)})
    frame = frame.sort_values(["order", "owner"]).drop(columns="order").reset_index(drop=True)
    result = pd.DataFrame({"阶段": frame["stage"], "负责人": frame["owner"], "机会数": frame["n"].astype("int64"),
                           "预计金额": frame["amount"].astype(float), "加权金额": frame["weighted"].astype(float)})
    return result


_SALES_BY = {"month": "月份", "product": "商品", "customer": "客户"}


def sales_report(db: CRMDatabase, *, by: str = "month") -> pd.DataFrame:
    """销售统计：``by="month"``（按月）、``"product"``（按商品）或 ``"customer"``（按客户）。

    只统计“已完成”的订单；退货、已取消、待审批的订单不计入，它们的数目记在 ``result.attrs["report"]`` 的
    ``排除的订单`` 里（按状态分开）。按月和按客户统计订单数和订单金额；按商品统计件数和明细金额。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="美特好")
    >>> pen = add_product(db, name="签字笔", price=3)
    >>> _ = add_order(db, customer_id=cid, lines=[{"product_id": pen, "quantity": 10}], order_time="2025-03-02")
    >>> sales_report(db, by="product")
        商品  件数   销售额
    0  签字笔  10  30.0
    """
    if by not in _SALES_BY:
        _fail(f"by 只能是 {' / '.join(f'{k!r}（{v}）' for k, v in _SALES_BY.items())}，收到的是 {by!r}。")
    done = orders.c.status == "已完成"
    if by == "month":
        frame = _read(db, sa.select(orders.c.order_time, orders.c.amount).where(done))
        month = pd.to_datetime(frame["order_time"]).dt.strftime("%Y-%m")
        grouped = frame.groupby(month)["amount"]
        result = pd.DataFrame({"月份": grouped.size().index, "订单数": grouped.size().to_numpy(),
                               "销售额": grouped.sum().round(2).to_numpy()})
    elif by == "product":
        statement = (sa.select(products.c.product_id, products.c.name, sa.func.sum(order_lines.c.quantity).label("q"),
                               sa.func.sum(order_lines.c.line_amount).label("amount"))
                     .select_from(order_lines.join(orders).join(products)).where(done)
                     .group_by(products.c.product_id, products.c.name)
                     .order_by(sa.func.sum(order_lines.c.line_amount).desc(), products.c.product_id))
        frame = _read(db, statement)
        result = pd.DataFrame({"商品": frame["name"], "件数": frame["q"].astype("int64"),
                               "销售额": frame["amount"].astype(float).round(2)})
    else:
        statement = (sa.select(customers.c.customer_id, customers.c.name, sa.func.count().label("n"),
                               sa.func.sum(orders.c.amount).label("amount"))
                     .select_from(orders.join(customers)).where(done)
                     .group_by(customers.c.customer_id, customers.c.name)
                     .order_by(sa.func.sum(orders.c.amount).desc(), customers.c.customer_id))
        frame = _read(db, statement)
        result = pd.DataFrame({"客户编号": frame["customer_id"].astype("int64"), "客户": frame["name"],
                               "订单数": frame["n"].astype("int64"), "销售额": frame["amount"].astype(float).round(2)})
    excluded = _read(db, sa.select(orders.c.status, sa.func.count().label("n")).where(~done).group_by(orders.c.status))
    result.attrs["report"] = {"排除的订单": dict(zip(excluded["status"], excluded["n"].astype(int), strict=True))}
    return result


def campaign_report(db: CRMDatabase) -> pd.DataFrame:
    """营销活动效果：目标客户数、有回应的客户数（感兴趣或已购买）、回应率、活动费用、带来的销售额
    （注明来自该活动、已完成的订单金额）和投资回报率 ROI = (销售额 − 费用) ÷ 费用（费用为 0 时为空）。

    >>> db = connect(":memory:")
    >>> camp = add_campaign(db, name="开学季", targeted=4, cost=100)
    >>> cid = add_customer(db, name="小王", kind="个人")
    >>> _ = record_response(db, campaign_id=camp, customer_id=cid, response="已购买")
    >>> _ = add_order(db, customer_id=cid, campaign_id=camp,
    ...               lines=[{"product_id": add_product(db, name="书包", price=150), "quantity": 1}])
    >>> campaign_report(db)[["营销活动", "回应率", "销售额", "ROI"]]  # doctest: +NORMALIZE_WHITESPACE
      营销活动   回应率  销售额  ROI
    0  开学季  0.25  150.0  0.5
    """
    responders = (sa.select(campaign_responses.c.campaign_id, sa.func.count().label("responders"))
                  .where(campaign_responses.c.response.in_(("感兴趣", "已购买")))
                  .group_by(campaign_responses.c.campaign_id).subquery())
    revenue = (sa.select(orders.c.campaign_id, sa.func.sum(orders.c.amount).label("revenue"))
               .where(orders.c.status == "已完成", orders.c.campaign_id.is_not(None))
               .group_by(orders.c.campaign_id).subquery())
    statement = (sa.select(campaigns.c.campaign_id, campaigns.c.name, campaigns.c.targeted, campaigns.c.cost,
                           sa.func.coalesce(responders.c.responders, 0).label("responders"),
                           sa.func.coalesce(revenue.c.revenue, 0).label("revenue"))
                 .select_from(campaigns.outerjoin(responders, responders.c.campaign_id == campaigns.c.campaign_id)
                              .outerjoin(revenue, revenue.c.campaign_id == campaigns.c.campaign_id))
                 .order_by(campaigns.c.campaign_id))
    frame = _read(db, statement)
    targeted = frame["targeted"].astype(float)
    cost = frame["cost"].astype(float)
    sales = frame["revenue"].astype(float)
    return pd.DataFrame({
        "活动编号": frame["campaign_id"].astype("int64"), "营销活动": frame["name"],
        "目标客户数": frame["targeted"].astype("int64"), "回应客户数": frame["responders"].astype("int64"),
        "回应率": (frame["responders"] / targeted.where(targeted > 0)).astype(float),
        "活动费用": cost, "销售额": sales, "ROI": ((sales - cost) / cost.where(cost > 0)).astype(float),
    })


_TICKET_BY = {"ticket_type": "工单类型", "channel": "联系渠道", "assignee": "处理人", "reason": "问题原因"}


def ticket_report(db: CRMDatabase, *, by: str = "ticket_type") -> pd.DataFrame:
    """客户服务统计：按 ``by``（工单类型 ``ticket_type``、联系渠道 ``channel``、处理人 ``assignee``、问题原因
    ``reason``）分组的工单数、已解决数、平均和中位解决时长（小时，从受理到解决）、平均满意度和评价数。

    >>> db = connect(":memory:")
    >>> tid = open_ticket(db, customer_id=add_customer(db, name="美特好"), subject="送货慢", ticket_type="投诉",
    ...                   opened_at="2025-05-01 09:00")
    >>> assign_ticket(db, tid, staff_id=add_staff(db, name="小赵", role="客服专员"), at="2025-05-01 10:00")
    >>> resolve_ticket(db, tid, at="2025-05-01 15:00")
    >>> ticket_report(db)[["工单类型", "工单数", "平均解决时长（小时）"]]
      工单类型  工单数  平均解决时长（小时）
    0   投诉    1         6.0
    """
    if by not in _TICKET_BY:
        _fail(f"by 只能是 {' / '.join(f'{k!r}（{v}）' for k, v in _TICKET_BY.items())}，收到的是 {by!r}。")
    group = sa.func.coalesce(staff.c.name, "未分派").label("grp") if by == "assignee" else tickets.c[by].label("grp")
    statement = (sa.select(group, tickets.c.opened_at, tickets.c.resolved_at, tickets.c.rating)
                 .select_from(tickets.outerjoin(staff, tickets.c.assignee_id == staff.c.staff_id)))
    frame = _read(db, statement)
    frame["grp"] = frame["grp"].fillna("（未填）")
    hours = (pd.to_datetime(frame["resolved_at"]) - pd.to_datetime(frame["opened_at"])).dt.total_seconds() / 3600
    frame["hours"] = hours
    frame["rating"] = pd.to_numeric(frame["rating"]).astype(float)
    grouped = frame.groupby("grp", sort=True)
    result = pd.DataFrame({
        _TICKET_BY[by]: list(grouped.groups),
        "工单数": grouped.size().to_numpy(),
        "已解决数": grouped["hours"].count().to_numpy(),
        "平均解决时长（小时）": grouped["hours"].mean().round(2).to_numpy(),
        "解决时长中位数（小时）": grouped["hours"].median().round(2).to_numpy(),
        "平均满意度": grouped["rating"].mean().round(2).to_numpy(),
        "评价数": grouped["rating"].count().to_numpy(),
    })
    return result


def customer_360(db: CRMDatabase, customer_id: int) -> dict[str, pd.DataFrame]:
    """客户 360° 视图：一位客户的全部信息，返回一个字典，键是
    ``客户资料``、``联系人``、``订单``、``销售机会``、``服务工单``、``业务活动``、``营销回应``，值是 DataFrame。

    >>> db = connect(":memory:")
    >>> cid = add_customer(db, name="中北大学", city="太原")
    >>> _ = add_contact(db, customer_id=cid, name="张处长", role="决策者")
    >>> view = customer_360(db, cid)
    >>> list(view)
    ['客户资料', '联系人', '订单', '销售机会', '服务工单', '业务活动', '营销回应']
    >>> view["联系人"]["name"].tolist()
    ['张处长']
    """
    with db.engine.connect() as conn:
        _require_row(conn, customers, customer_id, what="客户", field="customer_id")
    view = {}
    for title, statement in customer_360_statements(int(customer_id)).items():
        view[title] = _read(db, statement, statement.get_final_froms()[0])
    return view


_360_PARTS = {"客户资料": customers, "联系人": contacts, "订单": orders, "销售机会": opportunities,
              "服务工单": tickets, "业务活动": activities, "营销回应": campaign_responses}


def customer_360_statements(customer_id: int = 1) -> dict[str, sa.Select]:
    """``customer_360`` 发出的各条查询（供查看执行计划用）。

    >>> sorted(customer_360_statements())[:2]
    ['业务活动', '客户资料']
    """
    latest_first = {"orders": orders.c.order_time.desc(), "activities": activities.c.happened_at.desc(),
                    "tickets": tickets.c.opened_at.desc()}
    statements = {}
    for title, table in _360_PARTS.items():
        order = latest_first.get(table.name)
        statement = sa.select(table).where(table.c.customer_id == customer_id)
        statements[title] = statement.order_by(*([order] if order is not None else table.primary_key.columns))
    return statements
