"""Every command and option of `kg` is documented in the README, so the docs cannot drift (as datasette does)."""

import re

import pytest

from kg.cli import main

from conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", sorted(main.commands))
def test_command_has_a_section(name):
    assert re.search(rf"^### `kg {name}\b", README, re.M), f"README has no section for `kg {name}`"


@pytest.mark.parametrize("name, option", sorted(
    (name, opt) for name, command in main.commands.items()
    for param in command.params if param.param_type_name == "option"
    for opt in param.opts if opt.startswith("--")))
def test_option_is_documented(name, option):
    section = README.split(f"### `kg {name}", 1)[1].split("\n### ", 1)[0]
    assert option in section, f"`kg {name} {option}` is not documented in its README section"


def test_quick_start_has_exactly_two_command_lines():
    quick_start = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = quick_start.split("```bash", 1)[1].split("```", 1)[0]
    lines = [line for line in block.strip().splitlines() if line.strip()]
    assert lines == ["pip install . && kg build", "pip install '.[test]' && python -m pytest"]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "pip install '.[test]' && python -m pytest" in ci


def test_the_readme_benchmark_tables_are_the_benchmark_json():
    """The figures in the README come from benchmarks/results.json (rendered by benchmarks/table.py), not by hand."""
    import importlib.util
    import json

    spec = importlib.util.spec_from_file_location("table", ROOT / "benchmarks" / "table.py")
    table = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(table)
    tables = table.render(json.loads((ROOT / "benchmarks" / "results.json").read_text(encoding="utf-8")))
    assert table.in_readme(README, tables) == README
    assert "| plans-200 |" in tables  # the 200-plan corpus is among them
