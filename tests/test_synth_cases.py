"""crm_lab.synth_cases: module 3's messy customer file and module 7's industry cases.

Each planted story is checked with a few lines of plain pandas / scikit-learn on the shipped files,
the way a student or teacher would find it.
"""

import io
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.cluster import KMeans
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import StandardScaler

from crm_lab import list_datasets, load_dataset, read_table, synth, synth_cases
from crm_lab.schema import CASE_SCHEMAS, DTYPES, SCHEMAS

CASE_NAMES = [s.name for s in CASE_SCHEMAS]
# no example database: hypothesis must not write .hypothesis/ into the repository
PROPERTY = settings(max_examples=10, deadline=None, database=None)


@pytest.fixture(scope="module")
def messy(repo):
    return read_table(repo / "datasets" / "messy_customers.csv", dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def clean():
    return load_dataset("messy_customers_clean")


# ---------------------------------------------------------------- shipped files, dictionaries, loading

@pytest.mark.parametrize("name", [n for n in CASE_NAMES if not SCHEMAS[n].raw])
def test_case_tables_load_with_documented_dtypes(name):
    table = load_dataset(name)
    kinds = {"int": "i", "float": "f", "date": "M", "datetime": "M", "bool": "b", "str": "OTU"}
    for column in SCHEMAS[name].columns:
        values = table[column.name]
        if column.dtype == "category":
            assert list(values.cat.categories) == list(column.values)
            continue
        allowed = kinds[column.dtype] + ("f" if column.dtype == "int" and values.isna().any() else "")
        assert values.dtype.kind in allowed, (column.name, values.dtype)
    assert 5 <= len(table) <= 8000, "each case table loads fast in class"


def test_airline_table_has_the_planned_size():
    assert 5000 <= len(load_dataset("airline_members")) <= 8000


def test_case_files_are_rebuilt_byte_for_byte(tmp_path, repo):
    written = synth.write_datasets(tmp_path)
    ours = [p for p in written if p.stem in CASE_NAMES or p.name in synth_cases.CASE_DICTIONARIES]
    assert len(ours) == len(CASE_NAMES) + len(synth_cases.CASE_DICTIONARIES)
    for path in ours:
        assert (repo / "datasets" / path.name).read_bytes() == path.read_bytes(), path.name


def test_builders_are_deterministic_and_scale():
    small, again = synth_cases.case_tables(scale=0.1), synth_cases.case_tables(scale=0.1)
    for name, table in small.items():
        pd.testing.assert_frame_equal(table, again[name])
    bigger = synth_cases.airline_tables(scale=0.2)["airline_members"]
    assert len(bigger) == 2 * len(small["airline_members"])
    with pytest.raises(ValueError, match="scale"):
        synth_cases.travel_tables(scale=0)
    with pytest.raises(ValueError, match="n 必须"):
        synth_cases.messy_customer_tables(load_dataset("shop_customers"), n=5)


def test_company_names_are_unique():
    assert load_dataset("mfg_dealers")["dealer_name"].is_unique
    assert load_dataset("logistics_customers")["company_name"].is_unique


def test_each_case_has_its_own_dictionary_linked_from_the_readme(repo):
    readme = (repo / "datasets" / "README.md").read_text(encoding="utf-8")
    for file, (title, _, names) in synth_cases.CASE_DICTIONARIES.items():
        assert f"[{file}]({file})" in readme and title in readme
        text = (repo / "datasets" / file).read_text(encoding="utf-8")
        assert text.startswith(f"# {title}")
        for name in names:
            assert f"## `{name}.csv`" in text and f"## `{name}.csv`" not in readme
            assert f"行数：{len(load_dataset(name))}" in text
            for column in SCHEMAS[name].columns:
                assert f"| `{column.name}` | {DTYPES[column.dtype]} |" in text
        assert "教师" not in text


def test_messy_file_is_documented_without_giving_the_mess_away(repo):
    readme = (repo / "datasets" / "README.md").read_text(encoding="utf-8")
    section = readme.split("## `messy_customers.csv`")[1].split("\n## ")[0]
    assert "GBK" in section and 'load_dataset("messy_customers")' in section and "文本" in section
    for column in SCHEMAS["messy_customers"].columns:
        assert f"| `{column.name}` |" in section
    for spoiler in ("重复", "全角", "+86", "序列号", "150", "拼音", "Guangzhou", "Dongguan", "区名"):
        assert spoiler not in section
    notes = (repo / "docs" / "teacher_data_notes.md").read_text(encoding="utf-8")
    for kind, count in synth_cases.messy_counts(load_dataset("messy_customers")).items():
        assert f"| {kind} | {count} |" in notes


# ---------------------------------------------------------------- module 3: the messy GBK file

def test_messy_file_really_is_gbk_from_excel(repo):
    raw = (repo / "datasets" / "messy_customers.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("gbk")
    assert text.startswith("客户编号,姓名,") and "\r\n" in text and not raw.startswith(b"\xef\xbb\xbf")
    assert read_table(repo / "datasets" / "messy_customers.csv").attrs["encoding"] == "GBK/GB18030"


def test_load_dataset_gives_the_messy_file_as_text(messy):
    table = load_dataset("messy_customers")
    assert list(table.columns) == SCHEMAS["messy_customers"].column_names
    assert all(pd.api.types.is_string_dtype(table[c]) for c in table.columns)
    assert table["手机号"].isna().sum() == (messy["手机号"] == "").sum() > 0  # empty cells are missing values
    assert table.fillna("").equals(messy)  # nothing else is converted or dropped
    listing = list_datasets().set_index("name")
    assert listing.loc["messy_customers", "rows"] == len(messy)


def test_messy_file_contains_each_kind_of_mess(messy):
    phone, when, city, district, name = (messy[c] for c in ("手机号", "注册日期", "城市", "区", "姓名"))
    exact = messy.duplicated().sum()
    counts = {
        "exact duplicates": exact,
        "near duplicates": messy.duplicated("客户编号").sum() - exact,
        "phone with spaces": phone.str.contains(r"^\d{3} ").sum(),
        "phone with dashes": phone.str.contains(r"^\d{3}-").sum(),
        "phone with +86": phone.str.contains(r"^\+86").sum(),
        "phone in full-width digits": phone.str.contains("[０-９]").sum(),
        "date 2025/3/1": when.str.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}").sum(),
        "date 2025年3月1日": when.str.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日").sum(),
        "date 20250301": when.str.fullmatch(r"20\d{6}").sum(),
        "date as Excel serial": when.str.fullmatch(r"4\d{4}").sum(),
        "date ISO": when.str.fullmatch(r"\d{4}-\d{2}-\d{2}").sum(),
        "city with 市": city.str.endswith("市").sum(),
        "city in pinyin": city.str.fullmatch("[A-Z][a-z]+").sum(),
        "district without 区": district.isin({d[:-1] for d in district if d.endswith("区")}).sum(),
        "name with ASCII spaces": (name != name.str.strip()).sum() + name.str.strip().str.contains(" ").sum(),
        "name with full-width space": name.str.contains("\u3000").sum(),
        "age 150 or more": (pd.to_numeric(messy["年龄"], errors="coerce") >= 150).sum(),
        "birth month outside 1-12": (~pd.to_numeric(messy["出生月份"], errors="coerce").between(1, 12)
                                     & (messy["出生月份"] != "")).sum(),
        "registered after the export": (pd.to_datetime(when, format="%Y-%m-%d", errors="coerce")
                                        > pd.Timestamp("2026-09-01")).sum(),
    }
    for column in ("性别", "年龄", "城市", "注册渠道", "注册日期", "手机号"):
        counts[f"missing {column}"] = (messy[column] == "").sum()
    absent = [kind for kind, count in counts.items() if count < 1]
    assert not absent, f"the messy file lacks: {absent}"
    assert counts["date as Excel serial"] >= 2 and counts["exact duplicates"] >= 5 and counts["near duplicates"] >= 5
    assert counts["age 150 or more"] >= 2 and counts["birth month outside 1-12"] >= 2


def test_messy_and_clean_twin_hold_the_same_customers(messy, clean):
    shop = load_dataset("shop_customers").set_index("customer_id")
    assert clean["customer_id"].is_unique and 300 <= len(clean) <= 500
    assert set(messy["客户编号"]) == set(clean["customer_id"])
    twin = clean.set_index("customer_id")
    pd.testing.assert_frame_equal(twin.drop(columns="age"), shop.loc[twin.index], check_names=False)
    low = twin["age_band"].astype(str).str.extract(r"^(\d+)")[0].astype(int)
    high = twin["age_band"].astype(str).str.extract(r"-(\d+)$")[0].astype(float).fillna(120)
    assert twin["age"].between(low, high).all()


PINYIN = {"Guangzhou": "广州", "Foshan": "佛山", "Shenzhen": "深圳", "Dongguan": "东莞", "Qingyuan": "清远"}


def parse_any_date(value: str) -> pd.Timestamp:
    if not value:
        return pd.NaT
    if re.fullmatch(r"\d{5}", value):  # Excel serial number
        return pd.Timestamp("1899-12-30") + pd.Timedelta(days=int(value))
    value = re.sub(r"[年月/]", "-", value).rstrip("日")
    return pd.to_datetime(value, format="%Y%m%d" if value.isdigit() else "%Y-%m-%d")


def check_cleaning_recovers(messy: pd.DataFrame, clean: pd.DataFrame) -> None:
    """The mess is only formatting: normalising each column with plain pandas gives back the true values."""
    truth = clean.set_index("customer_id").loc[messy["客户编号"]].reset_index()
    phone = messy["手机号"].str.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    phone = phone.str.replace(r"^\+86", "", regex=True).str.replace(r"[\s-]", "", regex=True)
    has_phone = phone != ""
    assert (phone[has_phone] == truth["phone"][has_phone]).all()
    dates = messy["注册日期"].map(parse_any_date)
    sensible = dates.notna() & (dates <= pd.Timestamp("2026-09-01"))
    assert (dates[sensible] == pd.to_datetime(truth["registered_at"][sensible])).all()
    future = messy.drop_duplicates()["注册日期"].map(parse_any_date) > pd.Timestamp("2026-09-01")
    assert future.sum() == 2  # the two typed-in years in the future; every other date is recovered
    city = messy["城市"].replace(PINYIN).str.removesuffix("市")
    has_city = city != ""
    assert (city[has_city] == truth["city"][has_city]).all()
    district = messy["区"].where(messy["区"].isin(truth["district"]), messy["区"] + "区")
    assert (district == truth["district"]).all()
    assert (messy["姓名"].str.replace(r"\s", "", regex=True) == truth["name"]).all()


def test_a_plain_pandas_cleaning_recovers_the_twin(messy, clean):
    check_cleaning_recovers(messy, clean)


@pytest.fixture(scope="module")
def small_shop_customers():
    return synth.shop_tables(scale=0.05)["shop_customers"]


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(20, 150))
def test_messy_builder_only_reformats_whatever_the_seed(small_shop_customers, seed, n):
    tables = synth_cases.messy_customer_tables(small_shop_customers, n=n, seed=seed)
    messy, clean = tables["messy_customers"], tables["messy_customers_clean"]
    assert len(clean) == n and set(messy["客户编号"]) == set(clean["customer_id"])
    assert messy.map(lambda v: isinstance(v, str)).all().all()
    messy.to_csv(io.BytesIO(), encoding="gbk")  # every character can be written in GBK
    check_cleaning_recovers(messy, clean)
    counts = synth_cases.messy_counts(messy)
    assert all(count >= 1 for count in counts.values()), counts


@PROPERTY
@given(seed=st.integers(0, 2**32 - 1))
def test_case_builders_keep_their_invariants_whatever_the_seed(seed):
    mfg = synth_cases.manufacturing_tables(scale=0.1, seed=seed)
    assert mfg["mfg_dealers"]["dealer_id"].is_unique
    assert set(mfg["mfg_orders"]["dealer_id"]) <= set(mfg["mfg_dealers"]["dealer_id"])
    assert (mfg["mfg_orders"]["quantity"] >= 1).all() and (mfg["mfg_orders"]["amount"] > 0).all()
    leads = synth_cases.realestate_tables(scale=0.05, seed=seed)["realestate_leads"]
    assert (leads["deal"] == leads["deal_date"].notna()).all()
    assert (leads["deal_date"].dropna() >= leads.loc[leads["deal"], "visit_date"]).all()
    members = synth_cases.airline_tables(scale=0.02, seed=seed)["airline_members"]
    assert (members["ffp_date"] <= members["last_flight_date"]).all()
    assert (members["last_flight_date"] <= members["load_time"]).all()
    logistics = synth_cases.logistics_tables(scale=0.05, seed=seed)
    shipments = logistics["logistics_shipments"]
    assert (shipments["on_time"] == (shipments["delivered_date"] <= shipments["promised_date"])).all()
    assert set(shipments["customer_id"]) <= set(logistics["logistics_customers"]["customer_id"])
    travel = synth_cases.travel_tables(scale=0.05, seed=seed)
    bookings = travel["travel_bookings"].set_index("booking_id")
    reviews = travel["travel_reviews"]
    assert bookings.index.is_unique and reviews["booking_id"].is_unique
    assert (reviews["reviewed_at"].to_numpy() > bookings.loc[reviews["booking_id"], "departure_date"].to_numpy()).all()


# ---------------------------------------------------------------- module 7: the planted stories

def test_airline_kmeans_recovers_the_planted_groups():
    members = load_dataset("airline_members")
    months = pd.Timedelta(days=30)
    lrfmc = pd.DataFrame({
        "L": (members["load_time"] - members["ffp_date"]) / months,
        "R": (members["load_time"] - members["last_flight_date"]) / months,
        "F": members["flight_count"],
        "M": members["seg_km_sum"],
        "C": members["avg_discount"],
    })
    labels = KMeans(5, random_state=0, n_init=10).fit_predict(StandardScaler().fit_transform(lrfmc))
    planted = synth_cases.airline_planted_groups()
    assert adjusted_rand_score(planted, labels) > 0.8
    # the textbook reading of the centres: 重要保持 fly most and most recently, 低价值 least and longest ago
    centres = lrfmc.groupby(planted.to_numpy()).mean()
    assert centres["F"].idxmax() == "重要保持客户" and centres["R"].idxmin() == "重要保持客户"
    assert centres["C"].idxmax() == "重要发展客户" and centres["L"].idxmax() == "重要挽留客户"
    assert centres["F"].idxmin() == "低价值客户" and centres["R"].idxmax() == "低价值客户"
    assert "planted_group" not in members.columns


def test_airline_dates_are_consistent_and_quality_problems_are_few():
    members = load_dataset("airline_members")
    assert (members["ffp_date"] <= members["last_flight_date"]).all()
    assert members["last_flight_date"].between(pd.Timestamp("2024-04-01"), pd.Timestamp("2026-03-31")).all()
    assert (members["load_time"] == pd.Timestamp("2026-03-31")).all()
    assert (members["flight_count"] >= 1).all() and (members["seg_km_sum"] > 0).all()
    assert 0 < members["age"].isna().mean() < 0.05 and 0 < (members["age"] > 100).sum() <= 5


def test_manufacturing_dealers_order_less_before_they_leave():
    dealers, orders = load_dataset("mfg_dealers"), load_dataset("mfg_orders")

    def last_half_over_previous(dealer_id, end):
        mine = orders[orders["dealer_id"] == dealer_id]
        recent = mine.loc[mine["order_date"].between(end - pd.DateOffset(months=6), end, inclusive="left"), "amount"]
        before = mine.loc[mine["order_date"].between(end - pd.DateOffset(months=12), end - pd.DateOffset(months=6),
                                                     inclusive="left"), "amount"]
        return recent.sum() / before.sum()

    leavers = dealers[dealers["left_at"].notna()]
    stayers = dealers[dealers["left_at"].isna() & (dealers["since"] < "2025-09-01")]
    assert len(leavers) >= 10
    left = zip(leavers["dealer_id"], leavers["left_at"], strict=True)
    leaving = np.median([last_half_over_previous(d, t) for d, t in left])
    staying = np.median([last_half_over_previous(d, pd.Timestamp("2026-09-01")) for d in stayers["dealer_id"]])
    assert leaving < 0.7 < 0.9 < staying
    after_leaving = orders.merge(leavers, on="dealer_id")
    assert (after_leaving["order_date"] < after_leaving["left_at"]).all()


def test_manufacturing_regions_differ():
    orders = load_dataset("mfg_orders").merge(load_dataset("mfg_dealers"), on="dealer_id")
    year = orders["order_date"].dt.to_period("Y-AUG")
    by_region = orders.pivot_table(index="region", columns=year, values="amount", aggfunc="sum", observed=True)
    growth = by_region.iloc[:, -1] / by_region.iloc[:, 0] - 1
    assert growth["华东"] > growth["西南"] + 0.3


def test_manufacturing_online_service_answers_faster():
    service = load_dataset("mfg_service")
    after = service["opened_at"] >= "2025-01-01"
    assert not (service.loc[~after, "channel"] == "网上服务平台").any()
    assert service.loc[after, "response_hours"].median() < 0.5 * service.loc[~after, "response_hours"].median()
    fast = service["response_hours"] <= 4
    assert service.loc[fast, "satisfaction"].mean() > service.loc[~fast, "satisfaction"].mean() + 0.5


def test_realestate_channels_differ_in_quality_and_cost():
    leads, costs = load_dataset("realestate_leads"), load_dataset("realestate_channel_costs")
    by_channel = leads.groupby("channel", observed=True)["deal"].agg(["mean", "sum"])
    assert by_channel["mean"].idxmax() == "老带新" and by_channel["mean"].max() > 4 * by_channel["mean"].min()
    per_deal = costs.set_index("channel")["cost"] / by_channel["sum"]
    assert per_deal.idxmax() == "户外广告" and per_deal["老带新"] < per_deal["中介"]
    assert (leads["deal"] == leads["deal_date"].notna()).all()
    assert (leads["deal"] == leads["deal_amount_wan"].notna()).all()
    assert (leads["deal_date"].dropna() >= leads.loc[leads["deal"], "visit_date"]).all()
    assert leads.groupby("deal")["follow_ups"].mean()[True] > leads.groupby("deal")["follow_ups"].mean()[False] + 1


def test_logistics_late_deliveries_and_complaints_lower_retention():
    shipments, customers = load_dataset("logistics_shipments"), load_dataset("logistics_customers")
    assert (shipments["on_time"] == (shipments["delivered_date"] <= shipments["promised_date"])).all()
    per_customer = shipments.assign(late=~shipments["on_time"], complained=shipments["complaint"] != "无").groupby(
        "customer_id")[["late", "complained"]].agg({"late": "mean", "complained": "sum"})
    per_customer = per_customer.join(customers.set_index("customer_id")["renewed"])
    high_late = per_customer["late"] > per_customer["late"].median()
    assert per_customer.loc[high_late, "renewed"].mean() < per_customer.loc[~high_late, "renewed"].mean() - 0.15
    none, many = per_customer["complained"] == 0, per_customer["complained"] >= 2
    assert per_customer.loc[many, "renewed"].mean() < per_customer.loc[none, "renewed"].mean() - 0.25


def test_travel_repeat_customers_spend_more_and_bad_reviews_do_not_come_back():
    bookings, reviews = load_dataset("travel_bookings"), load_dataset("travel_reviews")
    bookings = bookings.sort_values(["booked_at", "booking_id"])
    bookings["trip"] = bookings.groupby("customer_id").cumcount() + 1
    trips = bookings.groupby("customer_id").size()
    assert 0.1 < (trips > 1).mean() < 0.5
    amount = bookings.groupby(bookings["trip"] > 1)["amount"].mean()
    assert amount[True] > 1.2 * amount[False]
    rated = reviews.merge(bookings, on="booking_id")
    assert rated.loc[rated["trip"] > 1, "rating"].mean() > rated.loc[rated["trip"] == 1, "rating"].mean() + 0.3
    first = rated[rated["trip"] == 1]
    came_back = first["customer_id"].map(trips) > 1
    assert came_back[first["rating"] <= 2].mean() < came_back[first["rating"] >= 4].mean() / 3
    assert (rated["reviewed_at"] > rated["departure_date"]).all()
    assert (bookings["departure_date"] > bookings["booked_at"]).all()
    complaints = "购物店|太赶|酒店|饭菜|等人|不值|景点|客服"
    assert rated.loc[rated["rating"] <= 2, "review_text"].str.contains(complaints).all()


def test_logistics_complaints_resolved_fast_keep_more_customers():
    shipments, customers = load_dataset("logistics_shipments"), load_dataset("logistics_customers")
    complained = shipments["complaint"] != "无"
    assert shipments.loc[complained, "resolution_hours"].notna().all()
    assert shipments.loc[~complained, "resolution_hours"].isna().all()
    worst = shipments[complained].groupby("customer_id")["resolution_hours"].max()
    renewed = customers.set_index("customer_id")["renewed"].astype(bool).reindex(worst.index)
    assert renewed[worst <= 24].mean() - renewed[worst > 24].mean() > 0.3
