"""发给学生的反馈里不出现隐藏测试。

nbgrader 0.9.6 的 ``generate_feedback`` 直接把评分后的笔记本转成 HTML，而评分时隐藏测试
（``### BEGIN HIDDEN TESTS`` … ``### END HIDDEN TESTS``）已经被放回测试单元格，所以反馈会显示它们的代码；
测试失败时的报错回溯（traceback）也会列出出错的那一行测试代码（nbgrader issue #917，至今未修）。
``HideHiddenTests`` 在转成 HTML 之前处理每个评分单元格：

- 把隐藏测试的代码换成一行说明；
- 报错只保留“错误类型: 中文提示”这一行，去掉回溯里的代码。

课程的 ``nbgrader_config.py`` 把它加进 ``GenerateFeedback.preprocessors``。学生自己的答案和输出不受影响。
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

HIDDEN_NOTE = "# （这里还有隐藏测试：评分时已经运行，代码不公开）"


def strip_hidden_tests(source: str, begin: str = "### BEGIN HIDDEN TESTS",
                       end: str = "### END HIDDEN TESTS", note: str = HIDDEN_NOTE) -> str:
    """把 ``source`` 里每一段隐藏测试换成一行 ``note``（缩进不变）；没有结束标记时删到末尾。

    >>> print(strip_hidden_tests("assert a == 1\\n### BEGIN HIDDEN TESTS\\nassert a != 2\\n### END HIDDEN TESTS"))
    assert a == 1
    # （这里还有隐藏测试：评分时已经运行，代码不公开）
    """
    kept, hidden = [], False
    for line in source.splitlines():
        marker = line.strip()
        if not hidden and marker.startswith(begin):
            hidden = True
            kept.append(line[: len(line) - len(line.lstrip())] + note)
        elif hidden and marker.startswith(end):
            hidden = False
        elif not hidden:
            kept.append(line)
    return "\n".join(kept)


class HideHiddenTests(Preprocessor):
    """nbconvert 预处理器：去掉评分单元格里的隐藏测试代码和报错回溯（见模块说明）。"""

    enabled = Bool(True, help="nbconvert 的预处理器默认不启用；这个默认启用").tag(config=True)
    begin_test_delimeter = Unicode("BEGIN HIDDEN TESTS", help="隐藏测试开始的标记（与 nbgrader 相同）").tag(config=True)
    end_test_delimeter = Unicode("END HIDDEN TESTS", help="隐藏测试结束的标记（与 nbgrader 相同）").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        grading = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not grading.get("grade") or grading.get("solution"):
            return cell, resources
        cell.source = strip_hidden_tests(cell.source, f"### {self.begin_test_delimeter}",
                                         f"### {self.end_test_delimeter}")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename', 'Error')}: {output.get('evalue', '')}"]
        return cell, resources
