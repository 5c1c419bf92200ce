"""读取数据：课程自带的数据集，以及学生自己的 CSV / Excel 文件。

- ``load_dataset(name)``：读取随课件发放的表，按数据字典检查列并转换类型；
- ``list_datasets()``：列出所有自带的表；
- ``read_table(path)``：读取学生自己的 CSV 或 Excel 文件，自动识别 UTF-8、带 BOM 的 UTF-8、
  GBK/GB18030（中文 Windows 上 Excel 导出的 CSV）和 UTF-16（Excel 的“Unicode 文本”），
  去掉列名两侧多余的空格；读不了时抛出 ``CRMDataError``，用中文说明哪个文件、什么问题、怎么改。
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import zipfile
from pathlib import Path

import pandas as pd

from crm_lab.resources import shipped_dir
from crm_lab.schema import DTYPES, SCHEMAS, TableSchema

CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
# (Python 编码名, 报告给学生的名字)，按尝试顺序排列
_TEXT_ENCODINGS = [("utf-8-sig", "UTF-8"), ("gb18030", "GBK/GB18030")]
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # 旧版 .xls / .doc
_NUMBER_OR_DATE = re.compile(r"^[-+]?(\d+([.,]\d*)?|\.\d+)([eE][-+]?\d+)?$|^\d{4}[-/.年]\d{1,2}")


class CRMDataError(ValueError):
    """数据读不了或不符合要求。消息用中文说明：哪个文件/哪一列/哪几行、出了什么问题、怎么改。"""


def list_datasets() -> pd.DataFrame:
    """列出随课件发放的所有数据表。

    返回的表有四列：``name``（传给 ``load_dataset`` 的名字）、``title``、``rows``、``description``。

    >>> list_datasets()["name"].tolist()[:3]
    ['campus_fair_customers', 'shop_customers', 'shop_products']
    """
    folder = shipped_dir("datasets")
    rows = []
    for name, schema in SCHEMAS.items():
        path = folder / f"{name}.csv"
        with path.open(encoding=schema.encoding) as lines:
            n_rows = sum(1 for _ in lines) - 1
        rows.append({"name": name, "title": schema.title, "rows": n_rows,
                     "description": schema.description})
    return pd.DataFrame(rows, columns=["name", "title", "rows", "description"])


def load_dataset(name: str) -> pd.DataFrame:
    """读取随课件发放的数据表，日期列转成日期类型，并按数据字典检查每一列。

    参数
    ----
    name : 表名，见 ``list_datasets()`` 或数据字典 ``datasets/README.md``。

    故意保留原样的练习文件（例如模块三的 ``messy_customers``，数据字典里注明“所有列都按文本读入”）
    只检查列名：所有列都按文本读入，空单元格是缺失值，不做别的检查和转换——清洗是练习的内容。

    >>> customers = load_dataset("campus_fair_customers")
    >>> customers.shape
    (50, 12)
    >>> str(customers["first_visit"].dtype).startswith("datetime64")
    True
    """
    if name not in SCHEMAS:
        close = difflib.get_close_matches(str(name), SCHEMAS, n=1)
        hint = f"你是不是想写 {close[0]!r}？" if close else ""
        raise CRMDataError(
            f"没有名为 {name!r} 的数据集。{hint}现有的数据集：{', '.join(SCHEMAS)}。"
            "可以运行 list_datasets() 查看它们的说明。"
        )
    schema = SCHEMAS[name]
    path = shipped_dir("datasets") / f"{name}.csv"
    if schema.raw:
        table = read_table(path, encoding=schema.encoding, sep=",", dtype=str)
        check_columns(table, schema.column_names, table=f"数据集 {name}")
        return table
    return _apply_schema(read_table(path), schema)


def check_columns(data: pd.DataFrame, required, *, table: str = "数据表") -> None:
    """检查 ``data`` 里有没有 ``required`` 中的每一列，缺了就抛出 ``CRMDataError``。

    >>> check_columns(pd.DataFrame({"a": [1]}), ["a"])
    >>> check_columns(pd.DataFrame({"a": [1]}), ["a", "amount"], table="订单表")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    crm_lab.data.CRMDataError: 订单表缺少这些列：amount。现有的列：a。请检查列名的拼写...
    """
    if not isinstance(data, pd.DataFrame):
        raise CRMDataError(f"{table}应该是 pandas 的 DataFrame，收到的是 {type(data).__name__}。")
    missing = [c for c in required if c not in data.columns]
    if missing:
        raise CRMDataError(
            f"{table}缺少这些列：{', '.join(map(str, missing))}。"
            f"现有的列：{', '.join(map(str, data.columns))}。"
            "请检查列名的拼写，或用 df.rename(columns={...}) 改名。"
        )


def read_table(path, *, sheet_name=0, encoding: str | None = None, **read_kwargs) -> pd.DataFrame:
    """读取一个 CSV 或 Excel 文件，返回 DataFrame。

    参数
    ----
    path : 文件路径，扩展名为 .csv / .txt / .tsv / .xlsx / .xlsm。
    sheet_name : Excel 文件读哪一个工作表，默认第一个。
    encoding : CSV 的编码；不填时自动识别 UTF-8、带 BOM 的 UTF-8、GBK/GB18030、UTF-16。
    read_kwargs : 其余参数原样交给 ``pandas.read_csv`` / ``pandas.read_excel``。

    读到的编码记在 ``df.attrs["encoding"]``，文件路径记在 ``df.attrs["source"]``。

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = Path(folder) / "客户.csv"
    ...     _ = path.write_text(" 姓名 ,消费金额\\n张三,120\\n", encoding="gbk")
    ...     df = read_table(path)
    >>> list(df.columns), df.attrs["encoding"]
    (['姓名', '消费金额'], 'GBK/GB18030')
    """
    path = Path(path)
    if not path.exists():
        raise CRMDataError(
            f"找不到文件 {path}。请检查文件名和文件夹是否写对（当前文件夹是 {Path.cwd()}）；"
            "路径里的反斜杠 \\ 可以换成 / 。"
        )
    if path.is_dir():
        raise CRMDataError(f"{path} 是一个文件夹，不是文件。请写出文件名，例如 {path / '客户.csv'}。")
    suffix = path.suffix.lower()
    raw = path.read_bytes()
    if not raw.strip():
        raise CRMDataError(f"文件 {path} 是空的（没有任何内容）。请确认保存时选对了文件，并且里面有数据。")
    if suffix in EXCEL_SUFFIXES:
        table, detected = _read_excel(path, sheet_name, read_kwargs), "Excel"
    elif suffix in CSV_SUFFIXES:
        table, detected = _read_csv(path, raw, encoding, read_kwargs)
    elif suffix == ".xls":
        raise CRMDataError(
            f"{path} 是旧版 Excel 97-2003 格式（.xls），这里读不了。"
            "请在 Excel 里“另存为”“Excel 工作簿 (*.xlsx)”或“CSV UTF-8 (逗号分隔)”后再读。"
        )
    else:
        raise CRMDataError(
            f"不支持 {suffix or '没有扩展名'} 格式的文件：{path}。"
            "请在 Excel 或 WPS 里把它另存为 .xlsx 或 .csv 再读。"
        )
    table.attrs["source"] = str(path)
    table.attrs["encoding"] = detected
    return table


def _read_csv(path: Path, raw: bytes, encoding: str | None, read_kwargs: dict):
    if raw.startswith(_ZIP_MAGIC) or raw.startswith(_OLE_MAGIC):
        raise CRMDataError(
            f"{path} 的扩展名是 {path.suffix}，但里面其实是 Excel 工作簿。"
            "请把扩展名改成 .xlsx，或在 Excel 里“另存为”CSV。"
        )
    text, detected = _decode(path, raw, encoding)
    if not text.strip():
        raise CRMDataError(f"文件 {path} 里只有空白，没有数据。")
    sep = read_kwargs.pop("sep", None) or _sniff_separator(text)
    try:
        header = pd.read_csv(io.StringIO(text), sep=sep, header=None, nrows=1, dtype=str,
                             keep_default_na=False)
        names = _check_header(path, header.iloc[0].tolist())
        table = pd.read_csv(io.StringIO(text), sep=sep, **read_kwargs)
    except pd.errors.EmptyDataError as exc:
        raise CRMDataError(f"文件 {path} 里没有可读的数据。") from exc
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"第 {line.group(1)} 行" if line else "某一行"
        raise CRMDataError(
            f"文件 {path} 的{where}列数和表头不一致（{exc}）。"
            "常见原因：某个单元格里含有逗号却没有用引号括起来。请在 Excel 里打开检查这一行。"
        ) from exc
    return _finish(path, table, names), detected


def _read_excel(path: Path, sheet_name, read_kwargs: dict) -> pd.DataFrame:
    try:
        grid = pd.read_excel(path, sheet_name=sheet_name, header=None, engine="openpyxl",
                             **read_kwargs)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CRMDataError(
            f"{path} 不是有效的 Excel 文件（可能已损坏，或者其实是 CSV/文本文件改了扩展名）。"
            "请在 Excel 里重新“另存为”.xlsx 再读。"
        ) from exc
    except (ValueError, KeyError) as exc:
        if "not found" in str(exc) or "out of range" in str(exc) or isinstance(exc, KeyError):
            with pd.ExcelFile(path, engine="openpyxl") as book:
                sheets = book.sheet_names
            raise CRMDataError(
                f"{path} 里没有工作表 {sheet_name!r}。现有的工作表：{', '.join(sheets)}。"
                "请用 sheet_name= 写其中一个名字（或从 0 开始的序号）。"
            ) from exc
        raise
    grid = grid.dropna(how="all").dropna(axis=1, how="all")
    if grid.empty:
        raise CRMDataError(f"{path} 的工作表 {sheet_name!r} 是空的。请确认数据在这个工作表里。")
    names = _check_header(path, grid.iloc[0].tolist())
    table = grid.iloc[1:].reset_index(drop=True).infer_objects()
    table.columns = range(table.shape[1])
    return _finish(path, table, names)


def _decode(path: Path, raw: bytes, encoding: str | None) -> tuple[str, str]:
    if encoding:
        try:
            return raw.decode(encoding), encoding
        except (UnicodeDecodeError, LookupError) as exc:
            raise CRMDataError(
                f"无法用 {encoding} 编码读取 {path}（{exc}）。去掉 encoding= 参数让程序自动识别，"
                "或试试 encoding='gbk' / 'utf-8'。"
            ) from exc
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-16"), "UTF-16"
    if b"\x00" in raw[:4096]:
        raise CRMDataError(
            f"{path} 看起来不是文本文件（含有二进制内容）。请在 Excel 或 WPS 里另存为 CSV 或 .xlsx。"
        )
    for codec, label in _TEXT_ENCODINGS:
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError:
            continue
        if codec == "utf-8-sig" and raw.startswith(b"\xef\xbb\xbf"):
            label = "UTF-8 (BOM)"
        return text, label
    raise CRMDataError(
        f"{path} 既不是 UTF-8 也不是 GBK 编码，读不出中文。"
        "请在 Excel 里“另存为”→“CSV UTF-8 (逗号分隔)”，或用记事本“另存为”时选择 UTF-8 编码。"
    )


def _sniff_separator(text: str) -> str:
    sample = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",\t;|").delimiter
    except csv.Error:
        return ","


def _clean_name(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    return str(value).replace("\ufeff", "").strip().strip("\u3000").strip()


def _check_header(path: Path, header_row: list) -> list[str]:
    names = [_clean_name(v) for v in header_row]
    filled = [n for n in names if n]
    if filled and all(_NUMBER_OR_DATE.match(n) for n in filled):
        raise CRMDataError(
            f"{path} 的第一行看起来是数据（{', '.join(filled[:3])} …），不是列名。"
            "请在文件最上面插入一行列名，例如 customer_id, name, amount。"
        )
    seen, duplicates = set(), []
    for n in filled:
        if n in seen and n not in duplicates:
            duplicates.append(n)
        seen.add(n)
    if duplicates:
        raise CRMDataError(
            f"{path} 里有重复的列名：{', '.join(duplicates)}。每一列的名字必须不同，请改名后再读。"
        )
    return names


def _finish(path: Path, table: pd.DataFrame, names: list[str]) -> pd.DataFrame:
    if len(names) != table.shape[1]:  # pandas 读到的列数与表头不一致，交给它的列名
        names = [_clean_name(c) for c in table.columns]
    table.columns = names
    unnamed = [i for i, n in enumerate(names) if not n]
    if unnamed:
        empty = [i for i in unnamed if table.iloc[:, i].isna().all()]
        with_data = [i for i in unnamed if i not in empty]
        if with_data:
            letters = ", ".join(_excel_column(i) for i in with_data)
            raise CRMDataError(
                f"{path} 的第 {letters} 列有数据却没有列名。请在第一行给这些列补上名字。"
            )
        table = table.drop(columns=table.columns[empty])
    if table.empty:
        raise CRMDataError(f"{path} 只有列名，没有数据行。请确认数据已经保存进文件。")
    return table


def _excel_column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


_TIME_FORMATS = {"date": "%Y-%m-%d", "datetime": "%Y-%m-%d %H:%M:%S"}


def _apply_schema(table: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """按表结构检查每一列并转换类型；数据不符时抛出 ``CRMDataError``，指出列名和文件中的行号。"""
    check_columns(table, schema.column_names, table=f"数据集 {schema.name}")
    table = table[schema.column_names].copy()

    def fail(column, mask, problem):
        rows = ", ".join(str(i + 2) for i in mask[mask].index[:5])  # 文件行号：表头是第 1 行
        raise CRMDataError(
            f"数据集 {schema.name} 的列 {column.name} {problem}（文件第 {rows} 行等 {int(mask.sum())} 处）。"
            f"这张表应该由 crm_lab.synth 生成：请运行 `crm-lab datasets --rebuild` 或重新安装课件。"
        )

    for column in schema.columns:
        values = table[column.name]
        missing = values.isna()
        if missing.any() and not column.nullable:
            fail(column, missing, "有空值")
        if column.dtype in _TIME_FORMATS:
            parsed = pd.to_datetime(values, format=_TIME_FORMATS[column.dtype], errors="coerce")
            fail_mask = parsed.isna() & ~missing
            if fail_mask.any():
                fail(column, fail_mask, f"有无法识别的日期（应为 {_TIME_FORMATS[column.dtype]}）")
            table[column.name] = parsed
        elif column.dtype == "category":
            unknown = ~values.isin(column.values) & ~missing
            if unknown.any():
                allowed = " / ".join(column.values)
                fail(column, unknown, f"有不认识的取值 {values[unknown].iloc[0]!r}（允许：{allowed}）")
            table[column.name] = pd.Categorical(values, categories=column.values)
        elif column.dtype in ("int", "float"):
            numbers = pd.to_numeric(values, errors="coerce")
            wrong = numbers.isna() & ~missing
            if column.dtype == "int":
                wrong |= ~missing & numbers.notna() & (numbers % 1 != 0)
            if wrong.any():
                fail(column, wrong, f"应该是{DTYPES[column.dtype]}，却有 {values[wrong].iloc[0]!r}")
            table[column.name] = numbers.astype("int64" if column.dtype == "int" and not missing.any() else float)
        elif column.dtype == "bool":
            if values.dtype.kind != "b":
                wrong = ~values.astype(str).isin(["True", "False"]) & ~missing
                fail(column, wrong if wrong.any() else ~missing, "应该是 True 或 False")
        elif not (pd.api.types.is_string_dtype(values) or values.dtype == object):
            table[column.name] = values.astype(str)
    return table
