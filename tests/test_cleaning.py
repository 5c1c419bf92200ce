"""crm_lab.cleaning: every step reports what it changed, never loses rows silently, and the whole pipeline
turns the messy GBK export into the reference table."""

import pandas as pd
import pytest

from crm_lab import CRMDataError, load_dataset, read_table
from crm_lab import cleaning as cl
from crm_lab.resources import shipped_dir

COLUMNS = {"客户编号": "customer_id", "姓名": "name", "性别": "gender", "年龄": "age", "身份": "identity",
           "城市": "city", "区": "district", "学校或单位": "organisation", "注册渠道": "channel",
           "注册日期": "registered_at", "出生月份": "birth_month", "会员等级": "member_level",
           "同意营销": "consent_marketing", "手机号": "phone"}


def test_phone_formats_and_invalid_numbers_are_reported_not_dropped():
    df = pd.DataFrame({"phone": ["+86 138 1234 5678", "0086-13812345678", "138****5678", "１３８１２３４５６７８",
                                 "(138)1234-5678", "2381234567", None]})
    out = cl.normalise_phone(df)
    assert len(out) == len(df)
    assert out["phone"].tolist()[:5] == ["13812345678", "13812345678", "138****5678", "13812345678", "13812345678"]
    assert out["phone"].isna().tolist()[5:] == [True, True]
    assert out.attrs["report"]["invalid_rows"] == [5] and out.attrs["report"]["invalid_values"] == ["2381234567"]
    assert out.attrs["report"]["changed"] == 5
    assert df["phone"].iloc[0] == "+86 138 1234 5678", "the input table is not changed"


def test_email_is_lowercased_and_bad_ones_reported():
    out = cl.normalise_email(pd.DataFrame({"email": ["A@B.CN", "a@b.cn", "no-at-sign", " x ＠qq.com"]}))
    assert out["email"].tolist()[:2] == ["a@b.cn", "a@b.cn"] and out["email"].iloc[3] == "x@qq.com"
    assert pd.isna(out["email"].iloc[2]) and out.attrs["report"]["invalid_rows"] == [2]
    assert out.attrs["report"]["changed"] == 3


def test_city_aliases_suffix_and_unknown():
    df = pd.DataFrame({"city": ["GUANGZHOU", "广州市", "广州", "佛山市", "羊城", None]})
    out = cl.standardise_city(df)
    assert out["city"].tolist()[:5] == ["广州", "广州", "广州", "佛山", "羊城"]
    assert out.attrs["report"]["changed"] == 3 and out.attrs["report"]["unknown"] == ["羊城"]
    custom = cl.standardise_city(df, aliases={**cl.CITY_ALIASES, "羊城": "广州"})
    assert custom["city"].iloc[4] == "广州" and custom.attrs["report"]["unknown"] == []
    district = cl.standardise_city(pd.DataFrame({"d": ["天河", "天河区", "松山湖"]}), column="d",
                                   aliases={"天河": "天河区"}, strip_suffix=None)
    assert district["d"].tolist() == ["天河区", "天河区", "松山湖"]
    assert district.attrs["report"]["unknown"] == ["松山湖"]
    with pytest.raises(CRMDataError, match="别名"):
        cl.standardise_city(df, aliases=["广州"])


def test_mixed_dates_excel_serial_impossible_and_too_late():
    df = pd.DataFrame({"d": ["2025-02-27", "2025/2/27", "20250227", "2025年2月27日", "45715", "2025-02-30",
                             "2044-06-08", None]})
    out = cl.parse_mixed_dates(df, column="d", latest="2026-09-01")
    assert (out["d"].iloc[:5] == pd.Timestamp("2025-02-27")).all()
    assert out["d"].iloc[5:].isna().all()
    report = out.attrs["report"]
    assert report["invalid_rows"] == [5] and report["too_late_rows"] == [6]
    assert report["formats"]["Excel 序列号"] == 1 and report["missing"] == 3
    no_serial = cl.parse_mixed_dates(df, column="d", excel_serial=False)
    assert pd.isna(no_serial["d"].iloc[4]) and 4 in no_serial.attrs["report"]["invalid_rows"]
    with pytest.raises(CRMDataError, match="latest"):
        cl.parse_mixed_dates(df, column="d", latest="下个月")


def test_numbers_in_range_and_bad_bounds():
    out = cl.numbers_in_range(pd.DataFrame({"age": ["28", "200", "-1", "abc", None]}), column="age", low=0, high=120)
    assert out["age"].iloc[0] == 28 and out["age"].iloc[1:].isna().all()
    assert out.attrs["report"]["invalid_rows"] == [1, 2, 3] and out.attrs["report"]["changed"] == 3
    with pytest.raises(CRMDataError, match="low"):
        cl.numbers_in_range(pd.DataFrame({"age": ["1"]}), column="age", low=5, high=1)


def test_fill_missing_from_uses_the_most_common_value():
    df = pd.DataFrame({"city": ["广州", "广州", "深圳", None, None],
                       "district": ["天河区", "天河区", "天河区", "天河区", None]})
    out = cl.fill_missing_from(df, column="city", by="district")
    assert out["city"].iloc[3] == "广州" and pd.isna(out["city"].iloc[4])
    assert out.attrs["report"]["changed"] == 1 and out.attrs["report"]["still_missing"] == 1


def test_duplicates_merge_fills_gaps_and_lists_conflicts():
    df = pd.DataFrame({"customer_id": ["C1", "C1", "C2", "C2", "C3", None, None],
                       "age": [20, 20, None, 31, 40, 50, 50],
                       "city": ["广州", "广州", "深圳", "深圳", "佛山", "东莞", "东莞"],
                       "level": ["金卡", "金卡", "普通", "银卡", "普通", "普通", "普通"]})
    out = cl.drop_duplicate_customers(df)
    report = out.attrs["report"]
    assert report["rows_in"] == 7 and report["exact_duplicates"] == 2 and report["merged"] == 1
    assert report["rows_out"] == len(out) == 4 and report["filled"] == 1
    c2 = out[out["customer_id"] == "C2"].iloc[0]
    assert c2["age"] == 31 and c2["level"] == "普通", "first row wins, its gaps are filled from the later one"
    assert report["conflicts"].to_dict("records") == [{"customer_id": "C2", "column": "level", "values": "普通 / 银卡"}]
    assert out["customer_id"].isna().sum() == 1, "rows without a key are kept"


def test_compare_with_reference_counts_mismatch_and_missing():
    mine = pd.DataFrame({"customer_id": ["C1", "C2", "C3"], "age": [28.0, None, 30.0],
                         "d": pd.to_datetime(["2025-01-01", "2025-01-02", None])})
    ref = pd.DataFrame({"customer_id": ["C1", "C2", "C3", "C4"], "age": [28, 29, 31, 40],
                        "d": pd.to_datetime(["2025-01-01", "2025-01-03", "2025-01-04", "2025-01-05"])})
    table = cl.compare_with_reference(mine, ref)
    assert table.loc["age", ["matches", "mismatches", "missing"]].tolist() == [1, 1, 1]
    assert table.loc["d", ["matches", "mismatches", "missing"]].tolist() == [1, 1, 1]
    assert table.attrs["report"]["only_reference"] == 1
    with pytest.raises(CRMDataError, match="重复"):
        cl.compare_with_reference(pd.concat([mine, mine]), ref)


def test_bad_column_names_the_parameter():
    with pytest.raises(CRMDataError, match="column='手机'"):
        cl.normalise_phone(pd.DataFrame({"phone": []}), column="手机")
    with pytest.raises(CRMDataError, match="DataFrame"):
        cl.remove_spaces(["叶 静怡"], columns=["name"])


def test_the_whole_pipeline_reproduces_the_reference():
    raw = read_table(shipped_dir("datasets") / "messy_customers.csv")
    assert raw.attrs["encoding"] == "GBK/GB18030" and len(raw) == 425
    df = raw.rename(columns=COLUMNS)
    df = cl.remove_spaces(df, columns=["name"])
    df = cl.normalise_phone(df)
    df = cl.standardise_city(df)
    districts = {d[:-1]: d for d in df["district"].dropna().unique() if d.endswith("区")}
    df = cl.standardise_city(df, column="district", aliases=districts, strip_suffix=None)
    df = cl.parse_mixed_dates(df, latest="2026-09-01")
    df = cl.numbers_in_range(df, column="age", low=0, high=120)
    df = cl.numbers_in_range(df, column="birth_month", low=1, high=12)
    df["consent_marketing"] = df["consent_marketing"].eq("是")
    df = cl.drop_duplicate_customers(df)
    df = cl.fill_missing_from(df, column="city", by="district")
    reference = load_dataset("messy_customers_clean")
    table = cl.compare_with_reference(df, reference)
    assert len(df) == len(reference) == 400
    assert (table["mismatches"] == 0).all(), table
    assert table["missing"].sum() > 0, "values nobody wrote down stay missing: they are not invented"
