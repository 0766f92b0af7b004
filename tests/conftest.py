"""Shared fixtures: a fresh project, the demo project (built once, copied per test), a CLI runner."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from qualcode.project import Project


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.create(tmp_path / "test.db", coder="tester")
    yield p
    p.close()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    from qualcode.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    build_demo(path).close()
    return path


@pytest.fixture
def demo_path(demo_template: Path, tmp_path: Path) -> Path:
    """A private copy of the demo project file."""
    target = tmp_path / "demo.db"
    shutil.copy(demo_template, target)
    return target


@pytest.fixture
def demo(demo_path: Path) -> Project:
    p = Project.open(demo_path, coder="anna")
    yield p
    p.close()


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def demo_copy(demo_path: Path) -> Path:
    """The workbench tests' name for a private copy of the demo study."""
    return demo_path


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def loose_umask():
    """The usual umask 022, under which files qualcode creates must still be private."""
    import os

    old = os.umask(0o022)
    yield
    os.umask(old)
