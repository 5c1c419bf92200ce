"""crm_lab：《客户关系管理》数据实训课件的工具包。

常用入口::

    from crm_lab import load_dataset, read_table
    customers = load_dataset("campus_fair_customers")
"""

from crm_lab.data import CRMDataError, check_columns, list_datasets, load_dataset, read_table

__version__ = "0.1.0"

__all__ = [
    "CRMDataError",
    "check_columns",
    "list_datasets",
    "load_dataset",
    "read_table",
    "__version__",
]
