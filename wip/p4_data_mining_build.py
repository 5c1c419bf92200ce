# ruff: noqa: E501
import re

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

cells = []
SLIDE = {"slideshow": {"slide_type": "slide"}}
SUB = {"slideshow": {"slide_type": "subslide"}}


def md(text, meta=None):
    """A markdown cell; a plain one is split before each inner ## / ### heading, so that every heading opens its own
    cell (and its own slide)."""
    parts = [text] if meta else re.split(r"\n(?=#{2,3} )", text.strip("\n"))
    for part in parts:
        if part.strip():
            cells.append(new_markdown_cell(part.strip("\n"), metadata=meta or {}))


def code(text, meta=None):
    cells.append(new_code_cell(text.strip("\n"), metadata=meta or {}))


def answer(grade_id, text):
    code(text, {"nbgrader": {"grade": False, "grade_id": grade_id, "locked": False, "schema_version": 3,
                             "solution": True, "task": False}})


def test(grade_id, points, text):
    code(text, {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": True, "points": points,
                             "schema_version": 3, "solution": False, "task": False},
                "slideshow": {"slide_type": "skip"}})


def manual(grade_id, points, text):
    md(text, {"nbgrader": {"grade": True, "grade_id": grade_id, "locked": False, "points": points,
                           "schema_version": 3, "solution": True, "task": False},
              "slideshow": {"slide_type": "skip"}})



# ============================================================================ 标题
md("""
# 实训4 校园展销会客户信息的数据挖掘

**实训任务：** 校园展销会客户信息的数据挖掘——用校园展销会商城两年的订单、订单明细、商品和客户资料，
用数据挖掘的方法找出**产品新的卖点**（哪些商品经常一起买、哪些客户是一类人、谁会买什么），帮助公司做市场营销策略的决策。

**学习目标（实训目的）**

能力目标：学生能够根据相应的数据挖掘工具和方法对校园展销会的客户信息进行挖掘，以找出产品新的卖点。

知识目标：1、数据挖掘　2、数据挖掘技术（关联规则、聚类、决策树）　3、数据挖掘的应用（组合套餐、商品陈列、交叉销售、精准推荐）

**重点：** 购物篮分析——支持度、置信度、提升度的含义和计算，用它们挑选有用的规则，并把规则变成新卖点。
**难点：** 提升度的解读（置信度高不等于有用）；客户聚类的命名；决策树的特征和标签按截止日期分开（不偷看未来）。

**小组分工（实训步骤 1）：** 全班分成若干小组，每组 4～5 人，选出一名组长负责本组的组织工作。建议分工：
组长（组织、进度、汇报）、数据员（运行和检查代码、核对数字）、关联分析员（第 2～4 节：规则和新卖点）、
客户分析员（第 5～6 节：聚类和决策树）、记录员（把发现写成第 7 节的建议书，整理要交的文件）。4 人的组由组长兼任记录员。

**实训步骤（对照实训指导书）：** ① 分组、选组长；② 根据展销会的信息和数据库资料，用科学的方法做数据挖掘
（第 1～6 节）；③ 老师列出的数字与项目（本笔记本的练习）每人亲自操作，发现其中存在的规律；④ 交作业，教师讲评（第 7～8 节）。

**要交的东西（实训结果）：** 数据挖掘后的结果——本笔记本（练习全部通过）、文件夹里的 **`数据挖掘结果.xlsx`**
（强关联规则、新卖点表、客户分群、营销建议四张表），以及两份书面作业：**新卖点报告**和**营销建议书**。

本笔记本：① 认识数据挖掘 → ② 手算支持度、置信度、提升度（重点）→ ③ 商城的购物篮：Apriori 与 FP-growth
→ ④ 新卖点：组合套餐、陈列、交叉销售（重点）→ ⑤ 客户聚类（难点）→ ⑥ 决策树：谁会买图书（难点）
→ ⑦ 从发现到建议 → ⑧ 小组作业与提交 → 用你自己的数据 → 本章小结和思考题。建议用时 6～8 学时。
""")

md("""
先导入工具包，读入商城的四张表。订单明细 `order_lines` 只有订单号，所以先把订单的客户、时间、状态和商品的名称、品类、
价格接到每一行上，后面各节都用这张 `lines`。
""")

code("""
import time
from pathlib import Path

import pandas as pd
from sklearn.tree import DecisionTreeClassifier

import crm_lab
from crm_lab import basket as bk
from crm_lab import mining, plots, read_table, segment, value

plots.use_chinese_font()
customers = crm_lab.load_dataset("shop_customers")
orders = crm_lab.load_dataset("shop_orders")
order_lines = crm_lab.load_dataset("shop_order_lines")
products = crm_lab.load_dataset("shop_products")
lines = (order_lines.merge(orders[["order_id", "customer_id", "order_time", "status"]], on="order_id")
         .merge(products[["product_id", "product_name", "category", "price", "cost"]], on="product_id"))
done_lines = lines[lines["status"] == "已完成"]
print(f"客户 {len(customers)} 位，订单 {len(orders)} 单，订单明细 {len(order_lines)} 行，商品 {len(products)} 种")
print(f"已完成订单的明细 {len(done_lines)} 行（退货和已取消的 {len(lines) - len(done_lines)} 行不算购买）")
""")

# ============================================================================ 1
md("""
## 1. 认识数据挖掘

**数据挖掘（Data Mining）** 是从大量数据中找出有效的、新颖的、有潜在用处的、最终能被人理解的模式的过程
（Fayyad, Piatetsky-Shapiro & Smyth, 1996，*AI Magazine* 17(3)）。在客户关系管理里，它回答的是“客户数据里藏着什么规律，
能让我们卖得更好、服务得更好”。

| 数据挖掘技术 | 回答的问题 | 在 CRM 里的应用 | 本笔记本 |
|---|---|---|---|
| 关联规则（购物篮分析） | 哪些商品经常一起买？ | 组合套餐、商品陈列、交叉销售 | 第 2～4 节 |
| 聚类 | 哪些客户是同一类人？ | 客户细分、差异化营销 | 第 5 节 |
| 分类（决策树） | 什么样的客户会买某类商品？ | 精准推荐、流失预警、潜在客户评分 | 第 6 节 |

做一次数据挖掘的步骤（CRISP-DM，Chapman et al., 2000）：**业务理解 → 数据理解 → 数据准备 → 建模 → 评估 → 部署**。
本实训的“业务理解”就是实训目的：**找出产品新的卖点**；“部署”就是第 7 节的营销建议。先做“数据理解”：一个订单里通常有几种商品？
""")

code("""
items_per_order = done_lines.groupby("order_id")["product_id"].nunique()
print(f"已完成的订单 {len(items_per_order)} 单，平均每单 {items_per_order.mean():.2f} 种商品；"
      f"只有 1 种商品的订单占 {(items_per_order == 1).mean():.1%}，有 2 种及以上的占 {(items_per_order >= 2).mean():.1%}")
ax = items_per_order.clip(upper=8).value_counts().sort_index().plot.bar(figsize=(7, 3.2), color="#4C72B0", rot=0)
ax.set_title("每个订单里有几种商品（8 种及以上合为一栏）")
ax.set_xlabel("订单里的商品种数")
ax.set_ylabel("订单数")
""")

md("""
只有一种商品的订单里不可能出现“一起买”，所以“一起买”的规律只能从多商品的订单里找；但计算比例时，分母仍是**全部订单**。
""")

# ============================================================================ 2
md("""
## 2. 购物篮分析：手算支持度、置信度、提升度（**重点**）

**购物篮分析（Market Basket Analysis）** 把每个订单看成一个“篮子”，找出经常一起出现在篮子里的商品。规则写成
**A → B**（买了 A，也买 B；A 叫前项，B 叫后项）。三个指标（Agrawal, Imieliński & Swami, 1993；Brin et al., 1997），n 是订单总数：

* **支持度（support）** support(A→B) = 同时含 A 和 B 的订单数 ÷ n ——这个组合常不常见；
* **置信度（confidence）** confidence(A→B) = support(A→B) ÷ support(A) ——**买了 A 的订单**里有多大比例也买了 B；
* **提升度（lift）** lift(A→B) = confidence(A→B) ÷ support(B) ——买了 A 之后买 B 的可能，是平时（所有订单里买 B 的比例）的几倍。
  lift > 1：A 带动 B；lift ≈ 1：两者无关；lift < 1：两者互相“排斥”。

先在展销会小店一个下午的几张小票上手算。每张小票一行，买了就是 True：
""")

code("""
tickets = [["面包", "牛奶", "鸡蛋"], ["面包", "牛奶"], ["面包", "可乐", "薯片"], ["牛奶", "鸡蛋"],
           ["面包", "牛奶", "薯片"], ["可乐", "薯片"], ["面包", "鸡蛋"], ["牛奶", "可乐", "薯片"]]
small = pd.DataFrame([{item: 1 for item in t} for t in tickets], index=[f"T{i}" for i in range(1, 9)]).notna()
small = small[["面包", "牛奶", "鸡蛋", "薯片", "可乐"]]
small
""")

md("""
**例子：** 规则 面包 → 牛奶。True 当作 1，一列的平均值就是“含这种商品的小票占比”，即支持度；两列用 `&` 连起来就是“两样都买了”。
""")

code("""
n = len(small)
item_support_small = small.mean()
both = (small["面包"] & small["牛奶"]).mean()
conf_bread_milk = both / item_support_small["面包"]
lift_bread_milk = conf_bread_milk / item_support_small["牛奶"]
print(f"支持度(面包→牛奶) = {int(both * n)} ÷ {n} = {both:.3f}")
print(f"置信度(面包→牛奶) = {both:.3f} ÷ support(面包) {item_support_small['面包']:.3f} = {conf_bread_milk:.3f}")
print(f"提升度(面包→牛奶) = {conf_bread_milk:.3f} ÷ support(牛奶) {item_support_small['牛奶']:.3f} = {lift_bread_milk:.3f}")
verdict = "买了面包反而更不容易买牛奶：两样都常见，一起出现只是碰巧" if lift_bread_milk < 1 else "面包带动了牛奶"
print(f"读法：{verdict}。")
""")

md("""
面包和牛奶一起出现的小票不少（支持度不低），置信度看上去也不错，可是提升度说明它们**并没有互相带动**：牛奶本来就有那么多人买。
这就是只看置信度会上当的地方。

### 练习 1：手算 薯片 → 可乐（2 分）

照上面的例子，用 `small` 手算规则 **薯片 → 可乐** 的支持度 `support_chips_cola`、置信度 `confidence_chips_cola` 和提升度
`lift_chips_cola`（都是小数，不是百分数）。
""")

answer("p4_ex1_rule_by_hand", """
### BEGIN SOLUTION
support_chips_cola = (small["薯片"] & small["可乐"]).mean()
confidence_chips_cola = support_chips_cola / small["薯片"].mean()
lift_chips_cola = confidence_chips_cola / small["可乐"].mean()
### END SOLUTION
print(f"支持度 {support_chips_cola:.3f}，置信度 {confidence_chips_cola:.3f}，提升度 {lift_chips_cola:.3f}")
""")

test("p4_ex1_rule_by_hand_test", 2, """
assert 0 < support_chips_cola <= 1 and 0 < confidence_chips_cola <= 1, "支持度和置信度都是 0～1 之间的小数：用 .mean() 算比例，不要乘 100。"
assert abs(confidence_chips_cola - support_chips_cola / small["可乐"].mean()) > 1e-9, "置信度的分母是前项（薯片）的支持度，不是后项（可乐）的：你算的是 可乐 → 薯片 的置信度。"
assert abs(lift_chips_cola - confidence_chips_cola) > 1e-9, "提升度 = 置信度 ÷ 后项（可乐）的支持度：还要再除一次。"
### BEGIN HIDDEN TESTS
_n = len(tickets)
_both = sum("薯片" in t and "可乐" in t for t in tickets) / _n
_chips = sum("薯片" in t for t in tickets) / _n
_cola = sum("可乐" in t for t in tickets) / _n
assert abs(support_chips_cola - _both) < 1e-9
assert abs(confidence_chips_cola - _both / _chips) < 1e-9
assert abs(lift_chips_cola - _both / _chips / _cola) < 1e-9
### END HIDDEN TESTS
""")

md("""
手算的结果要和工具一致。`crm_lab.mining` 把同样的计算交给 mlxtend 库：`basket_matrix` 把“每行一件商品”的明细变成
上面那样的购物篮矩阵，`frequent_itemsets` 找出支持度够高的组合，`association_rules` 算出每条规则的三个指标。
""")

code("""
small_lines = pd.DataFrame([(t, item) for t, items in zip(small.index, tickets) for item in items],
                           columns=["order_id", "product_id"])
small_sets = mining.frequent_itemsets(mining.basket_matrix(small_lines), min_support=0.25, algorithm="apriori")
small_rules = mining.association_rules(small_sets, min_threshold=0)
small_table = mining.rules_table(small_rules)
print(f"工具找到 {len(small_rules)} 条规则，其中 面包 → 牛奶：")
print(small_table[(small_table["前项"] == "面包") & (small_table["后项"] == "牛奶")])
print("在 small_table 里找到 薯片 → 可乐 这一行，核对你在练习 1 的手算结果。")
""")

# ============================================================================ 3
md("""
## 3. 商城的购物篮：Apriori 与 FP-growth

商城两年的订单就不能手算了。先用 `basket_matrix` 把订单明细变成购物篮矩阵：每个订单一行、每种商品一列。
`status="status"` 让它排除退货和已取消的订单（并报告排除了多少行），`items=products` 让列名显示商品名称。
""")

code("""
basket = mining.basket_matrix(lines, items=products, status="status")
report = basket.attrs["report"]
print(f"购物篮矩阵：{report['订单数']} 个订单 × {report['商品数']} 种商品；排除退货/取消的明细 {report['排除的退货/取消行']} 行；"
      f"只有 {report['非空格子占比']:.1%} 的格子是 True（大多数订单只买了几种）")
item_support = pd.Series(basket.sparse.to_dense().mean(), name="支持度").sort_values(ascending=False)
print(item_support.head(8).round(3))
print(f"例子：支持度 ≥ 0.05 的单个商品有 {(item_support >= 0.05).sum()} 种（True 当作 1，求和就是“有几个”）")
""")

md("""
**两种算法，同一个答案。** 几十种商品的两两组合就有上千个，三三组合更多，不能全数一遍。

* **Apriori**（Agrawal & Srikant, 1994）一层一层找：先找频繁的单个商品，再只用它们拼成两两组合去数，再拼三个的……
  靠的是 **Apriori 性质**：一个组合是频繁的，它的每个子集也一定是频繁的；反过来，不频繁的商品和谁组合都不可能频繁，直接排除。
* **FP-growth**（Han, Pei & Yin, 2000）把全部订单压缩成一棵“频繁模式树”（FP 树），在树上直接长出频繁组合，不用一层层生成候选组合。

下面把最小支持度设得很低（0.1%），两种算法各跑一次，计时，并检查找到的组合和支持度是否完全一样：
""")

code("""
MIN_SUPPORT = 0.001
found, seconds = {}, {}
for algorithm in ("apriori", "fpgrowth"):
    start = time.perf_counter()
    found[algorithm] = mining.frequent_itemsets(basket, min_support=MIN_SUPPORT, algorithm=algorithm)
    seconds[algorithm] = time.perf_counter() - start
by_apriori = found["apriori"].set_index("itemsets")["support"]
by_fpgrowth = found["fpgrowth"].set_index("itemsets")["support"]
same = set(by_apriori.index) == set(by_fpgrowth.index) and (by_apriori - by_fpgrowth[by_apriori.index]).abs().max() < 1e-12
print(f"Apriori 找到 {len(by_apriori)} 个频繁项集，用时 {seconds['apriori']:.2f} 秒；"
      f"FP-growth 找到 {len(by_fpgrowth)} 个，用时 {seconds['fpgrowth']:.2f} 秒")
print(f"两种算法的结果完全相同：{same}；按长度：{found['fpgrowth']['length'].value_counts().sort_index().to_dict()}")
faster = "FP-growth" if seconds["fpgrowth"] < seconds["apriori"] else "Apriori"
print(f"这一次 {faster} 更快（相差 {abs(seconds['apriori'] - seconds['fpgrowth']):.2f} 秒）。数据越多、门槛越低，"
      "Apriori 要生成和检查的候选组合越多，差距越大。")
""")

md("""
### 练习 2：Apriori 要检查多少个候选组合（2 分）

把最小支持度定为 **0.03**。Apriori 的第一轮找出支持度 ≥ 0.03 的单个商品（个数存进 `n_frequent_items`）；第二轮只需要检查由它们
两两组成的候选组合（个数存进 `n_candidate_pairs`，A+B 和 B+A 是同一个组合）。用上面的 `item_support`（每种商品的支持度）来算，
再和“全部商品两两组合”比一比，Apriori 性质省掉了多少工作。
""")

answer("p4_ex2_apriori_candidates", """
### BEGIN SOLUTION
n_frequent_items = int((item_support >= 0.03).sum())
n_candidate_pairs = n_frequent_items * (n_frequent_items - 1) // 2
### END SOLUTION
all_pairs = len(item_support) * (len(item_support) - 1) // 2
print(f"频繁的单个商品 {n_frequent_items} 种 → 候选组合 {n_candidate_pairs} 个，"
      f"只有全部两两组合 {all_pairs} 个的 {n_candidate_pairs / all_pairs:.0%}")
""")

test("p4_ex2_apriori_candidates_test", 2, """
assert 0 < n_frequent_items < len(item_support), "频繁的单个商品是支持度 ≥ 0.03 的商品：用 (item_support >= 0.03).sum() 数一数。"
assert n_candidate_pairs != n_frequent_items * (n_frequent_items - 1), "A+B 和 B+A 是同一个组合，两两组合的个数要除以 2。"
### BEGIN HIDDEN TESTS
_dense = basket.sparse.to_dense()
_k = int((_dense.mean() >= 0.03).sum())
assert n_frequent_items == _k
assert n_candidate_pairs == _k * (_k - 1) // 2
### END HIDDEN TESTS
""")

md("""
**从频繁项集到关联规则。** 最小支持度取 0.2%，再只留提升度 ≥ 1 的规则（有带动作用）。
`rules_table` 给出中文列名的表，`explain_rules` 把每条规则写成一句话：
""")

code("""
n_orders_all = basket.shape[0]
itemsets = mining.frequent_itemsets(basket, min_support=0.002)
rules = mining.association_rules(itemsets, metric="lift", min_threshold=1.0)
print(f"最小支持度 0.2% 就是两年里至少有 {0.002 * n_orders_all:.0f} 个订单一起买过。频繁项集 {len(itemsets)} 个，"
      f"提升度 ≥ 1 的规则 {len(rules)} 条。提升度最高的 8 条：")
mining.rules_table(rules).head(8)
""")

code("""
for text in mining.explain_rules(rules.head(4)):
    print(text)
""")

md("""
**置信度高不一定有用。** 最畅销的商品谁都爱买，“买了随便什么 → 也买它”的置信度天然就高，但提升度接近 1，说明没有带动作用。
看看后项是最畅销商品的规则：
""")

code("""
popular = item_support.index[0]
to_popular = rules[rules["consequents"] == frozenset({popular})].sort_values("lift")
weakest = to_popular.iloc[0]
print(f"最畅销的商品：{popular}，所有订单中有 {item_support[popular]:.1%} 买了它")
print(f"规则 {'、'.join(weakest['antecedents'])} → {popular}：置信度 {weakest['confidence']:.1%}，"
      f"提升度只有 {weakest['lift']:.2f}——和平时买{popular}的比例差不多，不值得为它做促销。")
""")

md("""
### 练习 3：挑出强关联规则（2 分）

好的规则要同时满足三个门槛：**常见**（支持度 ≥ `MIN_SUP`）、**可靠**（置信度 ≥ `MIN_CONF`）、**真有带动作用**（提升度 ≥ `MIN_LIFT`）。
从 `rules` 里选出同时满足三个门槛的规则，按提升度从大到小排好，存进 `strong_rules`（仍是 `rules` 那样的表，行索引不变）。
""")

md("""
**例子：** 只用一个门槛筛选，条件写在方括号里；几个条件要同时满足时，每个条件加上括号，用 `&` 连接。
""")

code("""
MIN_SUP, MIN_CONF, MIN_LIFT = 0.01, 0.3, 3.0
reliable = rules[rules["confidence"] >= MIN_CONF]
rarest = reliable.sort_values("support").iloc[0]
print(f"只看置信度 ≥ {MIN_CONF}：{len(reliable)} 条。其中最少见的一条 {'、'.join(sorted(rarest['antecedents']))} → "
      f"{'、'.join(sorted(rarest['consequents']))}，支持度只有 {rarest['support']:.2%}（两年里 "
      f"{rarest['support'] * n_orders_all:.0f} 单）——可靠，但太少见，做成卖点也卖不了几份")
""")

md("""
把全部规则画在一张图上：横轴支持度、纵轴置信度、颜色是提升度；虚线是两个门槛，右上角的格子里、颜色又深的点才是强关联规则。
""")

code("""
ax = rules.plot.scatter(x="support", y="confidence", c="lift", cmap="viridis", s=18, figsize=(7, 4.2))
ax.axvline(MIN_SUP, color="gray", linestyle="--")
ax.axhline(MIN_CONF, color="gray", linestyle="--")
ax.set_title("全部关联规则：支持度、置信度和提升度")
ax.set_xlabel("支持度")
ax.set_ylabel("置信度")
ax.figure.axes[-1].set_ylabel("提升度")
""")

answer("p4_ex3_strong_rules", """
### BEGIN SOLUTION
strong_rules = rules[(rules["support"] >= MIN_SUP) & (rules["confidence"] >= MIN_CONF)
                     & (rules["lift"] >= MIN_LIFT)].sort_values("lift", ascending=False)
### END SOLUTION
print(f"强关联规则 {len(strong_rules)} 条")
mining.rules_table(strong_rules)
""")

test("p4_ex3_strong_rules_test", 2, """
assert len(strong_rules) > 0, "一条规则也没选出来：三个门槛用 & 连起来，比较时用 >=。"
assert (strong_rules["support"] >= MIN_SUP).all() and (strong_rules["confidence"] >= MIN_CONF).all() and (strong_rules["lift"] >= MIN_LIFT).all(), "有的规则没达到三个门槛：要三个条件同时满足（用 & 而不是 |）。"
assert strong_rules["lift"].is_monotonic_decreasing, "要按提升度从大到小排：sort_values 里写 ascending=False。"
### BEGIN HIDDEN TESTS
_r = mining.association_rules(mining.frequent_itemsets(basket, min_support=0.002), metric="lift", min_threshold=1.0)
_keep = _r[(_r["support"] >= 0.01) & (_r["confidence"] >= 0.3) & (_r["lift"] >= 3.0)]
assert set(strong_rules.index) == set(_keep.index)
assert set(zip(strong_rules["antecedents"], strong_rules["consequents"])) == set(zip(_keep["antecedents"], _keep["consequents"]))
### END HIDDEN TESTS
""")

# ============================================================================ 4
md("""
## 4. 新卖点：组合套餐、陈列、交叉销售（**重点**，实训结果）

强关联规则要变成卖点，才帮得上营销决策。同一条规律有三种用法：

| 卖点 | 用哪条规律 | 看哪个指标 |
|---|---|---|
| **组合套餐**：两样打包、略打折 | 经常一起买、互相带动的一对商品 | 支持度（够多人买）+ 提升度（真的相关） |
| **陈列**：展位和货架上放在一起 | 商品之间、品类之间的关联 | 提升度 |
| **交叉销售**：向买过 A 的客户推荐 B | 方向明确的规则 A → B | 置信度（推荐的成功率）+ 目标客户数 |

### 4.1 组合套餐

A → B 和 B → A 是同一对商品，支持度、提升度相同，只是置信度不同。每对商品留一行（置信度取两个方向中较高的），
算出原价、9 折套餐价和套餐的毛利：
""")

code("""
price = products.set_index("product_name")["price"]
cost = products.set_index("product_name")["cost"]
pair = pd.Series([a | b for a, b in zip(strong_rules["antecedents"], strong_rules["consequents"])], index=strong_rules.index)
bundles = strong_rules.assign(pair=pair).drop_duplicates("pair")
bundles["confidence"] = bundles["pair"].map(strong_rules.assign(pair=pair).groupby("pair")["confidence"].max())
n_orders = basket.shape[0]
bundle_table = pd.DataFrame({
    "套餐": bundles["pair"].map(lambda p: " + ".join(sorted(p))),
    "支持度": bundles["support"], "提升度": bundles["lift"],
    "同时购买的订单数": (bundles["support"] * n_orders).round().astype(int),
    "原价": bundles["pair"].map(lambda p: price[list(p)].sum()),
})
bundle_table["套餐价（9 折）"] = (bundle_table["原价"] * 0.9).round(1)
bundle_table["套餐毛利"] = bundle_table["套餐价（9 折）"] - bundles["pair"].map(lambda p: cost[list(p)].sum())
bundle_table = bundle_table.sort_values("支持度", ascending=False).reset_index(drop=True)
bundle_table.round(3)
""")

code("""
best_bundle = bundle_table.iloc[0]
print(f"最常一起买的一对：{best_bundle['套餐']}，两年里 {best_bundle['同时购买的订单数']} 单同时买了，"
      f"提升度 {best_bundle['提升度']:.1f}；9 折套餐 {best_bundle['套餐价（9 折）']:.1f} 元，每套仍有毛利 {best_bundle['套餐毛利']:.1f} 元")
""")

md("""
### 4.2 陈列：商品之间和品类之间

同一个 `basket_matrix` 换成按**品类**组篮子（`item="category"`），就能看品类之间有没有带动作用，决定展位上哪几个品类挨着放：
""")

code("""
category_basket = mining.basket_matrix(lines, item="category", status="status")
category_rules = mining.association_rules(mining.frequent_itemsets(category_basket, min_support=0.01, max_len=2),
                                          min_threshold=1.0)
category_table = mining.rules_table(category_rules)
print(category_table.head(6))
top_lift_category = category_rules["lift"].max()
top_lift_product = strong_rules["lift"].max()
print(f"品类之间的提升度最高只有 {top_lift_category:.2f}，商品之间最高有 {top_lift_product:.1f}。")
same_category = [len({products.set_index('product_name').loc[i, 'category'] for i in p}) == 1 for p in bundles["pair"]]
print(f"强关联的 {len(bundles)} 对商品里，{sum(same_category)} 对属于同一品类。")
""")

md("""
读法：品类之间几乎互不带动（提升度接近 1），强关联都发生在**具体商品**之间，而且多在同一品类里。所以陈列的重点不是调整品类分区，
而是在同一品类的货架上把强关联的一对商品**紧挨着放**（例如放在同一层、同一个端架），并在旁边放套餐价牌；品类分区只把
提升度略高于 1 的品类安排成相邻的展位。

### 4.3 交叉销售：向谁推荐什么

规则 A → B 的置信度越高，向买过 A 的客户推荐 B 越容易成功。目标客户是**买过 A、却还从来没买过 B** 的客户。
取强关联规则里置信度最高的一条：
""")

code("""
top_rule = strong_rules.sort_values("confidence", ascending=False).iloc[0]
a_name = next(iter(top_rule["antecedents"]))
b_name = next(iter(top_rule["consequents"]))
print(f"置信度最高的规则：{a_name} → {b_name}，置信度 {top_rule['confidence']:.1%}，提升度 {top_rule['lift']:.1f}")
""")

md("""
**例子：** 买过 `a_name` 的客户有哪些？从已完成订单的明细里取出这种商品的行，再取客户编号，用 `set` 去掉重复：
""")

code("""
bought_a_example = set(done_lines.loc[done_lines["product_name"] == a_name, "customer_id"])
print(f"买过{a_name}的客户 {len(bought_a_example)} 位（明细里有 {(done_lines['product_name'] == a_name).sum()} 行）")
""")

md("""
### 练习 4：交叉销售的目标客户（2 分）

用 `done_lines`（已完成订单的明细，`product_name` 是商品名称）找出**买过 `a_name`、但从来没有买过 `b_name`** 的客户，
把客户编号排好序存成列表 `cross_sell_ids`；再按“推荐后像规则里的订单一样，有置信度那么大的比例会买”粗略估计会新增多少位
购买 `b_name` 的客户，存进 `expected_new_buyers`（= 目标客户数 × 置信度）。
""")

answer("p4_ex4_cross_sell", """
### BEGIN SOLUTION
_bought_a = set(done_lines.loc[done_lines["product_name"] == a_name, "customer_id"])
_bought_b = set(done_lines.loc[done_lines["product_name"] == b_name, "customer_id"])
cross_sell_ids = sorted(_bought_a - _bought_b)
expected_new_buyers = len(cross_sell_ids) * top_rule["confidence"]
### END SOLUTION
print(f"目标客户 {len(cross_sell_ids)} 位，预计新增购买 {b_name} 的客户约 {expected_new_buyers:.0f} 位")
""")

test("p4_ex4_cross_sell_test", 2, """
assert len(cross_sell_ids) == len(set(cross_sell_ids)), "客户编号有重复：一位客户只算一次（先用 set 去重）。"
assert list(cross_sell_ids) == sorted(cross_sell_ids), "客户编号要排好序存成列表：用 sorted(...)。"
_b_buyers = set(done_lines["customer_id"][done_lines["product_name"] == b_name])
assert not set(cross_sell_ids) & _b_buyers, "名单里有已经买过后项商品的客户：要去掉买过 b_name 的人。"
assert set(cross_sell_ids) <= set(done_lines["customer_id"]), "名单里有没完成过订单的客户：只用已完成订单的明细 done_lines。"
assert abs(expected_new_buyers - len(cross_sell_ids) * top_rule["confidence"]) < 1e-6, "预计新增客户数 = 目标客户数 × 规则的置信度。"
### BEGIN HIDDEN TESTS
_owners = orders.set_index("order_id")["customer_id"]
_ref = bk.cross_sell_targets(basket, _owners, top_rule["antecedents"], top_rule["consequents"])
assert list(cross_sell_ids) == _ref.tolist()
### END HIDDEN TESTS
""")

md("""
一条一条手算太慢。`crm_lab.basket.rule_reach` 对每条规则算出同样的东西：含前项的订单数、两样同时买的订单数、买过前项的客户数、
交叉销售的目标客户数和预计新增购买客户数。`owners` 告诉它每个订单是哪位客户下的。先核对它和练习 4 的手算一致：
""")

code("""
owners = orders.set_index("order_id")["customer_id"]
reach = bk.rule_reach(strong_rules, basket, owners)
print(f"rule_reach 算出的目标客户数 {reach.loc[top_rule.name, 'targets']}，练习 4 手算 {len(cross_sell_ids)}")
consent = customers.set_index("customer_id")["consent_marketing"]
reach["可发营销消息的目标客户"] = [int(consent.reindex(bk.cross_sell_targets(basket, owners, a, b)).fillna(False).sum())
                          for a, b in zip(strong_rules["antecedents"], strong_rules["consequents"])]
cross_table = mining.rules_table(strong_rules).join(reach.rename(columns=bk.REACH_LABELS))
cross_table = cross_table.sort_values("预计新增购买客户数", ascending=False)
cross_table[["前项", "后项", "置信度", "提升度", "交叉销售目标客户数", "可发营销消息的目标客户", "预计新增购买客户数"]].head(6).round(2)
""")

md("""
《个人信息保护法》要求向客户发营销信息要先取得同意，所以交叉销售的短信、微信只能发给 `consent_marketing` 为 True 的客户；
其余的目标客户只在他们下次下单时（收银台、小程序购物车）推荐。

### 4.4 新卖点表

把三种卖点各取最好的几条，连同它们的指标和能触达的客户数，合成一张**新卖点表**（第 7 节的建议和要交的 Excel 都用它）：
""")

code("""
def buyers_of(names, column="product_name"):
    return done_lines.loc[done_lines[column].isin(list(names)), "customer_id"].nunique()


points = []
for _, b in bundles.sort_values("support", ascending=False).head(3).iterrows():
    points.append({"卖点类型": "组合套餐", "内容": " + ".join(sorted(b["pair"])) + " 9 折套餐",
                   "支持度": b["support"], "置信度": b["confidence"], "提升度": b["lift"],
                   "可触达客户数": buyers_of(b["pair"])})
shelf = bundles.sort_values("lift", ascending=False).iloc[0]
points.append({"卖点类型": "陈列", "内容": " 与 ".join(sorted(shelf["pair"])) + " 同一层货架紧挨着放",
               "支持度": shelf["support"], "置信度": shelf["confidence"], "提升度": shelf["lift"],
               "可触达客户数": buyers_of(shelf["pair"])})
category_pairs = category_rules.assign(pair=[a | b for a, b in zip(category_rules["antecedents"],
                                                                   category_rules["consequents"])])
c = category_pairs.drop_duplicates("pair").iloc[0]
points.append({"卖点类型": "陈列", "内容": "、".join(sorted(c["pair"])) + " 展位相邻", "支持度": c["support"],
               "置信度": c["confidence"], "提升度": c["lift"], "可触达客户数": buyers_of(c["pair"], "category")})
for i, r in cross_table.head(3).iterrows():
    points.append({"卖点类型": "交叉销售", "内容": f"向买过{r['前项']}的客户推荐{r['后项']}",
                   "支持度": strong_rules.at[i, "support"], "置信度": strong_rules.at[i, "confidence"],
                   "提升度": strong_rules.at[i, "lift"], "可触达客户数": int(r["交叉销售目标客户数"])})
selling_points = pd.DataFrame(points)
selling_points.round(3)
""")

md("""
### 书面作业 1：新卖点报告（人工评分，6 分）

以小组为单位，根据第 3、4 节的结果写一份**新卖点报告**（300～400 字）：① 你们选出的三个新卖点（组合套餐、陈列、交叉销售各一个），
每个写出规则和它的支持度、置信度、提升度、能触达多少客户；② 说明为什么选它们，并举出**一条你们不采用的规则**（例如置信度高但
提升度接近 1），说明理由；③ 每个卖点怎样落地（套餐定价、货架位置、推荐渠道），如何检验效果。
""")

manual("p4_selling_points", 6, """
### BEGIN SOLUTION
**参考答案（评分要点）：** 组合套餐选支持度最高的一对强关联商品（新卖点表第一行），写出同时购买的订单数、提升度和 9 折套餐价、
套餐毛利；陈列指出品类之间提升度接近 1、强关联多在同一品类的具体商品之间，所以把这一对商品放在同一层货架、端架挂套餐价牌；
交叉销售选预计新增购买客户数最多的规则，写出目标客户数和其中同意接收营销信息的人数，只向同意的客户发消息，其余在购物车推荐。
不采用的规则：后项是最畅销商品、置信度不低但提升度接近 1 的规则——买不买前项，买后项的比例都差不多。检验：套餐销量、
推荐后的购买率和对照组比较（先在一个展销会场次或小部分客户中试点）。

评分：三个卖点齐全且各有支持度、置信度、提升度和触达人数（数字与笔记本一致）3 分；能用提升度解释为什么不采用某条规则 1 分；
落地办法具体（价格、位置、渠道、负责人）1 分；有检验效果的办法 1 分。
### END SOLUTION
""")

# ============================================================================ 5
md("""
## 5. 客户聚类：买东西的习惯相近的客户（**难点**）

关联规则说的是商品，聚类说的是客户。每位客户用两类特征描述：**R、F、M**（最近一次购买距今天数、购买次数、消费金额，
`value.rfm_table`），以及**各品类的件数占比**（他买的商品行里有多少比例是零食、文具、数码……）。再用 k-means 把特征相近的客户
分到一群（MacQueen, 1967）：F、M 先取对数（少数大客户不会独占一群），再标准化（天、次、元、比例同样重要）。
""")

code("""
rfm = value.rfm_table(orders, date="order_time", order="order_id", status="status")
mix = pd.crosstab(done_lines["customer_id"], done_lines["category"], normalize="index")
customer_features = rfm.join(mix)
print(f"{len(customer_features)} 位客户，{customer_features.shape[1]} 个特征：{'、'.join(customer_features.columns)}")
customer_features.describe().loc[["mean", "50%", "max"]].round(2)
""")

md("""
先用肘部法（簇内平方和的拐点）和轮廓系数（Rousseeuw, 1987，越大越好）看 k 取几比较合适：
""")

code("""
k_table = segment.choose_k(customer_features, k_values=range(2, 9), log=["frequency", "monetary"], n_init=3)
fig = plots.plot_choose_k(k_table)
print(k_table.round(3))
""")

md("""
轮廓系数只说明哪样分最“整齐”；还要看分出来的群能不能叫出名字、配上不同的营销动作。先取轮廓系数最大的 k，看每群的画像：
如果有的群说不清是什么人，就换一个相近的 k 再看。
""")

code("""
K = int(k_table.attrs["report"]["轮廓系数最大的 k"])
clusters = segment.kmeans_segments(customer_features, k=K, log=["frequency", "monetary"])
profile = segment.cluster_profile(clusters)
print(f"k = {K}：轮廓系数 {k_table.loc[K, 'silhouette']:.3f}，各群人数 {clusters['cluster'].value_counts().sort_index().tolist()}")
profile[["size", "share", "recency", "frequency", "monetary", *mix.columns]].round(2)
""")

md("""
**命名。** `cluster_profile` 给出每群各特征的 z 分数（比总体平均高几个标准差）。按 z 分数写命名规则：购买次数和金额都高于平均的是
“高频大客户”；某一品类的占比比平均高出半个标准差以上的，用那个品类命名。规则从上往下判断，每群取第一条满足的：
""")

code("""
CLUSTER_RULES = {
    "高频大客户": "frequency > 0 and monetary > 0",
    "数码控": "数码配件 > 0.5", "零食党": "零食饮料 > 0.5", "文具控": "文具 > 0.5", "居家日用族": "生活日用 > 0.5",
    "书香族": "图书 > 0.5", "美妆族": "美妆个护 > 0.5", "服饰族": "服饰 > 0.5",
}
named = segment.name_clusters(profile, rules=CLUSTER_RULES, default="其他客户")
clusters["cluster_name"] = clusters["cluster"].map(named["name"])
named[["size", "share", "markers", "name"]]
""")

md("""
雷达图：每根轴是一个特征的 z 分数，虚线圆是总体平均，越往外越高于平均。轴名换成中文：
""")

code("""
RFM_NAMES = {"recency_z": "距上次购买天数_z", "frequency_z": "购买次数_z", "monetary_z": "消费金额_z"}
ax = plots.plot_cluster_radar(named.rename(columns=RFM_NAMES))
""")

md("""
把多个特征压到两个主成分上（主成分分析 PCA），看各群在平面上分得开不开（坐标轴上写着每个主成分解释了多少方差）：
""")

code("""
ax = plots.plot_cluster_pca(clusters, names=named["name"])
explained = sum(segment.pca_projection(clusters).attrs["report"]["解释方差比例"])
print(f"两个主成分一共只解释了 {explained:.0%} 的方差：图上重叠的群，在原来的 {len(customer_features.columns)} 个特征里"
      "可能是分得开的，所以命名要看雷达图和画像表，散点图只看大致的位置。")
""")

md("""
**例子：** 每一群里有多少比例的客户买过 `b_name`？先给每位客户标上“买过 / 没买过”（True/False），再按群名分组求平均——
True 当作 1，平均值就是比例，分母自动是每群的人数：
""")

code("""
bought_b = pd.Series(clusters.index.isin(done_lines.loc[done_lines["product_name"] == b_name, "customer_id"]),
                     index=clusters.index)
print(bought_b.groupby(clusters["cluster_name"]).mean().sort_values(ascending=False).map("{:.1%}".format))
""")

md("""
### 练习 5：交叉销售该先找哪一群（2 分）

第 4.3 节的交叉销售目标客户 `cross_sell_ids` 分布在哪些群里？请算出**每一群里目标客户占该群人数的比例**，存成 Series
`target_share`（索引是群的名字 `cluster_name`，值是 0～1 的小数），再把比例最高的群的名字存进 `best_cluster`。
""")

answer("p4_ex5_cluster_target", """
### BEGIN SOLUTION
_is_target = clusters.index.isin(cross_sell_ids)
target_share = pd.Series(_is_target, index=clusters.index).groupby(clusters["cluster_name"]).mean()
best_cluster = target_share.idxmax()
### END SOLUTION
print(target_share.sort_values(ascending=False).map("{:.1%}".format))
print(f"目标客户比例最高的群：{best_cluster}")
""")

test("p4_ex5_cluster_target_test", 2, """
assert set(target_share.index) == set(named["name"]), "target_share 的索引应是各群的名字：按 clusters 的 cluster_name 列分组。"
assert (target_share <= 1).all() and abs(target_share.sum() - 1) > 1e-9, "要的是每群里目标客户占该群人数的比例（分母是该群人数），不是目标客户在各群之间的分布。"
assert best_cluster == target_share.idxmax(), "best_cluster 是比例最高的群的名字：target_share.idxmax()。"
### BEGIN HIDDEN TESTS
_c = segment.kmeans_segments(customer_features, k=K, log=["frequency", "monetary"])
_names = _c["cluster"].map(segment.name_clusters(segment.cluster_profile(_c), rules=CLUSTER_RULES, default="其他客户")["name"])
_t = bk.cross_sell_targets(basket, orders.set_index("order_id")["customer_id"], top_rule["antecedents"], top_rule["consequents"])
_ref = _c.index.to_series().isin(_t).groupby(_names).mean()
assert (target_share.sort_index() - _ref.sort_index()).abs().max() < 1e-9
assert best_cluster == _ref.idxmax()
### END HIDDEN TESTS
""")

md("""
同一条规则，在不同的群里“命中率”不同：推荐的短信先发给比例最高的那一群，同样的费用能找到更多的目标客户。

## 6. 决策树：谁会在下半年买图书？（**难点**）

商城想在新学期前给**图书**做一次精准推荐：在 2026-03-01 这一天，根据客户**以前**的购买记录，预测谁会在**之后 180 天**里买图书。
决策树（Breiman et al., 1984）把客户一层层地按“如果 …… 就 ……”分开，结果能直接读成规则，适合解释“谁会买”。

**不偷看未来（没有数据泄漏）：**

* **特征**只用截止日期 `CUTOFF` **之前**的订单算：R、F、M、客单价、第一次购买距今（`mining.churn_features`，它的流失标签这里不用），
  加上截止日期之前各品类的件数占比，以及注册时就填好的身份；
* **标签**只看截止日期**之后** 180 天：这段时间里有没有买过图书（已完成的订单）；
* 客户只取截止日期之前买过东西的人——在截止日期那天，我们只认识他们。

如果特征里用了截止日期之后的数据（比如全部两年的图书占比），模型在测试集上会显得很准，但在 3 月 1 日那天根本算不出这个特征，
上线就没用了。
""")

code("""
CUTOFF = pd.Timestamp("2026-03-01")
WINDOW_DAYS = 180
WINDOW_END = CUTOFF + pd.Timedelta(days=WINDOW_DAYS)
TARGET_CATEGORY = "图书"


def purchase_features(cutoff, window_days=WINDOW_DAYS):
    # 每位在 cutoff 之前买过东西的客户一行；所有特征只用 cutoff 之前的订单（身份是注册时填的）
    base = mining.churn_features(orders, cutoff=cutoff, window_days=window_days, status="status")
    history = done_lines[done_lines["order_time"] < cutoff]
    history_mix = (pd.crosstab(history["customer_id"], history["category"], normalize="index")
                   .reindex(base.index, fill_value=0).add_prefix("share_"))
    identity = pd.get_dummies(customers.set_index("customer_id")["identity"].reindex(base.index), prefix="id", dtype=int)
    return base.drop(columns="churned").join(history_mix).join(identity)


X = purchase_features(CUTOFF)
before = done_lines[done_lines["order_time"] < CUTOFF]
print(f"截止日期 {CUTOFF:%Y-%m-%d} 之前买过东西的客户 {len(X)} 位，特征 {X.shape[1]} 个；标签窗口到 {WINDOW_END:%Y-%m-%d}，"
      f"数据最后一天 {orders['order_time'].max():%Y-%m-%d}")
X.head()
""")

md("""
**例子：** 按时间和品类筛选明细。截止日期**之前**买过图书的客户有多少？（这是特征那一边能用的信息。）
""")

code("""
books_before = before.loc[before["category"] == TARGET_CATEGORY, "customer_id"].nunique()
print(f"截止日期之前买过{TARGET_CATEGORY}的客户 {books_before} 位，占 X 里客户的 {books_before / len(X):.1%}")
""")

md("""
### 练习 6：不偷看未来的标签（3 分）

做标签 `bought_target`：一个 Series，行索引和 `X` 完全相同，某位客户在 **`CUTOFF` 当天及以后、`WINDOW_END` 之前**有已完成的订单
买了 `TARGET_CATEGORY`（图书）就是 1，否则是 0。用 `done_lines` 的 `order_time`、`category` 和 `customer_id` 列。
""")

answer("p4_ex6_label", """
### BEGIN SOLUTION
_after = done_lines[(done_lines["order_time"] >= CUTOFF) & (done_lines["order_time"] < WINDOW_END)
                    & (done_lines["category"] == TARGET_CATEGORY)]
bought_target = pd.Series(X.index.isin(_after["customer_id"]).astype(int), index=X.index, name="bought_target")
### END SOLUTION
print(f"{len(bought_target)} 位客户中，截止日期后 {WINDOW_DAYS} 天内买了{TARGET_CATEGORY}的有 {bought_target.sum()} 位（{bought_target.mean():.1%}）")
""")

test("p4_ex6_label_test", 3, """
assert bought_target.index.equals(X.index), "标签的行索引要和 X 完全一样（同样的客户、同样的顺序）：用 pd.Series(..., index=X.index)。"
assert set(bought_target.unique()) <= {0, 1}, "标签只能是 0 和 1：可以用 .astype(int)。"
_ever = X.index.isin(done_lines.loc[done_lines["category"] == TARGET_CATEGORY, "customer_id"]).astype(int)
assert (bought_target.to_numpy() != _ever).any(), "这是“两年里买过图书”，偷看了截止日期之前的历史：标签只能看 CUTOFF 之后、WINDOW_END 之前的订单。"
### BEGIN HIDDEN TESTS
_d = lines[(lines["status"] == "已完成") & (lines["category"] == "图书")]
_d = _d[(_d["order_time"] >= pd.Timestamp("2026-03-01")) & (_d["order_time"] < pd.Timestamp("2026-03-01") + pd.Timedelta(days=180))]
assert (bought_target.to_numpy() == X.index.isin(_d["customer_id"]).astype(int)).all()
### END HIDDEN TESTS
""")

md("""
先看看偷看未来有多危险：把“截止日期之前的图书占比”换成“两年全部订单的图书占比”（包含了截止日期之后的购买），各评一次。
`evaluate_classifier` 留出 30% 的客户做测试集，只在训练集上训练：
""")

code("""
def tree_model():
    return DecisionTreeClassifier(max_depth=3, min_samples_leaf=30, random_state=0)


CLASS_NAMES = ("不买图书", "买图书")
all_mix = pd.crosstab(done_lines["customer_id"], done_lines["category"], normalize="index").reindex(X.index, fill_value=0)
leaky = X.assign(share_图书=all_mix["图书"])
leaky_auc = mining.evaluate_classifier(tree_model(), leaky, bought_target, class_names=CLASS_NAMES)["metrics"].loc["roc_auc", "数值"]
result = mining.evaluate_classifier(tree_model(), X, bought_target, class_names=CLASS_NAMES)
honest_auc = result["metrics"].loc["roc_auc", "数值"]
print(f"诚实的模型 ROC-AUC = {honest_auc:.3f}；偷看未来的模型 ROC-AUC = {leaky_auc:.3f}（看上去更准，3 月 1 日那天却算不出来）")
result["metrics"][["指标", "数值", "含义"]].round(3)
""")

code("""
ax = plots.plot_confusion_matrix(result["confusion_matrix"], title="买不买图书：测试集的混淆矩阵")
""")

md("""
**把树读成规则。** `tree_rules` 把每个叶子写成一句“如果 …… 那么 ……”。新加的特征也给上中文名（单位“是否”的 0/1 特征写成“是/否”）：
""")

code("""
LABELS = {**mining.FEATURE_LABELS,
          **{f"share_{c}": (f"以前{c}的件数占比", "") for c in mix.columns},
          **{c: (f"身份是{c.removeprefix('id_')}", "是否") for c in X.columns if c.startswith("id_")}}
tree_table = mining.tree_rules(result["model"], class_names=CLASS_NAMES, labels=LABELS, decimals=2)
importance = pd.Series(result["model"].feature_importances_, index=X.columns)
importance = importance[importance > 0].sort_values(ascending=False).rename(index=lambda c: LABELS.get(c, (c,))[0])
print("决策树用到的特征（重要性）：", importance.round(2).to_dict())
for rule in tree_table.loc[tree_table["prediction"] == "买图书", "rule"]:
    print(rule)
""")

md("""
读法：对照上面打印的特征重要性和规则——“最近一次购买距今”说明客户最近还来不来（不来的人什么都不会买），身份和以前买过的品类
说明他买的会不会是图书。判为“买图书”的叶子，就是精准推荐名单的筛选规则。

### 练习 7：决策树的“提升度”（2 分）

决策树选出的客户，买图书的比例是平均水平的几倍？用测试集 `result["scores"]`（列 `y_true` 实际、`y_pred` 预测）算：
被预测为“买图书”（`y_pred == 1`）的客户里真的买了的比例 `hit_rate`，测试集全体客户里买了的比例 `base_rate`，
以及两者之比 `model_lift`。这和关联规则的提升度是同一个思路：有了线索之后的命中率 ÷ 平时的比例。
""")

answer("p4_ex7_tree_lift", """
### BEGIN SOLUTION
_s = result["scores"]
hit_rate = _s.loc[_s["y_pred"] == 1, "y_true"].mean()
base_rate = _s["y_true"].mean()
model_lift = hit_rate / base_rate
### END SOLUTION
print(f"被选中的客户买图书的比例 {hit_rate:.1%}，平均 {base_rate:.1%}，提升度 {model_lift:.2f}")
""")

test("p4_ex7_tree_lift_test", 2, """
assert 0 < hit_rate <= 1 and 0 < base_rate < 1, "命中率和平均比例都是 0～1 之间的小数。"
assert abs(base_rate - bought_target.mean()) > 1e-12 or abs(base_rate - result["scores"]["y_true"].mean()) < 1e-12, "base_rate 要用测试集（result 里的 scores 表）算，不是全部客户。"
_m = result["metrics"]["数值"]
assert abs(hit_rate - _m["recall"]) > 1e-9 or abs(hit_rate - _m["precision"]) < 1e-9, "这是召回率（分母是真的买了的人）：命中率的分母是被预测为“买图书”的人。"
assert abs(model_lift - hit_rate / base_rate) < 1e-9, "提升度 model_lift = 命中率 hit_rate ÷ 平均比例 base_rate。"
### BEGIN HIDDEN TESTS
_s = result["scores"]
assert abs(hit_rate - _s["y_true"][_s["y_pred"] == 1].sum() / (_s["y_pred"] == 1).sum()) < 1e-9
assert abs(base_rate - _s["y_true"].sum() / len(_s)) < 1e-9
assert abs(model_lift - result["metrics"].loc["precision", "数值"] / _s["y_true"].mean()) < 1e-9
### END HIDDEN TESTS
""")

md("""
**和简单的经验规则比一比。** 不用模型，只凭经验“以前买过图书的客户会再买”，在同一批测试客户里命中率是多少？
模型要比这种不花力气的办法好，才值得用：
""")

code("""
test_ids = result["scores"].index
rule_of_thumb = X.loc[test_ids, "share_图书"] > 0
thumb_hit = result["scores"].loc[rule_of_thumb, "y_true"].mean()
print(f"经验规则选出 {rule_of_thumb.sum()} 人，命中率 {thumb_hit:.1%}；决策树选出 {(result['scores']['y_pred'] == 1).sum()} 人，"
      f"命中率 {hit_rate:.1%}")
print("决策树的名单更准" if hit_rate > thumb_hit else "经验规则不比决策树差：这时用简单的规则就够了")
""")

md("""
名单的长短和命中率要一起看：名单短而准，适合花钱多的推荐（电话、赠品）；名单长而粗，适合花钱少的推荐（小程序首页、群消息）。
两份名单可以配合使用：先推荐命中率高的，预算还有再扩大到另一份。
""")

# ============================================================================ 7
md("""
## 7. 从发现到建议（实训结果）

数据挖掘的结果要变成营销部门能执行的建议。每条建议都写清：**发现（数字）→ 建议 → 目标客户（多少人）→ 预期效果（怎么算的）**。
下面的表全部由前面的结果算出。预期效果是粗略估计（按置信度或模型的命中率），真实效果要试点后再看。
决策树用 3 月 1 日的数据训练好之后，真正使用时要用**今天**（数据的最后一天）之前的订单重新算一遍特征，再让树给每位客户打分——
这正是第 6 节坚持“特征只用截止日期之前的数据”的原因：这样训练出的树，今天就能用。
""")

code("""
by_cluster = clusters.groupby("cluster_name").agg(人数=("monetary", "size"), 消费金额=("monetary", "sum"))
top_cluster = by_cluster["消费金额"].idxmax()
top_cluster_share = by_cluster.loc[top_cluster, "消费金额"] / by_cluster["消费金额"].sum()
final_model = tree_model().fit(X, bought_target)
NOW = orders["order_time"].max().normalize()
X_now = purchase_features(NOW, window_days=1).reindex(columns=X.columns, fill_value=0)  # 今天的特征；标签用不到
book_list = X_now.index[final_model.predict(X_now) == 1]
best_cross = cross_table.iloc[0]
bundle_buyers = buyers_of(best_bundle["套餐"].split(" + "))
proposals = pd.DataFrame([
    {"发现": f"{best_bundle['套餐']} 常一起买：支持度 {best_bundle['支持度']:.1%}，提升度 {best_bundle['提升度']:.1f}",
     "建议": f"推出 {best_bundle['套餐']} 9 折套餐（{best_bundle['套餐价（9 折）']:.1f} 元），两样紧挨着陈列",
     "目标客户": "买过其中任一样的客户 + 展销会现场客流", "目标人数": bundle_buyers,
     "预期效果": f"每套毛利 {best_bundle['套餐毛利']:.1f} 元；两年里已有 {best_bundle['同时购买的订单数']} 单同时买了这两样，"
                 "套餐再吸引只买了其中一样的客户"},
    {"发现": f"{best_cross['前项']} → {best_cross['后项']}：置信度 {best_cross['置信度']:.1%}，提升度 {best_cross['提升度']:.1f}",
     "建议": f"向买过{best_cross['前项']}、没买过{best_cross['后项']}的客户推荐{best_cross['后项']}",
     "目标客户": f"交叉销售目标客户（其中 {best_cross['可发营销消息的目标客户']} 位同意接收营销信息）",
     "目标人数": int(best_cross["交叉销售目标客户数"]),
     "预期效果": f"按置信度估计约 {best_cross['预计新增购买客户数']:.0f} 位新增购买"},
    {"发现": f"“{top_cluster}”占客户的 {by_cluster.loc[top_cluster, '人数'] / by_cluster['人数'].sum():.0%}，"
             f"贡献了 {top_cluster_share:.0%} 的消费金额",
     "建议": "会员专属：新品预告、套餐优先购、展销会 VIP 时段", "目标客户": top_cluster,
     "目标人数": int(by_cluster.loc[top_cluster, "人数"]), "预期效果": "保住贡献最大的一群客户（用复购率跟踪）"},
    {"发现": f"决策树选出的客户买图书的比例是平均的 {model_lift:.1f} 倍（测试集）",
     "建议": "新学期前向模型选出的客户推荐图书（考证、考研、教材）", "目标客户": f"按 {NOW:%Y-%m-%d} 的特征，决策树判为“买图书”的客户",
     "目标人数": len(book_list), "预期效果": f"按测试集命中率 {hit_rate:.0%} 估计约 {len(book_list) * hit_rate:.0f} 位会买"},
])
proposals
""")

md("""
### 书面作业 2：营销建议书（人工评分，6 分）

以小组为单位，把本实训的数据挖掘结果写成给商城营销部的**营销建议书**（400～600 字），作为上台讲评的讲稿：
① 用一段话说明你们用了哪三种数据挖掘技术、各发现了什么规律（引用数字）；② 至少三条建议，每条按“发现 → 建议 → 目标客户
（人数）→ 预期效果”写，可以在上表的基础上修改；③ 指出这些结论的局限（例如规则只说明“一起买”，不说明“因为 A 才买 B”；
估计的效果偏乐观；数据只到哪一天）和验证办法；④ 写出小组分工：每人做了什么。
""")

manual("p4_proposals", 6, """
### BEGIN SOLUTION
**参考答案（评分要点）：** 三种技术：关联规则（强关联的商品对，如组合套餐那一对的支持度和提升度）、聚类（各群客户及其名字，
贡献最大的一群占多少消费金额）、决策树（最近一次购买距今、身份和以前买过的品类决定谁会买图书，模型提升度）。建议至少三条，
与上表一致或有合理修改，每条有目标人数和可计算的预期效果；营销消息只发给同意接收的客户。局限：关联不等于因果；按置信度、
命中率估计的效果是乐观上限；规则来自过去两年，季节和新品会改变规律；要用小范围试点（对照组）验证。分工写清每人的工作。

评分：技术与发现（有数字）2 分；三条建议结构完整、数字正确 2 分；局限与验证办法 1 分；小组分工 1 分。
### END SOLUTION
""")

# ============================================================================ 8
md("""
## 8. 小组作业：分工、步骤和要交的东西

**分工（每组 4～5 人）：**

| 角色 | 做什么 | 负责的节 |
|---|---|---|
| 组长 | 组织讨论、定进度、检查提交的文件、上台汇报 | 全部 |
| 数据员 | 运行笔记本、核对每个数字（手算的和工具算的一致） | 第 1～3 节 |
| 关联分析员 | 挑规则、做新卖点表，执笔书面作业 1 | 第 3～4 节 |
| 客户分析员 | 聚类命名、决策树的规则解读 | 第 5～6 节 |
| 记录员 | 整理建议表，执笔书面作业 2，记录分工 | 第 7 节 |

**步骤：** 第 1 次课：分组，每人独立完成练习 1～3；第 2 次课：完成练习 4～7，小组讨论选哪几个新卖点；
第 3 次课：写两份书面作业，运行下面的单元格导出结果文件，提交；第 4 次课：各组上台讲评（每组 5 分钟），老师点评打分。

**要交的东西：** ① 本笔记本（每个练习都通过了测试）；② 下面导出的 `数据挖掘结果.xlsx`；③ 书面作业 1、2（写在本笔记本里）。
导出前先删掉旧文件：
""")

code("""
RESULT_FILE = Path("数据挖掘结果.xlsx")
RESULT_FILE.unlink(missing_ok=True)
with pd.ExcelWriter(RESULT_FILE) as writer:
    mining.rules_table(strong_rules).to_excel(writer, sheet_name="强关联规则", index=False)
    selling_points.to_excel(writer, sheet_name="新卖点", index=False)
    named[["size", "share", "markers", "name"]].to_excel(writer, sheet_name="客户分群")
    proposals.to_excel(writer, sheet_name="营销建议", index=False)
print(f"已写入 {RESULT_FILE}：{', '.join(pd.ExcelFile(RESULT_FILE).sheet_names)}")
""")

# ============================================================================ own data
md("""
## 用你自己的数据

你们组在展销会上收集的小票（Excel 或 CSV，每行“小票号 + 商品”）也能这样分析：`read_table` 读入（自动识别 GBK 编码），
`basket_matrix` 写明哪一列是小票号、哪一列是商品，再找规则。下面先写一个示范文件再读回来，换成你们自己的文件名和列名就行：
""")

code("""
DEMO_FILE = Path("展销会小票_示范.csv")
DEMO_FILE.unlink(missing_ok=True)
pd.DataFrame({"小票号": ["001", "001", "002", "002", "003", "003", "003", "004", "005", "005"],
              "商品": ["笔记本", "中性笔", "笔记本", "中性笔", "笔记本", "荧光笔", "中性笔", "矿泉水", "矿泉水", "面包"]}
             ).to_csv(DEMO_FILE, index=False, encoding="gbk")
my_lines = read_table(DEMO_FILE)
my_basket = mining.basket_matrix(my_lines, order="小票号", item="商品", quantity=None)
my_rules = mining.association_rules(mining.frequent_itemsets(my_basket, min_support=0.4), min_threshold=1.0)
print(f"读到 {len(my_lines)} 行，编码 {my_lines.attrs['encoding']}，{my_basket.shape[0]} 张小票")
mining.rules_table(my_rules)
""")

# ============================================================================ summary
md("""
## 本章小结

* **数据挖掘**：从大量数据中找出有用的、事先不知道的规律；步骤是业务理解 → 数据理解 → 数据准备 → 建模 → 评估 → 部署。
* **关联规则**：支持度 = 同时买的订单占比；置信度 = 支持度 ÷ **前项**的支持度；提升度 = 置信度 ÷ **后项**的支持度。
  提升度 > 1 才说明有带动作用；后项是畅销品的规则置信度高，却可能毫无用处。
* **Apriori 与 FP-growth**：结果完全相同；Apriori 靠“不频繁的商品组合不可能频繁”排除候选组合，FP-growth 用 FP 树不生成候选，通常更快。
* **新卖点**：常一起买且提升度高的一对 → 组合套餐和相邻陈列；置信度高的 A → B → 向买过 A、没买过 B 的客户交叉销售（只给同意接收营销信息的人发消息）。
* **聚类**：按 RFM 和品类偏好把客户分群，用 z 分数命名，再看每群适合什么卖点。
* **决策树**：特征只用截止日期之前的数据、标签只看之后的窗口，才不会偷看未来；树的规则说明“谁会买”，模型的提升度说明精准推荐比盲发好多少。

## 思考题

1. 把最小支持度从 0.2% 提高到 1%，规则会变多还是变少？会漏掉什么样的卖点？
2. 规则 A → B 的提升度和 B → A 的一样，置信度却不同。交叉销售时，该向买过 A 的人推荐 B，还是反过来？为什么？
3. 组合套餐打 9 折，如果本来就一起买的客户也拿到了折扣，商城是赚了还是亏了？怎样设计才更划算？
4. 如果决策树说“身份是教职工”的客户更会买图书，能不能因此只向教职工推荐图书？会漏掉谁？第 5 节的“书香族”里都是教职工吗？
5. 如果把截止日期改成 2026-06-01、窗口仍是 180 天，会出什么问题？（提示：数据到哪一天为止？）
""")

nb = new_notebook(cells=cells, metadata={"kernelspec": {"display_name": "Python 3", "language": "python",
                                                         "name": "python3"}, "language_info": {"name": "python"}})
import pathlib  # noqa: E402

pathlib.Path("solutions/p4_data_mining").mkdir(parents=True, exist_ok=True)
nbformat.write(nb, "solutions/p4_data_mining/p4_data_mining.ipynb")
