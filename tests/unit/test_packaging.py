"""What ``pip install`` ships: the demo study is package data, so ``qualcode demo`` works anywhere."""

from __future__ import annotations

import fnmatch
import tomllib

from helpers.paths import REPO


def test_every_file_of_the_demo_study_is_package_data():
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["qualcode"]
    study = REPO / "qualcode" / "demo_study"
    files = [p.relative_to(REPO / "qualcode").as_posix() for p in study.rglob("*") if p.is_file()]
    assert len(files) >= 15  # 12 texts, the attributes, two codings files, the codebook
    missing = [f for f in files if not any(fnmatch.fnmatch(f, pat) for pat in patterns)]
    assert missing == []


def test_the_demo_is_built_from_the_package_not_the_checkout():
    from qualcode.demo import demo_paths

    corpus, codebook, codings = demo_paths()
    assert corpus.is_relative_to(REPO / "qualcode") and codebook.name == "study.yaml"
    assert len(list(corpus.glob("*.txt"))) == 12 and len(list(codings.glob("*.csv"))) == 2
