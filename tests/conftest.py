"""Shared fixtures: the seeds, and one build of them reused by the tests that only read it."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
DATA = Path(__file__).resolve().parent / "data"
PLAN_SEED = SEEDS / "wuhan-2025-plan-responsibility-decomposition.txt"


@pytest.fixture(scope="session")
def plan_source():
    from kg.read import read_file

    return read_file(PLAN_SEED)


@pytest.fixture(scope="session")
def plan_extraction(plan_source):
    from kg.extract.plan import extract_plan

    return extract_plan(plan_source)


@pytest.fixture(scope="session")
def seeds_build(tmp_path_factory):
    """`kg build` of the seeds, once per test session (read-only for the tests using it)."""
    from kg.build import BuildOptions, build

    out = tmp_path_factory.mktemp("seeds-build") / "out"
    result = build(BuildOptions(inputs=[SEEDS], out_dir=out, jobs=2))
    return result


@pytest.fixture(scope="session")
def seeds_store(seeds_build):
    from kg.store import open_store

    return open_store(seeds_build.out_dir)
