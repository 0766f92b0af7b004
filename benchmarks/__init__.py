"""Benchmarks: ``python -m benchmarks [name …]`` prints a table per benchmark.

Each ``bench_<name>.py`` module exposes ``run() -> list[dict]`` returning rows with at least
``benchmark`` and ``seconds``; baselines measured in the same process sit beside them so figures
are ratios, not absolute claims about a machine.
"""
