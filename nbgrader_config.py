# nbgrader configuration of the crm-lab course. The course directory is the repository root:
# solutions/<id>/ holds the instructor notebooks, notebooks/<id>/ the generated student versions.
c = get_config()  # noqa: F821  (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "crm-lab"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"

# Every notebook runs on the python3 kernel of the environment nbgrader itself runs in.
c.Execute.kernel_name = "python3"
# A cell that runs longer than this is interrupted and counts as an error: an endless loop in a
# submission costs that exercise its points but never hangs the grader.
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# What students see in place of the solutions.
c.ClearSolutions.code_stub = {
    "python": "# 在这里写你的代码（写完后删除下面这一行）\nraise NotImplementedError()"
}
c.ClearSolutions.text_stub = "在这里写下你的答案。"

# Cells tagged "teacher-only" (the teacher's code for a step students do in a form) are not in the student
# version; the rest of nbgrader's generate_assignment pipeline is unchanged.
from nbgrader.converters import GenerateAssignment  # noqa: E402

from crm_lab.teacher_only import RemoveTeacherOnlyCells  # noqa: E402

c.GenerateAssignment.preprocessors = [RemoveTeacherOnlyCells,
                                      *GenerateAssignment.class_traits()["preprocessors"].default()]

# A test cell a student deleted is put back at autograde time, so deleting it cannot earn points.
c.OverwriteCells.add_missing_cells = True
c.OverwriteCells.missing_cell_notification = "# 这个单元格（{cell_id}）在提交的作业里被删除了，评分时已恢复。\n"

# Feedback sent to students shows which tests failed and their Chinese hints, but never the code of the
# hidden tests (nbgrader 0.9.6 would show it: jupyter/nbgrader#917). crm_lab is installed with the course.
from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import GetGrades  # noqa: E402

from crm_lab.feedback import HideHiddenTests  # noqa: E402

c.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, CSSHTMLHeaderPreprocessor]
