"""Live walkthroughs as slides: the solution notebooks carry RISE slide metadata, `crm-lab slides` opens one as a
reveal.js deck in the teacher's JupyterLab that works offline, and students have no RISE at all.

The deck is opened in Debian's Chromium with every request that leaves the local server aborted and recorded;
screenshots go to test-artifacts/slides/ so CI can keep them.
"""

import copy
import json
import os
import re
import shlex
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import nbformat
import pytest
from helpers import chromium, free_port, isolated_jupyter_env, lab_args, running_lab, skip_without_chromium

from crm_lab import course
from crm_lab.cli import has_slide_marks, slides_notebook, slides_url

REPO = Path(__file__).resolve().parent.parent
GUIDE = REPO / "docs" / "teacher.md"
SHOTS = REPO / "test-artifacts" / "slides"
ASSIGNMENT = "m0_getting_started"
SOLUTIONS = sorted((REPO / "solutions").glob("*/*.ipynb"))
SECONDS = 1000  # playwright timeouts are in milliseconds
EXPOSE_APP = "--LabApp.expose_app_in_browser=True"  # window.jupyterapp: ask the lab which commands it has


def headings(notebook, levels: tuple[str, ...]) -> list[str]:
    """The text of the headings ("#", "##", …) that open a markdown cell, graded answer cells left out (their
    first line is nbgrader's "### BEGIN SOLUTION")."""
    found = []
    for cell in notebook.cells:
        graded = cell.metadata.get("nbgrader", {}).get("grade")
        first = cell.source.lstrip().split("\n", 1)[0] if cell.cell_type == "markdown" and not graded else ""
        marker, _, text = first.partition(" ")
        if marker in levels:
            found.append(text.strip())
    return found


def slide_types(notebook) -> list[str]:
    return [c.metadata.get("slideshow", {}).get("slide_type", "-") for c in notebook.cells]


# ---------------------------------------------------------------- slide metadata


@pytest.mark.parametrize("path", SOLUTIONS, ids=lambda p: p.parent.name)
def test_solution_notebooks_carry_the_slide_metadata_of_the_rule(path):
    notebook = nbformat.read(path, as_version=4)
    marked = course.add_slide_metadata(copy.deepcopy(notebook))
    assert marked == notebook, f"{path.relative_to(REPO)} 的幻灯片标记过时了：运行 make release"
    assert notebook.metadata["rise"]["theme"] == "white"  # bundled fonts only; RISE default "simple" loads Google Fonts


def test_every_top_heading_starts_a_slide_and_graded_tests_are_skipped():
    notebook = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    types = slide_types(notebook)
    marked = list(zip(notebook.cells, types, strict=True))
    starts = [c.source.splitlines()[0].lstrip("# ").strip() for c, t in marked if t == "slide"]
    assert starts == headings(notebook, ("#", "##"))
    assert "本章小结" in starts and len(starts) >= 5
    assert types.count("subslide") == len(headings(notebook, ("###",)))
    for cell, kind in marked:
        grading = cell.metadata.get("nbgrader", {})
        is_test = grading.get("grade") and not grading.get("solution")
        is_rubric = grading.get("grade") and cell.cell_type == "markdown"
        assert (kind == "skip") == bool(is_test or is_rubric), cell.source[:60]
    assert any("BEGIN HIDDEN TESTS" in c.source for c, t in marked if t == "skip")


def test_marking_is_idempotent_and_leaves_plain_cells_alone():
    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("讲解，没有标题"),
        nbformat.v4.new_markdown_cell("  ## 缩进的标题\n正文"),
        nbformat.v4.new_markdown_cell("#### 四级标题"),
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["keep"], "slideshow": {"slide_type": "slide"}}),
        nbformat.v4.new_code_cell("x = 2", metadata={"nbgrader": {"grade": True, "solution": True}}),
    ])
    once = course.add_slide_metadata(notebook)
    assert slide_types(once) == ["-", "slide", "-", "-", "-"]
    assert once.cells[3].metadata == {"tags": ["keep"]}  # a stale mark is removed, other metadata kept
    assert "slideshow" not in once.cells[0].metadata  # RISE's default needs no mark
    twice = course.add_slide_metadata(copy.deepcopy(once))
    assert twice == once


def test_student_versions_carry_the_same_marks():
    solution = nbformat.read(REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    student = nbformat.read(REPO / "notebooks" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    by_id = {c.id: c.metadata.get("slideshow") for c in solution.cells}
    assert {c.id: c.metadata.get("slideshow") for c in student.cells} == by_id


# ---------------------------------------------------------------- choosing the notebook


def test_slides_notebook_finds_the_assignment_or_says_what_exists(tmp_path):
    course_dir = tmp_path / "course"
    (course_dir / "solutions" / ASSIGNMENT).mkdir(parents=True)
    (course_dir / "solutions" / ASSIGNMENT / "a.ipynb").write_text("{}", encoding="utf-8")
    assert slides_notebook(course_dir, ASSIGNMENT) == Path("solutions", ASSIGNMENT, "a.ipynb")
    with pytest.raises(FileNotFoundError, match=f"没有作业 'm9'.*可以放映的作业：{ASSIGNMENT}"):
        slides_notebook(course_dir, "m9")
    (course_dir / "solutions" / ASSIGNMENT / "b.ipynb").write_text("{}", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="有 2 个笔记本，请指定放映哪一个"):
        slides_notebook(course_dir, ASSIGNMENT)
    chosen = Path("solutions", ASSIGNMENT, "b.ipynb")
    assert slides_notebook(course_dir, chosen.as_posix()) == chosen
    outside = tmp_path / "elsewhere.ipynb"
    outside.write_text("{}", encoding="utf-8")
    with pytest.raises(FileNotFoundError, match="不在课程文件夹"):
        slides_notebook(course_dir, str(outside))
    assert slides_url(Path("solutions/m7_industry_cases/航空 案例.ipynb")) == (
        "/rise/solutions/m7_industry_cases/%E8%88%AA%E7%A9%BA%20%E6%A1%88%E4%BE%8B.ipynb")


def test_an_old_unmarked_teacher_copy_is_recognised(tmp_path):
    solution = REPO / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert has_slide_marks(solution)
    old = nbformat.read(solution, as_version=4)
    for cell in old.cells:
        cell.metadata.pop("slideshow", None)
    nbformat.write(old, tmp_path / "old.ipynb")
    assert not has_slide_marks(tmp_path / "old.ipynb")


def test_slides_command_reports_an_unknown_assignment_in_chinese(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "crm_lab.cli", "slides", "m9_nothing", "--course",
                           str(tmp_path / "course"), "--no-browser"], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1
    assert "没有作业 'm9_nothing'" in proc.stderr and ASSIGNMENT in proc.stderr and "Traceback" not in proc.stderr


# ---------------------------------------------------------------- the lab extension


def labextensions() -> dict[str, str]:
    proc = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"], capture_output=True,
                          text=True, timeout=120)
    plain = re.sub(r"\x1b\[[0-9;]*m", "", proc.stdout + proc.stderr)
    return {m.group(1): m.group(0) for m in re.finditer(r"^\s+(\S+) v\S+ .*$", plain, re.M)}


def test_rise_is_installed_enabled_and_compatible_with_this_jupyterlab():
    line = labextensions()["jupyterlab-rise"]
    assert re.search(r"\benabled\b.*\bOK\b", line), line


def lab_env(tmp: Path) -> dict[str, str]:
    """Isolated Jupyter folders, and this checkout's crm_lab for ``python -m crm_lab.cli`` run from ``tmp``."""
    return {**isolated_jupyter_env(tmp), "PYTHONPATH": str(REPO)}


def page_config(base: str) -> dict:
    with urllib.request.urlopen(f"{base}/lab", timeout=30) as response:
        page = response.read().decode("utf-8")
    data = re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S)
    return json.loads(data.group(1))


def guide_step(name: str) -> str:
    """The ```bash block of docs/teacher.md marked ``<!-- 步骤: name -->`` (tests/test_classroom.py runs the others)."""
    steps = dict(re.findall(r"<!-- 步骤: ([^\n]+?) -->\n```bash\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S))
    return steps[name].strip()


@pytest.fixture(scope="module")
def teacher_slides(tmp_path_factory):
    """The guide's 课堂演示 command as written, for a teacher whose HOME is a temporary folder; loopback, no token."""
    home = tmp_path_factory.mktemp("slides-teacher")
    port = free_port()
    script = guide_step("课堂演示")
    assert script == f"crm-lab slides {ASSIGNMENT}"
    command = ["bash", "-c", f"{script} --no-browser -- {shlex.join([*lab_args(port, home), EXPOSE_APP])}"]
    env = {**lab_env(home), "HOME": str(home),
           "PATH": os.pathsep.join([str(Path(sys.executable).parent), os.environ["PATH"]])}
    with running_lab(command, port=port, cwd=home, env=env, log=home / "lab.log") as base:
        yield base, home / "crm-lab-course"


def test_slides_command_prepares_the_course_and_serves_the_deck(teacher_slides):
    base, course_dir = teacher_slides
    assert (course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    with urllib.request.urlopen(f"{base}/", timeout=30) as response:  # the browser opens the deck first
        assert response.url.endswith(f"/rise/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
        page = response.read().decode("utf-8")
    sources = re.findall(r"<(?:script|link|img)\b[^>]*\b(?:src|href)=[\"']([^\"']+)", page)
    assert sources and not [s for s in sources if re.match(r"(https?:)?//", s)], sources
    config = page_config(base)
    assert "jupyterlab-rise" in {e["name"] for e in config["federated_extensions"]}
    assert not [name for name in config["disabledExtensions"] if "rise" in name]


@pytest.fixture(scope="module")
def browser():
    skip_without_chromium()
    with chromium() as browser:
        yield browser


def offline_page(browser, base: str):
    """A page on which every request that leaves ``base`` is aborted (as on a PC without internet) and recorded."""
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    page.set_default_timeout(60 * SECONDS)
    page.outside = []

    def route(request_route):
        if request_route.request.url.startswith(base):
            request_route.continue_()
        else:
            page.outside.append(request_route.request.url)
            request_route.abort()

    page.route("**/*", route)
    return page


def first_slide_with_subslides(notebook) -> tuple[int, list[str]]:
    """(index of the first slide that has sub-slides, the titles of its sub-slides) from the notebook's marks."""
    slide, subtitles = -1, {}
    for cell, kind in zip(notebook.cells, slide_types(notebook), strict=True):
        slide += kind == "slide"
        if kind == "subslide":
            subtitles.setdefault(slide, []).append(cell.source.splitlines()[0].lstrip("# ").strip())
    first = min(subtitles)
    return first, subtitles[first]


def present_title(page) -> str:
    return page.locator(".reveal .slides > section.present").locator("h1, h2").first.inner_text().rstrip("¶")


def test_the_deck_shows_the_chinese_slide_titles_and_advances_offline(teacher_slides, browser):
    from playwright.sync_api import expect

    base, course_dir = teacher_slides
    notebook = nbformat.read(course_dir / "solutions" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    titles = headings(notebook, ("#", "##"))
    page = offline_page(browser, base)
    page.goto(f"{base}/")
    expect(page.locator(".reveal .slides > section")).to_have_count(len(titles), timeout=90 * SECONDS)
    shown = [t.rstrip("¶") for t in page.locator(".reveal .slides > section").locator("h1, h2").all_inner_texts()]
    assert [t.casefold() for t in shown] == [t.casefold() for t in titles]  # the white theme upper-cases Latin
    assert re.search(r"[\u4e00-\u9fff]", "".join(shown))
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "m0-slide-1.png"))
    assert present_title(page).casefold() == titles[0].casefold()
    page.keyboard.press("ArrowRight")
    expect(page.locator(".reveal .slides > section.present h2").first).to_contain_text(titles[1])
    page.screenshot(path=str(SHOTS / "m0-slide-2.png"))
    slide, subtitles = first_slide_with_subslides(notebook)
    for _ in range(slide - 1):
        page.keyboard.press("ArrowRight")
    expect(page.locator(".reveal .slides > section.present > section.present h2")).to_contain_text(titles[slide])
    page.keyboard.press("Space")  # the guide: Space / PageDown walk through the sub-slides too
    expect(page.locator(".reveal section.present > section.present h3").first).to_contain_text(subtitles[0])
    page.keyboard.press("PageDown")
    expect(page.locator(".reveal section.present > section.present h3").first).to_contain_text(subtitles[1])
    page.screenshot(path=str(SHOTS / "m0-subslide.png"))
    page.keyboard.press("PageUp")
    expect(page.locator(".reveal section.present > section.present h3").first).to_contain_text(subtitles[0])
    hidden = [line.strip() for c in notebook.cells if "### BEGIN HIDDEN TESTS" in c.source
              for line in c.source.split("### BEGIN HIDDEN TESTS")[1].splitlines() if len(line.strip()) > 20]
    text = page.locator(".reveal .slides").inner_text()
    assert hidden and not [line for line in hidden if line in text]  # skipped cells are not on any slide
    assert page.outside == []
    page.close()


def has_command(page, command: str) -> bool:
    return page.evaluate("command => window.jupyterapp.commands.hasCommand(command)", command)


def test_teacher_notebook_toolbar_has_the_slideshow_button(teacher_slides, browser):
    from playwright.sync_api import expect

    base, _ = teacher_slides
    page = offline_page(browser, base)
    page.goto(f"{base}/lab/tree/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=90 * SECONDS)
    expect(page.locator(".jp-NotebookPanel-toolbar [data-command='RISE:preview']")).to_have_count(1,
                                                                                              timeout=90 * SECONDS)
    assert has_command(page, "RISE:preview") and has_command(page, "RISE:slideshow")
    page.locator(".jp-NotebookPanel-toolbar [data-command='RISE:preview']").click()  # slides beside the notebook
    preview = page.frame_locator(f"iframe[src*='/rise/solutions/{ASSIGNMENT}/{ASSIGNMENT}.ipynb']")
    expect(preview.locator(".reveal .slides > section").first).to_be_visible(timeout=90 * SECONDS)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "teacher-lab.png"))
    assert page.outside == []
    page.close()


def test_student_lab_has_no_slideshow(tmp_path, browser):
    from playwright.sync_api import expect

    port = free_port()
    command = [sys.executable, "-m", "crm_lab.cli", "start", str(tmp_path / "work"), "--no-browser", "--",
               *lab_args(port, tmp_path), EXPOSE_APP]
    with running_lab(command, port=port, cwd=tmp_path, env=lab_env(tmp_path),
                     log=tmp_path / "lab.log") as base:
        assert "jupyterlab-rise" in page_config(base)["disabledExtensions"]
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(f"{base}/rise/{ASSIGNMENT}/{ASSIGNMENT}.ipynb", timeout=30)
        error.value.close()
        assert error.value.code == 404
        page = offline_page(browser, base)
        page.goto(f"{base}/lab/tree/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
        page.wait_for_function("() => window.jupyterapp && window.jupyterapp.started", timeout=90 * SECONDS)
        expect(page.locator(".jp-NotebookPanel-toolbar [data-command='notebook:restart-run-all']")).to_have_count(
            1, timeout=90 * SECONDS)
        assert has_command(page, "notebook:restart-run-all")  # the probe works …
        assert not has_command(page, "RISE:preview") and not has_command(page, "RISE:slideshow")  # … and RISE is off
        expect(page.locator("[data-command^='RISE:']")).to_have_count(0)
        page.close()
