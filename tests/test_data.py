"""crm_lab.data: shipped datasets and students' own CSV / Excel files, including bad input."""

import pandas as pd
import pytest

from crm_lab import CRMDataError, check_columns, list_datasets, load_dataset, read_table
from crm_lab.schema import SCHEMAS

ROWS = [("C001", "张三", 120.5), ("C002", "李四", 88.0)]


def write_csv(path, text, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


CSV_TEXT = "customer_id,name,amount\n" + "".join(f"{a},{b},{c}\n" for a, b, c in ROWS)


@pytest.mark.parametrize(
    ("encoding", "label"),
    [("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 (BOM)"), ("gbk", "GBK/GB18030"),
     ("gb18030", "GBK/GB18030")],
)
def test_read_table_detects_encoding(tmp_path, encoding, label):
    path = write_csv(tmp_path / "客户.csv", CSV_TEXT, encoding)
    table = read_table(path)
    assert list(table.columns) == ["customer_id", "name", "amount"]
    assert table["name"].tolist() == ["张三", "李四"]
    assert table["amount"].tolist() == [120.5, 88.0]
    assert table.attrs["encoding"] == label


def test_read_table_gb18030_only_characters(tmp_path):
    # 𠮷 is outside GBK: only GB18030 can store it, and Excel on Chinese Windows may write it.
    path = write_csv(tmp_path / "客户.csv", "name,city\n𠮷祥,北京\n", "gb18030")
    assert read_table(path)["name"].tolist() == ["𠮷祥"]


def test_read_table_utf16_tab_separated_excel_unicode_text(tmp_path):
    path = write_csv(tmp_path / "导出.txt", "姓名\t金额\n张三\t12\n", "utf-16")
    table = read_table(path)
    assert list(table.columns) == ["姓名", "金额"]
    assert table.attrs["encoding"] == "UTF-16"


def test_read_table_semicolon_separator(tmp_path):
    path = write_csv(tmp_path / "a.csv", "a;b\n1;2\n3;4\n")
    assert read_table(path)["b"].tolist() == [2, 4]


def test_read_table_strips_header_whitespace(tmp_path):
    path = write_csv(tmp_path / "a.csv", " customer_id ,\u3000name\u3000,amount\t\nC1,张三,1\n")
    assert list(read_table(path).columns) == ["customer_id", "name", "amount"]


def test_read_table_keeps_every_row(tmp_path):
    lines = "".join(f"C{i},客户{i},{i}\n" for i in range(500))
    path = write_csv(tmp_path / "a.csv", "id,name,amount\n" + lines, "gbk")
    assert len(read_table(path)) == 500


def test_read_table_excel(tmp_path):
    path = tmp_path / "客户.xlsx"
    pd.DataFrame(ROWS, columns=[" customer_id", "name ", "amount"]).to_excel(path, index=False)
    table = read_table(path)
    assert list(table.columns) == ["customer_id", "name", "amount"]
    assert table["amount"].dtype.kind == "f"
    assert table.attrs["encoding"] == "Excel"


def test_read_table_excel_other_sheet_and_bad_sheet(tmp_path):
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="说明", index=False)
        pd.DataFrame({"amount": [5, 6]}).to_excel(writer, sheet_name="订单", index=False)
    assert read_table(path, sheet_name="订单")["amount"].tolist() == [5, 6]
    with pytest.raises(CRMDataError, match="没有工作表 '客户'.*说明, 订单"):
        read_table(path, sheet_name="客户")


def test_read_table_drops_empty_unnamed_column(tmp_path):
    path = write_csv(tmp_path / "a.csv", "a,b,\n1,2,\n3,4,\n")
    assert list(read_table(path).columns) == ["a", "b"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.csv", b"", "是空的"),
        ("blank.csv", b"  \n\n ", "是空的"),
        ("header_only.csv", b"id,name\n", "只有列名"),
        ("no_header.csv", b"1,2,3\n4,5,6\n", "第一行看起来是数据"),
        ("dates_first.csv", b"2024-01-05,12.5\n2024-01-06,3\n", "第一行看起来是数据"),
        ("dupe.csv", "金额,name, 金额\n1,a,2\n".encode(), "重复的列名：金额"),
        ("unnamed.csv", b"a,,c\n1,2,3\n", "第 B 列有数据却没有列名"),
        ("ragged.csv", b"a,b\n1,2\n3,4\n5,6,7\n", "第 4 行"),
        ("fake.csv", b"PK\x03\x04rest-of-a-zip", "其实是 Excel"),
        ("binary.csv", b"\x00\x01\x02\x03abc", "不是文本文件"),
        ("notes.docx", b"whatever", "不支持 .docx"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "另存为"),
        ("broken.xlsx", b"this is not a zip", "不是有效的 Excel 文件"),
        ("latin.csv", b"name\n\xff\xfe\xfd\x80\n", None),
    ],
)
def test_read_table_bad_files_get_chinese_errors(tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    if expected is None:  # undecodable in UTF-8 and GB18030: must say how to re-save
        with pytest.raises(CRMDataError, match="UTF-8.*GBK"):
            read_table(path)
        return
    with pytest.raises(CRMDataError) as info:
        read_table(path)
    message = str(info.value)
    assert expected in message
    assert name in message  # the message names the file


def test_read_table_missing_file_and_directory(tmp_path):
    with pytest.raises(CRMDataError, match="找不到文件 .*nope.csv.*当前文件夹"):
        read_table(tmp_path / "nope.csv")
    with pytest.raises(CRMDataError, match="是一个文件夹"):
        read_table(tmp_path)


def test_read_table_explicit_wrong_encoding(tmp_path):
    path = write_csv(tmp_path / "a.csv", CSV_TEXT, "gbk")
    with pytest.raises(CRMDataError, match="无法用 utf-8 编码读取.*去掉 encoding="):
        read_table(path, encoding="utf-8")
    assert read_table(path, encoding="gbk")["name"].tolist() == ["张三", "李四"]


def test_check_columns_names_missing_and_existing():
    frame = pd.DataFrame({"customer_id": [1], "date": [2]})
    check_columns(frame, ["customer_id"])
    with pytest.raises(CRMDataError, match="订单表缺少这些列：amount。现有的列：customer_id, date"):
        check_columns(frame, ["customer_id", "amount"], table="订单表")
    with pytest.raises(CRMDataError, match="DataFrame"):
        check_columns([1, 2], ["a"])


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_load_dataset_matches_schema(name):
    schema = SCHEMAS[name]
    table = load_dataset(name)
    assert list(table.columns) == schema.column_names
    if schema.raw:  # kept as exported on purpose: every column is text, nothing is converted
        assert all(pd.api.types.is_string_dtype(table[c]) for c in table.columns)
        return
    for column in schema.columns:
        values = table[column.name]
        if column.dtype == "category":
            assert isinstance(values.dtype, pd.CategoricalDtype)
            assert list(values.cat.categories) == list(column.values)
        else:
            expected = {"int": "i", "float": "f", "date": "M", "datetime": "M", "bool": "b", "str": "OTU"}
            if column.dtype == "int" and values.isna().any():  # the dictionary says: read as float when empty
                expected["int"] = "f"
            assert values.dtype.kind in expected[column.dtype], (column.name, values.dtype)
            if column.dtype == "int":
                assert (values.dropna() % 1 == 0).all(), column.name
        if not column.nullable:
            assert not values.isna().any(), column.name


@pytest.mark.parametrize(
    ("column", "bad_value", "expected"),
    [
        ("gender", "未知", "列 gender 有不认识的取值 '未知'（允许：男 / 女）"),
        ("registered_at", "2025/13/40", "列 registered_at 有无法识别的日期"),
        ("birth_month", "五月", "列 birth_month 应该是整数"),
        ("name", "", "列 name 有空值"),
    ],
)
def test_load_dataset_reports_corrupted_shipped_data(tmp_path, monkeypatch, column, bad_value, expected):
    from crm_lab import data

    table = pd.read_csv(data.shipped_dir("datasets") / "shop_customers.csv", encoding="utf-8-sig", dtype=str)
    table.loc[3, column] = bad_value
    table.to_csv(tmp_path / "shop_customers.csv", index=False, encoding="utf-8-sig")
    monkeypatch.setattr(data, "shipped_dir", lambda kind: tmp_path)
    with pytest.raises(CRMDataError, match="文件第 5 行") as info:
        load_dataset("shop_customers")
    assert expected in str(info.value)
    assert "crm-lab datasets --rebuild" in str(info.value)


def test_campus_fair_customers_content():
    customers = load_dataset("campus_fair_customers")
    assert len(customers) == 50
    assert customers["customer_id"].is_unique
    assert (customers["visits"] >= 1).all() and (customers["total_spent"] > 0).all()
    assert customers["satisfaction"].between(1, 5).all()
    # the pattern m0 teaches: staff spend the most per visit
    per_visit = (customers["total_spent"] / customers["visits"]).groupby(customers["identity"]).mean()
    assert per_visit.idxmax() == "教职工"


def test_load_dataset_unknown_name_suggests():
    with pytest.raises(CRMDataError, match="你是不是想写 'campus_fair_customers'"):
        load_dataset("campus_fair_customer")


def test_list_datasets_counts_rows():
    listing = list_datasets()
    assert set(listing["name"]) == set(SCHEMAS)
    for row in listing.itertuples():
        assert row.rows == len(load_dataset(row.name))
        assert row.description
