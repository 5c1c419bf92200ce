"""随课件发放的每张表的结构：列名、类型、单位和中文含义。

这是唯一的来源：``load_dataset`` 用它检查和转换数据，``crm_lab.synth`` 按它生成数据，
``datasets/README.md``（数据字典）也由它生成。
"""

from __future__ import annotations

from dataclasses import dataclass, field

# 数据字典里显示的类型名，以及 load_dataset 转换成的 pandas 类型。
DTYPES = {
    "str": "文本",
    "int": "整数",
    "float": "小数",
    "date": "日期",
    "datetime": "日期时间",
    "bool": "是/否",
    "category": "类别",
}


@dataclass(frozen=True)
class Column:
    """一列的说明。``values`` 是类别列允许的取值（按顺序）；``nullable`` 表示允许空值。"""

    name: str
    dtype: str
    meaning: str
    unit: str = ""
    values: tuple[str, ...] = ()
    nullable: bool = False

    def __post_init__(self):
        if self.dtype not in DTYPES:
            raise ValueError(f"列 {self.name} 的类型 {self.dtype!r} 不在 {sorted(DTYPES)} 之中")
        if (self.dtype == "category") != bool(self.values):
            raise ValueError(f"列 {self.name}：只有类别列（category）要写 values，而且必须写")


@dataclass(frozen=True)
class TableSchema:
    """一张表的说明。``raw=True`` 的表是故意保留原样的“脏”文件（数据清洗练习用）：所有列都是文本，
    ``load_dataset`` 只检查列名、不转换类型；``encoding`` 是文件的编码。"""

    name: str
    title: str
    description: str
    used_by: tuple[str, ...]
    columns: tuple[Column, ...] = field(default_factory=tuple)
    raw: bool = False
    encoding: str = "utf-8-sig"  # 带 BOM 的 UTF-8：学生用 Excel 直接双击打开也不乱码

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


CAMPUS_FAIR_CUSTOMERS = TableSchema(
    name="campus_fair_customers",
    title="校园展销会小店客户名单",
    description="校园展销会小店的 50 位顾客：身份、学院、会员等级、到店次数、消费金额和满意度。",
    used_by=("m0_getting_started",),
    columns=(
        Column("customer_id", "str", "顾客编号，每位顾客唯一"),
        Column("name", "str", "顾客姓名"),
        Column("gender", "str", "性别：男 / 女"),
        Column("identity", "str", "身份：大一学生 / 大二学生 / 大三学生 / 教职工 / 校外访客"),
        Column("college", "str", "所在学院；校外访客记为“校外”"),
        Column("phone", "str", "手机号，已脱敏（中间四位用 * 代替）"),
        Column("first_visit", "date", "第一次在小店消费的日期", "年-月-日"),
        Column("visits", "int", "本学期在小店消费的次数", "次"),
        Column("total_spent", "float", "本学期在小店消费的总金额", "元"),
        Column("favorite_category", "str", "买得最多的商品品类"),
        Column("member_level", "str", "会员等级：非会员 / 普通会员 / 金卡会员"),
        Column("satisfaction", "int", "对小店的总体满意度，1（很不满意）到 5（很满意）", "分"),
    ),
)

CHANNELS = ("展销会现场", "微信小程序", "淘宝店", "抖音直播", "朋友推荐")
MEMBER_LEVELS = ("普通会员", "银卡会员", "金卡会员")
CATEGORIES = ("零食饮料", "文具", "数码配件", "生活日用", "图书", "服饰", "美妆个护")
ORDER_STATUSES = ("已完成", "退货", "已取消")

SHOP_CUSTOMERS = TableSchema(
    name="shop_customers",
    title="校园展销会商城的客户",
    description="校园展销会商城（线下展销会 + 线上小程序/网店）两年来注册的个人客户档案。",
    used_by=("m1_crm_intro", "m3_customer_data", "m4_churn_retention", "m6_crm_marketing",
             "p2_value_segmentation", "p3_customer_database", "p4_data_mining"),
    columns=(
        Column("customer_id", "str", "客户编号，每位客户唯一"),
        Column("name", "str", "客户姓名"),
        Column("gender", "category", "性别", values=("男", "女")),
        Column("age_band", "category", "年龄段", "岁", values=("18-22", "23-30", "31-40", "41-50", "51+")),
        Column("identity", "category", "身份", values=("学生", "教职工", "校外个人")),
        Column("city", "str", "所在城市"),
        Column("district", "str", "所在区"),
        Column("organisation", "str", "学校或工作单位", nullable=True),
        Column("channel", "category", "注册渠道（从哪里认识我们）", values=CHANNELS),
        Column("registered_at", "date", "注册日期", "年-月-日"),
        Column("birth_month", "int", "出生月份（用于生日关怀）", "月"),
        Column("member_level", "category", "当前会员等级", values=MEMBER_LEVELS),
        Column("consent_marketing", "bool", "是否同意接收营销信息（《个人信息保护法》要求取得同意）"),
        Column("phone", "str", "手机号，已脱敏（中间四位用 * 代替）"),
    ),
)

SHOP_PRODUCTS = TableSchema(
    name="shop_products",
    title="校园展销会商城的商品",
    description="商城在售的商品目录，含售价和进价（成本），可以计算毛利。",
    used_by=("m5_key_accounts", "m6_crm_marketing", "p2_value_segmentation", "p4_data_mining"),
    columns=(
        Column("product_id", "str", "商品编号"),
        Column("product_name", "str", "商品名称"),
        Column("category", "category", "商品品类", values=CATEGORIES),
        Column("price", "float", "标价", "元"),
        Column("cost", "float", "进价（成本）", "元"),
    ),
)

SHOP_ORDERS = TableSchema(
    name="shop_orders",
    title="校园展销会商城的订单",
    description="两年的订单（每单一行），和真实网店导出的一样标出了退货和已取消的订单。",
    used_by=("m1_crm_intro", "m4_churn_retention", "m6_crm_marketing", "p2_value_segmentation",
             "p3_customer_database", "p4_data_mining"),
    columns=(
        Column("order_id", "str", "订单号"),
        Column("customer_id", "str", "下单客户的编号，对应 shop_customers"),
        Column("order_time", "datetime", "下单时间", "年-月-日 时:分:秒"),
        Column("channel", "category", "下单渠道", values=("展销会现场", "微信小程序", "淘宝店", "抖音直播")),
        Column("payment", "category", "支付方式", values=("微信支付", "支付宝", "现金")),
        Column("status", "category", "订单状态", values=ORDER_STATUSES),
        Column("amount", "float", "订单实付金额（各行金额之和）", "元"),
    ),
)

SHOP_ORDER_LINES = TableSchema(
    name="shop_order_lines",
    title="校园展销会商城的订单明细",
    description="每个订单里买了哪些商品、买了几件、打了几折（每件商品一行），用于购物篮分析和毛利计算。",
    used_by=("m5_key_accounts", "m6_crm_marketing", "p2_value_segmentation", "p4_data_mining"),
    columns=(
        Column("order_id", "str", "订单号，对应 shop_orders"),
        Column("line_no", "int", "订单内的行号，从 1 开始"),
        Column("product_id", "str", "商品编号，对应 shop_products"),
        Column("quantity", "int", "数量", "件"),
        Column("unit_price", "float", "成交单价（打折前）", "元"),
        Column("discount", "float", "折扣率：0 表示不打折，0.2 表示便宜 20%"),
        Column("line_amount", "float", "本行实付金额 = 数量 × 单价 × (1 − 折扣率)", "元"),
    ),
)

SHOP_TICKETS = TableSchema(
    name="shop_tickets",
    title="校园展销会商城的客服工单",
    description="客户咨询和投诉的工单：类型、渠道、受理和解决时间、满意度评分和投诉原因。",
    used_by=("m4_churn_retention", "e2_business_activities"),
    columns=(
        Column("ticket_id", "str", "工单号"),
        Column("customer_id", "str", "客户编号，对应 shop_customers"),
        Column("order_id", "str", "相关订单号，对应 shop_orders", nullable=True),
        Column("ticket_type", "category", "工单类型", values=("咨询", "投诉", "退换货")),
        Column("contact_channel", "category", "联系渠道", values=("电话", "微信", "现场")),
        Column("opened_at", "datetime", "受理时间", "年-月-日 时:分:秒"),
        Column("resolved_at", "datetime", "解决时间", "年-月-日 时:分:秒"),
        Column("rating", "int", "客户对处理结果的满意度评分，1（很不满意）到 5（很满意）", "分"),
        Column("reason", "category", "问题原因",
               values=("商品质量", "发货慢", "服务态度", "价格", "商品咨询", "其他")),
    ),
)

# ---------------------------------------------------------------- 潜在客户（模块二）

LEAD_SOURCES = ("展销会", "转介绍", "网络广告", "社交媒体", "陌生拜访")
LEAD_STAGES = ("线索", "已联系", "合格", "意向", "成交")

LEADS = TableSchema(
    name="leads",
    title="商城的潜在客户（销售线索）",
    description="两年里收集到的潜在客户：来源、MAN/BANT 资格信息、跟进到了漏斗的哪一步；"
    "成交的线索注册成了商城客户（customer_id 对应 shop_customers，成交日期就是注册日期）。",
    used_by=("m2_prospects", "e2_business_activities"),
    columns=(
        Column("lead_id", "str", "线索编号，每条线索唯一"),
        Column("name", "str", "潜在客户姓名"),
        Column("identity", "category", "身份", values=("学生", "教职工", "校外个人")),
        Column("phone", "str", "手机号，已脱敏（中间四位用 * 代替）"),
        Column("source", "category", "线索来源（从哪里找到的这位潜在客户）", values=LEAD_SOURCES),
        Column("created_at", "date", "获得线索的日期", "年-月-日"),
        Column("owner", "str", "负责跟进的销售顾问"),
        Column("money", "category", "M 购买力：预计每月能在本店花多少钱", values=("低", "中", "高")),
        Column("authority", "category", "A 决策权：买不买能否自己做主",
               values=("无决策权", "需与他人商量", "自己决定")),
        Column("need", "category", "N 需求：对本店商品的需要有多强", values=("弱", "一般", "强")),
        Column("timeline", "category", "T 购买时间（BANT 法则多出的一项）：打算什么时候购买",
               values=("1个月内", "1-3个月", "3个月以上", "不确定")),
        Column("follow_ups", "int", "销售顾问跟进（电话、微信、面谈）的次数", "次"),
        Column("stage_reached", "category", "在销售漏斗里走到的最后一步", values=LEAD_STAGES),
        Column("status", "category", "线索现在的状态", values=("跟进中", "已成交", "已流失")),
        Column("converted_at", "date", "成交（注册成为客户）的日期", "年-月-日", nullable=True),
        Column("customer_id", "str", "成交后的客户编号，对应 shop_customers", nullable=True),
    ),
)

LEAD_SOURCE_COSTS = TableSchema(
    name="lead_source_costs",
    title="各线索来源每月的花费",
    description="每个线索来源每月花了多少钱（展位费、推荐奖励、广告费、人工等），用来计算获客成本。",
    used_by=("m2_prospects",),
    columns=(
        Column("month", "str", "月份", "年-月"),
        Column("source", "category", "线索来源，对应 leads 的 source", values=LEAD_SOURCES),
        Column("spend", "float", "这个月在这个来源上的花费", "元"),
        Column("spend_items", "str", "花费包括哪些项目"),
    ),
)

# ---------------------------------------------------------------- 营销活动（模块六）

CAMPAIGN_TYPES = ("新客欢迎", "促销折扣", "会员关怀", "流失挽回", "生日关怀", "新品推荐", "展会邀请")

CAMPAIGNS = TableSchema(
    name="campaigns",
    title="商城的营销活动",
    description="两年里做过的营销活动：类型、渠道、时间、目标客户的选法、预算和实际花费。"
    "其中一次活动做了 A/B 测试。",
    used_by=("m6_crm_marketing", "p5_marketing_strategy", "e2_business_activities"),
    columns=(
        Column("campaign_id", "str", "活动编号"),
        Column("campaign_name", "str", "活动名称"),
        Column("campaign_type", "category", "活动类型", values=CAMPAIGN_TYPES),
        Column("channel", "category", "触达渠道", values=("短信", "微信公众号", "小程序推送", "电子邮件")),
        Column("start_date", "date", "开始日期", "年-月-日"),
        Column("end_date", "date", "结束日期", "年-月-日"),
        Column("target_rule", "str", "目标客户是怎么从客户数据库里选出来的"),
        Column("ab_test", "bool", "是否做了 A/B 测试（目标客户随机分成 A、B 两组，收到不同内容）"),
        Column("budget", "float", "预算", "元"),
        Column("cost", "float", "实际花费（短信/推送费、优惠券、礼品和设计制作）", "元"),
    ),
)

CAMPAIGN_TARGETS = TableSchema(
    name="campaign_targets",
    title="营销活动的目标客户和响应",
    description="每次活动发给了哪些客户（每位客户一行）、客户有没有响应、有没有因此下单。"
    "只选同意接收营销信息的客户；下单记录对应 shop_orders。",
    used_by=("m6_crm_marketing", "p5_marketing_strategy", "e2_business_activities"),
    columns=(
        Column("campaign_id", "str", "活动编号，对应 campaigns"),
        Column("customer_id", "str", "客户编号，对应 shop_customers"),
        Column("ab_group", "category", "A/B 测试的分组：没做 A/B 测试的活动都是“全部”", values=("全部", "A组", "B组")),
        Column("sent_at", "date", "发送日期", "年-月-日"),
        Column("responded", "bool", "是否响应（点击链接、回复或领取了优惠券）"),
        Column("ordered", "bool", "是否在活动期间用活动优惠下了单"),
        Column("order_id", "str", "活动带来的订单号，对应 shop_orders", nullable=True),
        Column("order_amount", "float", "活动带来的订单金额", "元", nullable=True),
    ),
)

# ---------------------------------------------------------------- 满意度调查（实训1）

SURVEY_PARTS = ("客户基础信息", "对本店商品和服务的认知及满意度", "对竞争对手的认知")
SURVEY_INDICATORS = ("顾客期望", "感知质量", "感知价值", "顾客满意度", "顾客抱怨", "顾客忠诚", "重要性", "表现")

SURVEY_ITEMS = TableSchema(
    name="survey_items",
    title="校园展销会满意度调查问卷的题目",
    description="问卷的每道题一行：在 survey_responses 里的列名、属于问卷的哪一部分、"
    "对应满意度指标体系（仿照美国顾客满意度指数 ACSI）的一级和二级指标、题目原文和量表。",
    used_by=("p1_satisfaction_index",),
    columns=(
        Column("item", "str", "题目在 survey_responses 里的列名"),
        Column("part", "category", "属于问卷的哪一部分", values=SURVEY_PARTS),
        Column("indicator", "category", "一级指标（重要性/表现是 IPA 分析用的两组题）", values=SURVEY_INDICATORS,
               nullable=True),
        Column("sub_indicator", "str", "二级指标", nullable=True),
        Column("question", "str", "题目原文"),
        Column("scale", "str", "作答方式和选项"),
    ),
)

_LIKERT = "1（非常不同意）到 5（非常同意）"
_IPA = "1（很不重要/很差）到 5（很重要/很好）"

SURVEY_RESPONSES = TableSchema(
    name="survey_responses",
    title="校园展销会满意度调查的答卷",
    description="用问卷星收回的答卷（每份一行）。题目见 survey_items；少数题目有人没答（空白）。"
    "留了手机号的答卷已对上商城客户编号。",
    used_by=("p1_satisfaction_index", "m4_churn_retention"),
    columns=(
        Column("respondent_id", "str", "答卷编号"),
        Column("customer_id", "str", "对应的商城客户编号（没留手机号的为空），对应 shop_customers", nullable=True),
        Column("submitted_at", "datetime", "提交时间", "年-月-日 时:分:秒"),
        Column("identity", "category", "身份", values=("学生", "教职工", "校外个人")),
        Column("gender", "category", "性别", values=("男", "女")),
        Column("grade", "category", "年级（不是学生的选“不适用”）", values=("大一", "大二", "大三", "不适用")),
        Column("age_band", "category", "年龄段", "岁", values=("18-22", "23-30", "31-40", "41-50", "51+")),
        Column("visit_frequency", "category", "多久来本店购物一次",
               values=("每周多次", "每周一次", "每月一两次", "很少")),
        *(Column(f"expect_{i}", "int", f"顾客期望第 {i} 题，{_LIKERT}", "分", nullable=True) for i in (1, 2, 3)),
        *(Column(f"quality_{i}", "int", f"感知质量第 {i} 题，{_LIKERT}", "分", nullable=True) for i in range(1, 6)),
        *(Column(f"value_{i}", "int", f"感知价值第 {i} 题，{_LIKERT}", "分", nullable=True) for i in (1, 2, 3)),
        *(Column(f"satisfaction_{i}", "int", f"顾客满意度第 {i} 题，{_LIKERT}", "分", nullable=True)
          for i in (1, 2, 3)),
        *(Column(f"complaint_{i}", "int", f"顾客抱怨第 {i} 题，{_LIKERT}（分越高抱怨越多）", "分", nullable=True)
          for i in (1, 2)),
        *(Column(f"loyalty_{i}", "int", f"顾客忠诚第 {i} 题，{_LIKERT}", "分", nullable=True) for i in (1, 2, 3)),
        *(Column(f"{kind}_{attr}", "int", f"{label}：{name}，{_IPA}", "分", nullable=True)
          for kind, label in (("imp", "重要程度"), ("perf", "本店表现"))
          for attr, name in (("goods", "商品质量"), ("variety", "商品种类"), ("price", "价格"),
                             ("service", "服务态度"), ("checkout", "结账速度"), ("environment", "摊位环境"),
                             ("promotion", "优惠活动"), ("online", "线上下单和配送"))),
        Column("nps", "int", "向同学或朋友推荐本店的可能性，0（完全不可能）到 10（非常可能）", "分", nullable=True),
        Column("competitor", "category", "除了本店，最常去哪里买同类商品",
               values=("校内超市", "外卖平台", "淘宝京东等网店", "拼多多", "校外商圈")),
        Column("competitor_advantage", "category", "这个竞争对手比本店强在哪里",
               values=("价格更低", "商品更多", "更方便", "送货更快", "没有优势")),
        Column("competitor_compare", "int", "和这个竞争对手相比，本店总体怎么样，1（差很多）到 5（好很多）", "分",
               nullable=True),
        Column("comment", "str", "意见和建议（选填）", nullable=True),
    ),
)

# ---------------------------------------------------------------- 企业/团体客户（模块五、实验一/二）

B2B_INDUSTRIES = ("高校院系", "中小学", "食堂", "连锁超市", "餐饮企业", "公用事业", "企业", "物业")
BUYING_ROLES = ("决策者", "影响者", "使用者", "采购者", "把关者")
OPPORTUNITY_STAGES = ("初步接触", "需求确认", "方案报价", "谈判", "赢单", "输单")
PRODUCT_LINES = ("办公文具", "日用品", "饮料零食", "数码配件", "节日礼品")

B2B_ACCOUNTS = TableSchema(
    name="b2b_accounts",
    title="企业和团体客户",
    description="向商城批量采购（团购）的单位客户：学校院系、食堂、连锁超市、餐饮企业、供水集团、公司等。",
    used_by=("m5_key_accounts", "e1_accounts_contacts", "e2_business_activities"),
    columns=(
        Column("account_id", "str", "客户编号"),
        Column("account_name", "str", "单位名称"),
        Column("industry", "category", "行业类型", values=B2B_INDUSTRIES),
        Column("size", "category", "单位规模", values=("小型", "中型", "大型")),
        Column("city", "str", "所在城市"),
        Column("district", "str", "所在区"),
        Column("phone", "str", "单位电话，已脱敏"),
        Column("owner", "str", "负责这个客户的客户经理"),
        Column("created_at", "date", "建立客户档案的日期", "年-月-日"),
    ),
)

B2B_CONTACTS = TableSchema(
    name="b2b_contacts",
    title="企业和团体客户的联系人",
    description="单位客户里打过交道的人（平均每家约 3 位）：职务和在采购中扮演的角色（采购中心）。",
    used_by=("m5_key_accounts", "e1_accounts_contacts", "e2_business_activities"),
    columns=(
        Column("contact_id", "str", "联系人编号"),
        Column("account_id", "str", "所属单位，对应 b2b_accounts"),
        Column("name", "str", "姓名"),
        Column("gender", "category", "性别", values=("男", "女")),
        Column("title", "str", "职务"),
        Column("role", "category", "在采购中心里的角色", values=BUYING_ROLES),
        Column("phone", "str", "手机号，已脱敏（中间四位用 * 代替）"),
        Column("is_primary", "bool", "是否主要联系人（每家单位一位）"),
    ),
)

B2B_OPPORTUNITIES = TableSchema(
    name="b2b_opportunities",
    title="企业和团体客户的销售机会",
    description="每个销售机会（商机）一行：预计金额、走到了哪个阶段、赢单概率、负责人、创建和结束日期。",
    used_by=("m5_key_accounts", "e2_business_activities"),
    columns=(
        Column("opportunity_id", "str", "销售机会编号"),
        Column("account_id", "str", "客户编号，对应 b2b_accounts"),
        Column("opportunity_name", "str", "销售机会名称"),
        Column("product_line", "category", "产品线", values=PRODUCT_LINES),
        Column("stage", "category", "当前阶段", values=OPPORTUNITY_STAGES),
        Column("amount", "float", "预计金额", "元"),
        Column("probability", "int", "赢单概率（按阶段给定；赢单 100，输单 0）", "%"),
        Column("owner", "str", "负责的客户经理"),
        Column("created_at", "date", "创建日期", "年-月-日"),
        Column("closed_at", "date", "赢单或输单的日期（还在跟进的为空）", "年-月-日", nullable=True),
        Column("lost_reason", "category", "输单原因", values=("价格太高", "选了竞争对手", "需求取消", "没找到拍板的人"),
               nullable=True),
    ),
)

B2B_ACTIVITIES = TableSchema(
    name="b2b_activities",
    title="对企业和团体客户的业务活动",
    description="客户经理的每次拜访、电话、邮件、产品演示和微信沟通：和谁、为哪个销售机会、结果如何。",
    used_by=("m5_key_accounts", "e2_business_activities"),
    columns=(
        Column("activity_id", "str", "活动编号"),
        Column("account_id", "str", "客户编号，对应 b2b_accounts"),
        Column("contact_id", "str", "联系人编号，对应 b2b_contacts"),
        Column("opportunity_id", "str", "销售机会编号，对应 b2b_opportunities（日常维护为空）", nullable=True),
        Column("activity_type", "category", "活动方式", values=("拜访", "电话", "邮件", "产品演示", "微信")),
        Column("activity_date", "date", "日期", "年-月-日"),
        Column("owner", "str", "客户经理"),
        Column("outcome", "category", "结果", values=("有进展", "待跟进", "无进展")),
        Column("note", "str", "活动记录"),
    ),
)

B2B_ORDERS = TableSchema(
    name="b2b_orders",
    title="企业和团体客户的成交订单",
    description="两年里单位客户的成交订单：赢单带来的订单和框架协议下的定期补货，含销售额和成本，可以算毛利。",
    used_by=("m5_key_accounts", "e2_business_activities"),
    columns=(
        Column("b2b_order_id", "str", "订单号"),
        Column("account_id", "str", "客户编号，对应 b2b_accounts"),
        Column("opportunity_id", "str", "来自哪个销售机会，对应 b2b_opportunities（定期补货为空）", nullable=True),
        Column("order_date", "date", "下单日期", "年-月-日"),
        Column("product_line", "category", "产品线", values=PRODUCT_LINES),
        Column("revenue", "float", "销售额", "元"),
        Column("cost", "float", "成本（进货、配送和给客户的折让）", "元"),
    ),
)

# ---------------------------------------------------------------- 模块三的脏数据和模块七的行业案例

M3 = ("m3_customer_data",)
M7 = ("m7_industry_cases",)

MESSY_CUSTOMERS = TableSchema(
    name="messy_customers",
    title="从 Excel 导出的客户登记表（未整理）",
    description="商城前台用 Excel 登记的部分客户（与 shop_customers 是同一批人），按原样导出成 GBK 编码的 CSV，"
                "导出日期 2026-09-01。这个文件故意没有整理过，是数据清洗的练习材料：读入时所有列都是文本。",
    used_by=M3,
    raw=True,
    encoding="gbk",
    columns=(
        Column("客户编号", "str", "客户编号，对应 shop_customers 的 customer_id"),
        Column("姓名", "str", "客户姓名"),
        Column("性别", "str", "性别：男 / 女"),
        Column("年龄", "str", "年龄（周岁）", "岁"),
        Column("身份", "str", "学生 / 教职工 / 校外个人"),
        Column("城市", "str", "所在城市"),
        Column("区", "str", "所在区（或街道、片区）"),
        Column("学校或单位", "str", "学校或工作单位，可以不填"),
        Column("注册渠道", "str", "从哪里认识我们"),
        Column("注册日期", "str", "注册日期"),
        Column("出生月份", "str", "出生月份，1 到 12", "月"),
        Column("会员等级", "str", "普通会员 / 银卡会员 / 金卡会员"),
        Column("同意营销", "str", "是否同意接收营销信息：是 / 否"),
        Column("手机号", "str", "手机号，已脱敏（中间四位用 * 代替）"),
    ),
)

MESSY_CUSTOMERS_CLEAN = TableSchema(
    name="messy_customers_clean",
    title="客户登记表的标准答案（整理后）",
    description="messy_customers 里每位客户的真实资料，格式同 shop_customers，另加真实年龄 age："
                "用来检查自己清洗的结果对不对。",
    used_by=M3,
    columns=(*SHOP_CUSTOMERS.columns[:4], Column("age", "int", "年龄（周岁）", "岁"), *SHOP_CUSTOMERS.columns[4:]),
)

MFG_REGIONS = ("华南", "华东", "华北", "华中", "西南")
MFG_DEALERS = TableSchema(
    name="mfg_dealers",
    title="制造业案例：空调厂的经销商",
    description="一家空调制造企业（虚构的“南粤冷气”）的经销商档案：大区、城市、一级 / 二级经销商、"
                "开始和终止合作的日期。",
    used_by=M7,
    columns=(
        Column("dealer_id", "str", "经销商编号"),
        Column("dealer_name", "str", "经销商名称"),
        Column("region", "category", "所属销售大区", values=MFG_REGIONS),
        Column("city", "str", "所在城市"),
        Column("level", "category", "经销商级别：一级经销商直接向厂家进货，二级经销商规模较小",
               values=("一级经销商", "二级经销商")),
        Column("since", "date", "开始合作的日期", "年-月-日"),
        Column("left_at", "date", "终止合作的日期；空表示仍在合作", "年-月-日", nullable=True),
    ),
)

MFG_ORDERS = TableSchema(
    name="mfg_orders",
    title="制造业案例：经销商的进货订单",
    description="2023 年 9 月到 2026 年 8 月三年里经销商向厂家下的进货订单（每单一个产品线）。",
    used_by=M7,
    columns=(
        Column("order_id", "str", "订单号"),
        Column("dealer_id", "str", "经销商编号，对应 mfg_dealers"),
        Column("order_date", "date", "下单日期", "年-月-日"),
        Column("product_line", "category", "产品线", values=("家用空调", "商用空调", "空气净化器", "新风系统")),
        Column("quantity", "int", "数量", "台"),
        Column("amount", "float", "订单金额（出厂价）", "元"),
    ),
)

MFG_SERVICE = TableSchema(
    name="mfg_service",
    title="制造业案例：经销商服务请求",
    description="经销商向厂家提出的服务请求（技术支持、配件、退换货、订单查询）以及厂家的响应时间和满意度。"
                "厂家在 2025 年 1 月上线了“网上服务平台”（客户服务 E 化）。",
    used_by=M7,
    columns=(
        Column("request_id", "str", "请求编号"),
        Column("dealer_id", "str", "经销商编号，对应 mfg_dealers"),
        Column("opened_at", "datetime", "提出请求的时间", "年-月-日 时:分:秒"),
        Column("channel", "category", "提出请求的渠道", values=("电话", "传真", "网上服务平台")),
        Column("request_type", "category", "请求类型", values=("技术支持", "配件申请", "退换货", "订单查询")),
        Column("response_hours", "float", "从提出请求到厂家第一次答复的时间", "小时"),
        Column("satisfaction", "int", "经销商对这次服务的满意度，1（很不满意）到 5（很满意）", "分"),
    ),
)

REALESTATE_CHANNELS = ("自然到访", "中介", "网络", "老带新", "户外广告")
REALESTATE_LEADS = TableSchema(
    name="realestate_leads",
    title="房地产案例：售楼处来访客户",
    description="一个楼盘（虚构的“云山雅苑”）售楼处一年里的来访客户：从哪个渠道来、置业目的、预算、"
                "置业顾问跟进了几次、最后是否成交。",
    used_by=M7,
    columns=(
        Column("lead_id", "str", "来访客户编号"),
        Column("visit_date", "date", "第一次到售楼处的日期", "年-月-日"),
        Column("channel", "category", "客户从哪个渠道来", values=REALESTATE_CHANNELS),
        Column("age_band", "category", "年龄段", "岁", values=("25岁以下", "26-35", "36-45", "46岁以上")),
        Column("purpose", "category", "置业目的", values=("首次置业", "改善置业", "投资")),
        Column("budget_wan", "float", "客户自报的购房预算", "万元"),
        Column("follow_ups", "int", "置业顾问跟进（电话、微信、再次到访）的次数", "次"),
        Column("deal", "bool", "是否成交（签约）"),
        Column("deal_date", "date", "签约日期；未成交为空", "年-月-日", nullable=True),
        Column("deal_amount_wan", "float", "成交金额；未成交为空", "万元", nullable=True),
    ),
)

REALESTATE_CHANNEL_COSTS = TableSchema(
    name="realestate_channel_costs",
    title="房地产案例：各渠道的费用",
    description="同一年里每个获客渠道花的钱（广告费、中介佣金、老带新奖励、售楼处接待费用），可以算每个来访客户和每套成交的成本。",
    used_by=M7,
    columns=(
        Column("channel", "category", "获客渠道", values=REALESTATE_CHANNELS),
        Column("cost", "float", "一年的总费用", "元"),
        Column("cost_basis", "str", "费用怎么算的"),
    ),
)

AIRLINE_MEMBERS = TableSchema(
    name="airline_members",
    title="航空业案例：常旅客会员",
    description="一家航空公司常旅客计划的会员（虚构），观察窗口为 2024-04-01 到 2026-03-31 两年。"
                "列名沿用教材里航空公司客户价值分析案例的写法（FFP_DATE、LOAD_TIME 等改成小写），"
                "可以直接做 LRFMC 分析。",
    used_by=M7,
    columns=(
        Column("member_id", "str", "会员卡号"),
        Column("ffp_date", "date", "入会日期（FFP_DATE）", "年-月-日"),
        Column("load_time", "date", "观察窗口的结束日期（LOAD_TIME），所有会员相同", "年-月-日"),
        Column("last_flight_date", "date", "最后一次乘机的日期（LAST_FLIGHT_DATE）", "年-月-日"),
        Column("flight_count", "int", "观察窗口内的乘机次数（FLIGHT_COUNT）", "次"),
        Column("seg_km_sum", "int", "观察窗口内的总飞行里程（SEG_KM_SUM）", "公里"),
        Column("avg_discount", "float",
               "平均折扣系数（avg_discount）：所乘舱位的折扣率平均值，1.0 表示全价，越高越值钱"),
        Column("sum_yr_1", "float", "观察窗口第一年（2024-04-01 至 2025-03-31）的票价收入（SUM_YR_1）", "元",
               nullable=True),
        Column("sum_yr_2", "float", "观察窗口第二年（2025-04-01 至 2026-03-31）的票价收入（SUM_YR_2）", "元",
               nullable=True),
        Column("gender", "category", "性别", values=("男", "女")),
        Column("age", "int", "年龄（入会时登记）", "岁", nullable=True),
        Column("work_city", "str", "工作地所在城市", nullable=True),
        Column("ffp_tier", "category", "会员卡级别", values=("普通卡", "银卡", "金卡", "白金卡")),
    ),
)

LOGISTICS_COMPLAINTS = ("无", "延误", "货物破损", "服务态度", "信息不及时")
LOGISTICS_CUSTOMERS = TableSchema(
    name="logistics_customers",
    title="物流业案例：签约发货客户",
    description="一家物流公司（虚构的“顺畅物流”）2025 年的签约发货客户（企业），以及它们 2026 年是否续约。",
    used_by=M7,
    columns=(
        Column("customer_id", "str", "客户编号"),
        Column("company_name", "str", "客户公司名称"),
        Column("industry", "category", "客户所在行业", values=("电商", "制造", "零售", "医药", "食品")),
        Column("city", "str", "客户所在城市"),
        Column("since", "date", "开始合作的日期", "年-月-日"),
        Column("renewed", "bool", "2026 年是否续签合同（True 表示留下来了）"),
    ),
)

LOGISTICS_SHIPMENTS = TableSchema(
    name="logistics_shipments",
    title="物流业案例：2025 年的运单",
    description="签约客户 2025 年每一票货：发货和送达日期、承诺的送达日期、是否准时、有没有投诉。",
    used_by=M7,
    columns=(
        Column("shipment_id", "str", "运单号"),
        Column("customer_id", "str", "发货客户编号，对应 logistics_customers"),
        Column("ship_date", "date", "发货日期", "年-月-日"),
        Column("destination", "str", "目的城市"),
        Column("weight_kg", "float", "货物重量", "千克"),
        Column("fee", "float", "运费", "元"),
        Column("promised_date", "date", "承诺送达的日期", "年-月-日"),
        Column("delivered_date", "date", "实际送达的日期", "年-月-日"),
        Column("on_time", "bool", "是否准时送达（实际送达不晚于承诺日期）"),
        Column("complaint", "category", "客户对这票货的投诉；“无”表示没有投诉", values=LOGISTICS_COMPLAINTS),
        Column("resolution_hours", "float", "投诉从受理到处理完毕（客户确认）用了多久；没有投诉为空", "小时",
               nullable=True),
    ),
)

TRAVEL_ROUTES = ("桂林山水4日", "云南昆大丽6日", "海南三亚5日", "西安古都4日", "张家界凤凰5日", "厦门鼓浪屿3日",
                 "北京深度5日", "新疆伊犁8日")
TRAVEL_BOOKINGS = TableSchema(
    name="travel_bookings",
    title="旅游业案例：旅行社的订单",
    description="一家旅行社（虚构的“悦行旅游”）2024 年到 2026 年上半年的跟团游订单；同一位客户可能报名多次。",
    used_by=M7,
    columns=(
        Column("booking_id", "str", "订单号"),
        Column("customer_id", "str", "客户编号（同一位客户每次报名都用同一个编号）"),
        Column("booked_at", "date", "报名日期", "年-月-日"),
        Column("route", "category", "线路", values=TRAVEL_ROUTES),
        Column("departure_date", "date", "出发日期", "年-月-日"),
        Column("travellers", "int", "这张订单的出行人数", "人"),
        Column("amount", "float", "订单金额", "元"),
        Column("channel", "category", "报名渠道", values=("门店", "官网", "微信小程序", "OTA平台", "电话")),
    ),
)

TRAVEL_REVIEWS = TableSchema(
    name="travel_reviews",
    title="旅游业案例：游客点评",
    description="行程结束后游客写的点评：评分和一段文字。不是每张订单都有点评。",
    used_by=M7,
    columns=(
        Column("review_id", "str", "点评编号"),
        Column("booking_id", "str", "订单号，对应 travel_bookings"),
        Column("reviewed_at", "date", "点评日期", "年-月-日"),
        Column("rating", "int", "总体评分，1（很差）到 5（很好）", "分"),
        Column("review_text", "str", "点评内容"),
    ),
)

CASE_SCHEMAS = (MESSY_CUSTOMERS, MESSY_CUSTOMERS_CLEAN, MFG_DEALERS, MFG_ORDERS, MFG_SERVICE, REALESTATE_LEADS,
                REALESTATE_CHANNEL_COSTS, AIRLINE_MEMBERS, LOGISTICS_CUSTOMERS, LOGISTICS_SHIPMENTS, TRAVEL_BOOKINGS,
                TRAVEL_REVIEWS)

SCHEMAS: dict[str, TableSchema] = {
    s.name: s
    for s in (
        CAMPUS_FAIR_CUSTOMERS, SHOP_CUSTOMERS, SHOP_PRODUCTS, SHOP_ORDERS, SHOP_ORDER_LINES, SHOP_TICKETS,
        LEADS, LEAD_SOURCE_COSTS, CAMPAIGNS, CAMPAIGN_TARGETS, SURVEY_ITEMS, SURVEY_RESPONSES,
        B2B_ACCOUNTS, B2B_CONTACTS, B2B_OPPORTUNITIES, B2B_ACTIVITIES, B2B_ORDERS,
        *CASE_SCHEMAS,
    )
}
