"""A student in a real browser: open m0, get exercise 1 wrong, then right, then Validate; move a widget slider.

Drives Debian's Chromium (never a browser downloaded by `playwright install`) against `crm-lab start`.
Screenshots of the key moments go to test-artifacts/browser/ so CI can keep them.
"""

import contextlib
import re
import sys
from pathlib import Path

import pytest
from helpers import chromium, free_port, isolated_jupyter_env, lab_args, running_lab, skip_without_chromium

REPO = Path(__file__).resolve().parent.parent
SHOTS = REPO / "test-artifacts" / "browser"
NOTEBOOK = "m0_getting_started/m0_getting_started.ipynb"

EX1_HINT = "order_total 不对：想一想 3 本笔记本和 2 支笔各要多少钱，再加起来。"
EX2_HINT = "请定义 average_visitors 和 weekend_share 两个变量，并运行答案单元格。"
WRONG = 'order_total = 3 * 8.5 + 2\nreceipt = f"小林本次消费 {order_total:.2f} 元"\nprint(receipt)'
RIGHT = 'order_total = 3 * 8.5 + 2 * 3\nreceipt = f"小林本次消费 {order_total:.2f} 元"\nprint(receipt)'
SECONDS = 1000  # playwright timeouts are in milliseconds
# the kernel of the notebook in the visible tab is idle (other open notebooks have their own indicator)
ACTIVE_IDLE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook-ExecutionIndicator[data-status='idle']"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`crm-lab start` on loopback, without a token, isolated from the user's Jupyter settings."""
    skip_without_chromium()
    tmp = tmp_path_factory.mktemp("browser")
    port = free_port()
    env = isolated_jupyter_env(tmp)
    env.pop("MPLBACKEND", None)  # conftest sets Agg for the test process; a student's kernel has none
    command = [sys.executable, "-m", "crm_lab.cli", "start", str(tmp / "workspace"), "--no-browser", "--",
               *lab_args(port, tmp)]
    with running_lab(command, port=port, cwd=tmp, env=env, log=tmp / "lab.log") as base:
        yield base, tmp / "workspace"


@pytest.fixture(scope="module")
def browser(lab):
    with chromium() as browser:
        yield browser


def open_notebook(browser, lab, path, workspace=None):
    """A new tab on `path`; a named JupyterLab workspace starts empty instead of reopening earlier tabs."""
    page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    page.set_default_timeout(30 * SECONDS)
    page.goto(f"{lab[0]}/lab/{f'workspaces/{workspace}/' if workspace else ''}tree/{path}")
    return page


@pytest.fixture
def page(browser, lab):
    page = open_notebook(browser, lab, NOTEBOOK)
    yield page
    page.close()


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"))


@contextlib.contextmanager
def shot_on_failure(page, name: str):
    """Screenshot ``name`` if the block fails; best effort, never hides the real failure."""
    (SHOTS / f"{name}.png").unlink(missing_ok=True)  # a stale one from an earlier run would mislead
    try:
        yield
    except BaseException:
        with contextlib.suppress(Exception):
            shot(page, name)
        raise


def replace_code(page, cell, code: str) -> None:
    """Put `code` into a cell's editor as a student would, and check nothing got auto-indented/closed."""
    from playwright.sync_api import expect

    editor = cell.locator(".cm-content")
    focused = cell.locator(".cm-editor.cm-focused")
    # keys sent before CodeMirror has focus go to the notebook (Ctrl+A there selects cells, not text);
    # a click that lands while the notebook is still scrolling after "run all" can miss: click again
    # and on a busy machine a select-all can reach the editor before it is ready: check, and try again
    for _ in range(4):
        editor.click()
        try:
            expect(focused).to_have_count(1, timeout=3 * SECONDS)
            expect(page.locator(".jp-Notebook.jp-mod-editMode")).to_have_count(1, timeout=3 * SECONDS)
            page.keyboard.press("Control+a")
            page.keyboard.press("Delete")
            expect(editor).to_have_text("", timeout=3 * SECONDS)
            break
        except AssertionError:
            page.wait_for_timeout(500)
    expect(editor).to_have_text("")
    page.keyboard.insert_text(code)  # one input event: no auto-indent or bracket closing per keystroke
    expect(editor).to_have_text(code.replace("\n", ""))  # CodeMirror renders one .cm-line per line
    assert editor.inner_text().strip() == code


def run_all(page, started, attempts: int = 3) -> None:
    """Menu 运行 → 运行所有单元格, until ``started()`` stops raising AssertionError: a "run all" sent while a new
    kernel is still connecting can be lost, so it is sent again."""
    for attempt in range(attempts):
        page.get_by_role("menuitem", name="运行", exact=True).click()
        page.get_by_role("menuitem", name="运行所有单元格", exact=True).click()
        try:
            started()
            return
        except AssertionError:
            if attempt == attempts - 1:
                raise


def run_answer_and_test(page, test_cell) -> None:
    """Shift+Enter twice: runs the answer cell, then the test cell below it; waits for the test to finish."""
    from playwright.sync_api import expect

    prompt = test_cell.locator(".jp-InputArea-prompt")
    before = prompt.inner_text()
    page.keyboard.press("Shift+Enter")
    page.keyboard.press("Shift+Enter")
    expect(prompt).not_to_have_text(before, timeout=60 * SECONDS)
    expect(prompt).to_have_text(re.compile(r"^\s*\[\d+\]:\s*$"), timeout=60 * SECONDS)


def test_m0_exercise_1_wrong_then_right_then_validate(page):
    from playwright.sync_api import expect

    with shot_on_failure(page, "m0_failure"):
        notebook = page.locator(".jp-NotebookPanel .jp-Notebook")
        expect(notebook.locator(".jp-Cell").first).to_be_visible(timeout=120 * SECONDS)
        expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_have_count(
            1, timeout=120 * SECONDS)

        # 1. the interface is in Chinese
        expect(page.get_by_role("menuitem", name="文件", exact=True)).to_be_visible()
        menus = page.locator(".lm-MenuBar-itemLabel").all_inner_texts()
        assert {"文件", "编辑", "运行", "内核"} <= set(menus), menus
        shot(page, "m0_opened")

        # find exercise 1's cells by their text once, then hold on to them by position (the answer's text changes)
        cells = notebook.locator(".jp-Cell")
        test_index = notebook.locator(".jp-CodeCell").filter(has_text="abs(order_total - 31.5)").first.evaluate(
            "cell => [...cell.closest('.jp-Notebook').querySelectorAll('.jp-Cell')].indexOf(cell)")
        answer, test = cells.nth(test_index - 1), cells.nth(test_index)
        expect(answer).to_contain_text("raise NotImplementedError()")  # ex1's answer cell sits right above
        expect(answer).to_contain_text("print(receipt)")

        # 2. run all cells: stops at exercise 1, which still raises NotImplementedError
        page.get_by_role("menuitem", name="运行", exact=True).click()
        page.get_by_role("menuitem", name="运行所有单元格", exact=True).click()
        expect(answer.locator(".jp-OutputArea")).to_contain_text("NotImplementedError", timeout=90 * SECONDS)

        # 3. a wrong answer: the visible test explains, in Chinese, what is wrong
        replace_code(page, answer, WRONG)
        run_answer_and_test(page, test)
        expect(answer.locator(".jp-OutputArea")).to_contain_text("小林本次消费 27.50 元")
        expect(test.locator(".jp-OutputArea")).to_contain_text(EX1_HINT)
        answer.scroll_into_view_if_needed()
        shot(page, "m0_wrong_answer")

        # 4. the right answer: the receipt prints and the test cell is silent
        replace_code(page, answer, RIGHT)
        run_answer_and_test(page, test)
        expect(answer.locator(".jp-OutputArea")).to_contain_text("小林本次消费 31.50 元")
        expect(answer.locator(".jp-OutputArea")).not_to_contain_text("27.50")
        expect(test.locator(".jp-OutputArea-output")).to_have_count(0)
        answer.scroll_into_view_if_needed()
        shot(page, "m0_right_answer")

        # 5. save, then Validate: exercise 1 passes now, exercise 2 (not attempted) is reported
        dirty_tab = page.locator(".lm-TabBar-tab.jp-mod-dirty")
        expect(dirty_tab).not_to_have_count(0)  # the selector works: the edited notebook is unsaved
        page.keyboard.press("Control+s")
        expect(dirty_tab).to_have_count(0, timeout=30 * SECONDS)
        page.get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_be_visible(timeout=120 * SECONDS)
        expect(dialog).to_contain_text(EX2_HINT, timeout=120 * SECONDS)
        text = dialog.inner_text()
        assert EX1_HINT not in text and "order_total" not in text, text
        shot(page, "m0_validate")


def test_moving_the_report_slider_redraws_the_chart(browser, lab):
    """The e2 report explorer (an ipywidgets slider + chart) works in the browser, not only in Python."""
    import nbformat
    from playwright.sync_api import expect

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("from crm_lab import crm, widgets\n"
                                  "db = crm.connect(':memory:')\n"
                                  "crm.import_course_data(db);"),
        nbformat.v4.new_code_cell("widgets.report_explorer(db, months=12)"),
    ], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}})
    nbformat.write(notebook, lab[1] / "report_explorer.ipynb")
    page = open_notebook(browser, lab, "report_explorer.ipynb", workspace="slider")
    with contextlib.closing(page), shot_on_failure(page, "report_explorer_failure"):
        expect(page.locator(ACTIVE_IDLE)).to_have_count(
            1, timeout=120 * SECONDS)
        first_prompt = page.locator(".jp-Notebook .jp-Cell").first.locator(".jp-InputArea-prompt")
        run_all(page, lambda: expect(first_prompt).not_to_have_text(re.compile(r"^\s*\[\s*\]:\s*$"),
                                                                   timeout=10 * SECONDS))
        chart = page.locator(".crm-report-chart img")
        expect(chart).to_have_count(1, timeout=120 * SECONDS)
        slider = page.locator(".crm-report-months")
        expect(slider).to_contain_text("最近 N 个月")
        expect(slider.locator(".widget-readout")).to_have_text("12")
        before = chart.get_attribute("src")
        shot(page, "report_explorer_12")

        handle = slider.locator(".noUi-handle")
        handle.focus()
        for _ in range(6):
            page.keyboard.press("ArrowLeft")
        expect(slider.locator(".widget-readout")).to_have_text("6")
        expect(chart).not_to_have_attribute("src", before, timeout=60 * SECONDS)
        # every key press redraws; wait until the kernel has drawn the last one, then the chart must be new
        page.wait_for_timeout(1000)
        expect(page.locator(ACTIVE_IDLE)).to_have_count(
            1, timeout=60 * SECONDS)
        after = chart.get_attribute("src")
        assert after != before and after.startswith("data:image/png")
        shot(page, "report_explorer_6")


def form_box(page, title: str):
    return page.locator(".crm-form").filter(has=page.locator("b", has_text=title)).first


def type_into(form, label: str, text: str) -> None:
    box = form.locator(".widget-text", has=form.page.locator("label", has_text=label)).locator("input")
    box.fill(text)
    box.press("Tab")  # ipywidgets sends a Text's value on change


def test_e1_exercise_1_done_in_the_forms_survives_validate(browser, lab):
    """A student fills e1's company and staff forms and clicks 保存: the form record is written, the exercise's
    test passes, and Validate (a fresh kernel from the top) redoes the saves from the record."""
    import json

    from playwright.sync_api import expect

    record = lab[1] / "e1_accounts_contacts" / "e1_accounts_contacts.forms.json"
    record.unlink(missing_ok=True)
    page = open_notebook(browser, lab, "e1_accounts_contacts/e1_accounts_contacts.ipynb", workspace="forms")
    with contextlib.closing(page), shot_on_failure(page, "e1_forms_failure"):
        expect(page.locator(ACTIVE_IDLE)).to_have_count(1, timeout=120 * SECONDS)
        company = form_box(page, "我们公司的信息")
        run_all(page, lambda: expect(company).to_be_visible(timeout=60 * SECONDS))
        # run all stops at exercise 1's test: the company is still the worked example's
        test_cell = page.locator(".jp-CodeCell").filter(has_text="_company = read_table").first
        expect(test_cell.locator(".jp-OutputArea")).to_contain_text("公司名称还是示例的名字", timeout=120 * SECONDS)

        type_into(company, "公司名称", "汾水办公家具有限公司")
        type_into(company, "地址", "太原市万柏林区和平南路 88 号")
        type_into(company, "电话", "0351-6000000")
        type_into(company, "主要经营产品", "办公家具")
        type_into(company, "折扣率上限", "0.15")
        company.locator(".crm-form-submit").click()
        expect(company.locator(".crm-form-message")).to_contain_text("✔ 已保存公司信息「汾水办公家具有限公司」",
                                                                     timeout=30 * SECONDS)

        staff = form_box(page, "添加员工")
        type_into(staff, "员工姓名", "王经理")
        staff.locator("select").select_option(label="销售经理")
        staff.locator(".crm-form-submit").click()
        expect(staff.locator(".crm-form-message")).to_contain_text("✔", timeout=30 * SECONDS)
        staff.scroll_into_view_if_needed()
        shot(page, "e1_forms_saved")

        saved = json.loads(record.read_text(encoding="utf-8"))
        assert saved["steps"]["练习1 公司"][0]["values"]["name"] == "汾水办公家具有限公司"
        assert saved["steps"]["练习1 员工"][0]["values"]["role"] == "销售经理"

        # the exercise's test now passes
        test_cell.click()
        page.keyboard.press("Shift+Enter")
        expect(test_cell.locator(".jp-OutputArea-output")).to_have_count(0, timeout=60 * SECONDS)

        # Validate runs the notebook from the top on a new kernel: exercise 1 passes only if the record is redone
        page.keyboard.press("Control+s")
        expect(page.locator(".lm-TabBar-tab.jp-mod-dirty")).to_have_count(0, timeout=30 * SECONDS)
        page.get_by_role("button", name="Validate").first.click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_be_visible(timeout=180 * SECONDS)
        expect(dialog).to_contain_text("客户表里还没有这些客户", timeout=180 * SECONDS)  # exercise 2: not done yet
        assert "公司名称还是示例的名字" not in dialog.inner_text()
        shot(page, "e1_forms_validate")
