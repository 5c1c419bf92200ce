import os
import sys
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_SKIP_DIRS = {".git", ".venv", "__pycache__", ".ruff_cache", ".pytest_cache", "test-artifacts"}

# nbgrader shells out to alembic and jupyter: the environment's bin must come first on PATH.
os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
os.environ.setdefault("MPLBACKEND", "Agg")
# hypothesis keeps a cache in .hypothesis/ of the working directory: keep it out of the repository
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path(tempfile.gettempdir()) / "crm-lab-hypothesis"))


def _repo_files() -> set[Path]:
    files = set()
    for dirpath, dirnames, filenames in os.walk(REPO):
        dirnames[:] = [d for d in dirnames if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
        files.update(Path(dirpath, f).relative_to(REPO) for f in filenames)
    return files


@pytest.fixture(scope="session", autouse=True)
def no_stray_files_in_repo():
    """Tests must leave nothing behind in the repository (gradebook.db, submitted/, CSVs …)."""
    before = _repo_files()
    yield
    stray = sorted(str(p) for p in _repo_files() - before)
    assert not stray, f"tests left files in the repository: {stray}"


@pytest.fixture(scope="session")
def repo() -> Path:
    return REPO
