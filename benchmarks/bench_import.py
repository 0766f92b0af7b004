"""Import of corpus S with segmentation and the word index, against spaCy's ``nlp.pipe`` over the
same texts (the floor).

The floor is what any tool that segments with spaCy must pay (tokenizer + sentencizer); the
ratio shows what reading, normalising, hashing, paragraphs, speaker turns, the search index and
storing add on top. Both sides are warmed once (pipelines built, tokenizer caches filled), then each is timed
three times and the median is reported.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from benchmarks.generate import make_corpus, write_files
from qualcode.corpus.ingest import import_files

REPEAT = 3


def run(size: str = "S") -> list[dict]:
    from qualcode.project import Project
    from qualcode.text.nlp import sentence_pipeline

    corpus = make_corpus(size)
    texts = [(t, lang) for _, lang, t in corpus.documents]
    words = sum(len(t.split()) for t, _ in texts)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(corpus, Path(tmp) / "corpus")

        def floor() -> int:
            n = 0
            for lang in ("da", "en"):
                nlp = sentence_pipeline(lang)
                for doc in nlp.pipe((t for t, lg in texts if lg == lang), batch_size=16):
                    n += sum(1 for _ in doc.sents)
            return n

        def ours(k: int) -> tuple[Project, object]:
            project = Project.create(Path(tmp) / f"bench{k}.db", coder="bench")
            return project, import_files(project, paths, language="auto")

        floor()
        ours(-1)[0].close()
        floor_times, our_times = [], []
        for k in range(REPEAT):
            t0 = time.perf_counter()
            n_sents = floor()
            floor_times.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            project, report = ours(k)
            our_times.append(time.perf_counter() - t0)
            n_units = project.db.execute("SELECT SUM(count) FROM unit_sets WHERE kind='sentence'").fetchone()[0]
            project.close()
    f, o = statistics.median(floor_times), statistics.median(our_times)
    return [
        {
            "benchmark": f"spaCy nlp.pipe floor ({size}: {len(texts)} docs, {words:,} words)",
            "seconds": f,
            "sentences": n_sents,
            "ratio": 1.0,
            "target": "",
        },
        {
            "benchmark": "qualcode import (read, normalise, segment, index words, store)",
            "seconds": o,
            "sentences": n_units,
            "ratio": o / f,
            "target": "≤ 1.6× floor (with the index) and ≤ 5 s",
        },
        {
            "benchmark": "documents imported",
            "seconds": None,
            "sentences": len(report.imported),
            "ratio": None,
            "target": "",
        },
    ]
