"""只给老师看的单元格：生成学生版时删掉。

实验笔记本里有些步骤学生在 **表单** 里完成（见 ``crm_lab.widgets`` 的表单记录）。老师版（solutions/）紧接着
表单放一个代码单元格，用 ``crm`` 的函数做同样的操作，这样老师可以“用代码跑一遍”，自动评分时老师版也得满分。
这种单元格打上标签 ``teacher-only``（JupyterLab：右侧栏 → 属性检查器 → 单元格标签）。

学生版里它整个不出现：nbgrader 会把答案区换成一行“还没写答案”的报错，而用表单完成的学生不该碰到
这个报错。课程的 ``nbgrader_config.py`` 把 ``RemoveTeacherOnlyCells`` 放在 ``GenerateAssignment.preprocessors``
的最前面，所以 ``make release`` 和老师自己运行 ``nbgrader generate_assignment`` 的结果一样。
评分单元格（测试、答案）不能打这个标签，否则学生版会缺少评分单元格：这时报错。
"""

from __future__ import annotations

from nbconvert.preprocessors import Preprocessor
from traitlets import Bool, Unicode

TEACHER_ONLY_TAG = "teacher-only"


def is_teacher_only(cell, tag: str = TEACHER_ONLY_TAG) -> bool:
    """这个单元格是否只给老师看（标签里有 ``tag``）。"""
    return tag in cell.get("metadata", {}).get("tags", [])


class RemoveTeacherOnlyCells(Preprocessor):
    """nbconvert 预处理器：删掉打了 ``teacher-only`` 标签的单元格。

    >>> import nbformat
    >>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("用上面的表单添加客户"),
    ...     nbformat.v4.new_code_cell("add_customer(db, name='山西大学')", metadata={"tags": ["teacher-only"]})])
    >>> [c.source for c in RemoveTeacherOnlyCells().preprocess(nb, {})[0].cells]
    ['用上面的表单添加客户']
    """

    enabled = Bool(True, help="nbconvert 的预处理器默认不启用；这个默认启用").tag(config=True)
    tag = Unicode(TEACHER_ONLY_TAG, help="只给老师看的单元格的标签").tag(config=True)

    def preprocess(self, nb, resources):
        for index, cell in enumerate(nb.cells):
            if is_teacher_only(cell, self.tag) and cell.get("metadata", {}).get("nbgrader", {}).get("grade_id"):
                raise ValueError(f"第 {index + 1} 个单元格是 nbgrader 评分单元格，却打了 {self.tag} 标签："
                                 "学生版会缺少它。请去掉这个标签，或把它改成普通单元格。")
        nb.cells = [cell for cell in nb.cells if not is_teacher_only(cell, self.tag)]
        return nb, resources
