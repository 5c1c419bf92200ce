"""数据生成器用的随机抽取：和 ``numpy.random.Generator.choice`` 抽到同一个结果、消耗同样的随机数，但快得多。

课程数据（``crm_lab.synth``、``crm_lab.synth_cases``）逐行模拟，随机数的抽取顺序决定了生成的文件，
所以不能整批抽取；逐个调用 ``rng.choice`` 每次都要检查概率、把选项转成数组，在大规模（基准测试）时太慢。
numpy 的 ``choice`` 抽一个元素时：有概率 ``p`` 就抽一个 ``random()``，在累积概率表里二分查找；
没有概率就抽 ``integers(0, 选项个数)``。这里做同样的事。
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

import numpy as np


@lru_cache(maxsize=256)
def _cdf_of(p: tuple[float, ...]) -> tuple[float, ...]:
    cdf = np.asarray(p, dtype=float).cumsum()
    cdf /= cdf[-1]
    return tuple(cdf.tolist())


def choice_cdf(p) -> tuple[float, ...]:
    """``Generator.choice(a, p=p)`` 内部用的累积概率表（最后一项正好是 1）。

    ``bisect_right(choice_cdf(p), rng.random())`` 和 ``rng.choice(len(p), p=p)`` 得到同一个下标。

    >>> choice_cdf([0.5, 0.25, 0.25])
    (0.5, 0.75, 1.0)
    """
    return _cdf_of(tuple(p))


def pick(rng: np.random.Generator, options, p=None):
    """从 ``options`` 里抽一个（``p`` 是各项的概率），结果和随机数流都同 ``rng.choice(options, p=p)``。

    >>> a, b = np.random.default_rng(1), np.random.default_rng(1)
    >>> [pick(a, ["甲", "乙", "丙"], [0.2, 0.5, 0.3]) for _ in range(5)] == [
    ...     str(b.choice(["甲", "乙", "丙"], p=[0.2, 0.5, 0.3])) for _ in range(5)]
    True
    >>> pick(a, ["甲", "乙"]) == str(b.choice(["甲", "乙"]))
    True
    """
    if p is None:
        return options[int(rng.integers(0, len(options)))]
    return options[bisect_right(_cdf_of(tuple(p)), rng.random())]
