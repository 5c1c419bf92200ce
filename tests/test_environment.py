"""environment.yml (conda) asks for exactly the dependencies of pyproject.toml."""

import tomllib
from pathlib import Path

import yaml
from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parent.parent


def normalise(line: str) -> tuple[str, str]:
    requirement = Requirement(line)
    return requirement.name.lower().replace("_", "-"), str(requirement.specifier)


def test_environment_yml_matches_pyproject():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    env = yaml.safe_load((REPO / "environment.yml").read_text(encoding="utf-8"))
    conda = [d for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python", "pip"))]
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    listed = {normalise(d) for d in conda + [p for p in pip if not p.startswith("-e")]}
    assert listed == {normalise(d) for d in project["dependencies"]}
    assert "-e ." in pip, "conda users must get the crm_lab package itself"
    assert project["requires-python"] == ">=3.11" and "python>=3.11" in env["dependencies"]
