"""Agreement: the whole S corpus audited per code, and α against the ``krippendorff`` package.

Audit: all codes of corpus S (40 documents, 3 coders, ~54 codable codes, 15,000 codings) at
sentence and character level, three coders (Fleiss' κ, α), per code and per document, with the
disagreement passages -- what ``qualcode agreement`` computes. Target ≤ 2 s each. Also the
unitizing α family over the corpus laid end to end (no target; it used to take 38 s).

α: a 10 coders × 100,000 units reliability matrix (values 1..5, 20 % missing), nominal and
interval, timed against ``krippendorff.alpha`` on the same matrix in the same run (the values
must agree to 1e-9). Target: ours ≤ 1.2 × theirs. Each side is warmed once, then the median of
``REPEAT`` runs is reported.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.generate import make_corpus
from qualcode.corpus.documents import list_documents

REPEAT = 5


def _median(fn, repeat: int = REPEAT) -> tuple[float, object]:
    fn()
    times, result = [], None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def _audit_rows(size: str = "S") -> list[dict]:
    from benchmarks.generate import build_project
    from qualcode.analysis.agreement.audit import audit

    corpus = make_corpus(size)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        project = build_project(corpus, Path(tmp) / "bench.db")
        try:
            for unit in ("sentence", "character"):
                seconds, report = _median(lambda unit=unit: audit(project, corpus.coders, unit), repeat=3)
                rows.append(
                    {
                        "benchmark": f"audit {size}: {len(report.documents)} docs, {len(report.coders)} coders, "
                        f"{len(report.codes)} codes, unit {unit}",
                        "seconds": seconds,
                        "units": report.codes[0].stats.units,
                        "result": f"pooled α = {report.overall.stats.alpha.value:.4f}, "
                        f"{len(report.disagreements):,} disagreements",
                        "ratio": None,
                        "target": "≤ 2 s",
                    }
                )
            seconds, report = _median(lambda: audit(project, corpus.coders, "unitized"), repeat=3)
            cu = report.unitized[-1]
            rows.append(
                {
                    "benchmark": f"audit {size}: unitized α family (|uα per code, uα/cuα per domain, Cuα)",
                    "seconds": seconds,
                    "units": sum(d["char_count"] for d in list_documents(project)),
                    "result": f"{len(report.unitized)} coefficients, {cu.variant} = {cu.value:.4f}",
                    "ratio": None,
                    "target": "",
                }
            )
        finally:
            project.close()
    return rows


def _alpha_rows(coders: int = 10, units: int = 100_000, seed: int = 1) -> list[dict]:
    import krippendorff

    from qualcode.analysis.agreement import krippendorff_alpha

    rng = np.random.default_rng(seed)
    data = rng.integers(1, 6, size=(coders, units)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    rows = []
    for level in ("nominal", "interval"):
        theirs_s, theirs = _median(
            lambda level=level: krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        )
        ours_s, ours = _median(lambda level=level: krippendorff_alpha(data, level))
        assert abs(ours - theirs) < 1e-9, (level, ours, theirs)
        shape = f"{coders} × {units:,}, 20 % missing"
        rows.append(
            {
                "benchmark": f"krippendorff package α ({level}, {shape})",
                "seconds": theirs_s,
                "units": units,
                "result": f"α = {theirs:.6f}",
                "ratio": 1.0,
                "target": "",
            }
        )
        rows.append(
            {
                "benchmark": f"qualcode α ({level}, {shape})",
                "seconds": ours_s,
                "units": units,
                "result": f"α = {ours:.6f}",
                "ratio": ours_s / theirs_s,
                "target": "≤ 1.2× package",
            }
        )
    return rows


def run(size: str = "S") -> list[dict]:
    return _audit_rows(size) + _alpha_rows()


if __name__ == "__main__":
    for row in run():
        print(row)
