"""crm_lab.privacy: masking keeps only what the rule allows, refuses what it cannot read, and the
minimum-necessary check advises per column."""

import pandas as pd
import pytest

from crm_lab import CRMDataError
from crm_lab import privacy as pv


def test_scalar_masks():
    assert pv.mask_phone("13812345678") == "138****5678"
    assert pv.mask_phone(" +86 138-1234-5678") == "138****5678"
    assert pv.mask_phone("138****5678") == "138****5678"
    assert pv.mask_name("张建华") == "张**" and pv.mask_name(" 萧婷") == "萧*" and pv.mask_name("李") == "李"
    assert pv.mask_id_number("440106200001011234") == "440106********1234"
    assert pv.mask_id_number("44010620000101123x") == "440106********123X"
    assert pv.mask_email("ZhangSan@QQ.com") == "z*******@qq.com"
    for mask in (pv.mask_phone, pv.mask_name, pv.mask_id_number, pv.mask_email):
        assert mask(None) is None


def test_masked_values_hide_the_middle():
    phone, masked = "13987654321", pv.mask_phone("13987654321")
    assert masked[3:7] == "****" and phone[3:7] not in masked[:7]
    assert "20000101" not in pv.mask_id_number("440106200001011234")


@pytest.mark.parametrize("mask, bad", [(pv.mask_phone, "12345"), (pv.mask_id_number, "4.40106E+17"),
                                       (pv.mask_email, "zhangsan"), (pv.mask_name, "  ")])
def test_unreadable_values_raise(mask, bad):
    with pytest.raises(CRMDataError):
        mask(bad)


def test_mask_columns_raise_or_hide():
    df = pd.DataFrame({"name": ["张建华", None], "phone": ["13812345678", "12345"]})
    with pytest.raises(CRMDataError, match=r"'phone'.*\[1\]"):
        pv.mask_columns(df, {"name": "name", "phone": "phone"})
    out = pv.mask_columns(df, {"name": "name", "phone": "phone"}, errors="hide")
    assert out["phone"].tolist() == ["138****5678", "***"] and out["name"].iloc[0] == "张**"
    assert df["phone"].iloc[0] == "13812345678", "the input table is not changed"
    assert out.attrs["report"]["masked"] == {"name": 1, "phone": 2}
    custom = pv.mask_columns(df, {"name": lambda v: "某"})
    assert custom["name"].tolist() == ["某", "某"]
    with pytest.raises(CRMDataError, match="规则"):
        pv.mask_columns(df, {"name": "surname"})
    with pytest.raises(CRMDataError, match="不在表里"):
        pv.mask_columns(df, {"email": "email"})


def test_minimum_necessary_advice():
    df = pd.DataFrame(columns=["customer_id", "name", "phone", "id_number", "birth_month", "city"])
    table = pv.minimum_necessary(df, needed=["customer_id", "phone", "birth_month"], purpose="生日短信")
    assert table["advice"].to_dict() == {"customer_id": "保留", "name": "删除", "phone": "保留并脱敏",
                                         "id_number": "删除", "birth_month": "保留", "city": "删除"}
    assert table.loc["id_number", "sensitive"] and not table.loc["phone", "sensitive"]
    assert table.attrs["report"]["drop"] == ["name", "id_number", "city"]
    with pytest.raises(CRMDataError, match="needed"):
        pv.minimum_necessary(df, needed=["email"])
