"""Deterministic synthetic corpora for benchmarks.

Sizes (issue 2): S = 40 documents × ~8,000 words, 3 coders, ~60 codes, ~15,000 codings;
M = 1,000 documents; L = 10,000 documents, 200 codes, 1,000,000 codings. The same seed gives the
same texts, codebook and codings, so figures are comparable across runs and machines.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

SIZES = {
    #      docs   words/doc  coders codes  codings
    "S": (40, 8000, 3, 60, 15_000),
    "M": (1000, 2000, 3, 100, 100_000),
    "L": (10_000, 800, 3, 200, 1_000_000),
}

_EN = (
    "I went to the shelter but they said there was no room . She waited three weeks for the methadone programme . "
    "My contact person helped me with the housing forms . The outreach team came by every Tuesday morning . "
    "At the pharmacy they looked at me like I was nothing . People in the consumption room know my name . "
    "The municipality never answered my letters about money . My sister still calls me on Sundays . "
    "We share needles less now because the van brings clean ones . Nobody trusts the social office here ."
).split(" . ")
_DA = (
    "Jeg gik til herberget men de sagde der ikke var plads . Hun ventede tre uger på metadon . "
    "Min kontaktperson hjalp mig med boligpapirerne . Gadeteamet kom forbi hver tirsdag morgen . "
    "På apoteket kiggede de på mig som om jeg ingenting var . Personalet i fixerummet kender mit navn . "
    "Kommunen svarede aldrig på mine breve om penge . Min søster ringer stadig om søndagen . "
    "Vi deler færre sprøjter nu fordi bussen har rene med . Ingen stoler på socialkontoret her ."
).split(" . ")


@dataclass
class Corpus:
    size: str
    documents: list[tuple[str, str, str]] = field(default_factory=list)  # (name, language, text)
    codes: list[tuple[str, str | None]] = field(default_factory=list)  # (path, parent path)
    coders: list[str] = field(default_factory=list)
    codings: list[tuple[int, int, int, int, int]] = field(
        default_factory=list
    )  # (doc idx, code idx, coder idx, start, end)


def _text(rng: random.Random, words: int, lang: str) -> str:
    pool = _DA if lang == "da" else _EN
    speakers = ("I", "IP") if lang == "da" else ("Interviewer", "Participant")
    turns, count, k = [], 0, 0
    while count < words:
        n = rng.randint(1, 6)
        sents = [rng.choice(pool).strip() + rng.choice([".", ".", ".", "?", "!"]) for _ in range(n)]
        turn = f"{speakers[k % 2]}: " + " ".join(sents)
        turns.append(turn)
        count += sum(len(s.split()) for s in sents)
        k += 1
    return "\n\n".join(turns) + "\n"


def make_corpus(size: str = "S", seed: int = 7, with_text: bool = True) -> Corpus:
    n_docs, words, n_coders, n_codes, n_codings = SIZES[size]
    rng = random.Random(seed)
    corpus = Corpus(size)
    for i in range(n_docs):
        lang = "da" if i % 2 == 0 else "en"
        corpus.documents.append((f"{size.lower()}doc{i:05d}", lang, _text(rng, words, lang) if with_text else ""))
    parents = max(1, n_codes // 10)
    for p in range(parents):
        corpus.codes.append((f"Theme {p:02d}", None))
    for c in range(n_codes - parents):
        parent = f"Theme {c % parents:02d}"
        corpus.codes.append((f"{parent}/Code {c:03d}", parent))
    corpus.coders = [f"coder{k}" for k in range(n_coders)]
    leaf = list(range(parents, n_codes))
    lengths = [len(t) for _, _, t in corpus.documents]
    per_doc = max(1, n_codings // n_docs)
    for d, length in enumerate(lengths):
        for _ in range(per_doc):
            start = rng.randrange(0, max(1, length - 400))
            end = min(length, start + rng.randint(40, 400))
            corpus.codings.append((d, rng.choice(leaf), rng.randrange(n_coders), start, end))
    return corpus


def write_files(corpus: Corpus, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, _, text in corpus.documents:
        p = folder / f"{name}.txt"
        p.write_text(text, encoding="utf-8")
        paths.append(p)
    return paths


def build_project(corpus: Corpus, path: Path, segment: str = "regex"):
    """Write a corpus straight into a project file (bulk, not through the importer).

    ``segment="regex"`` splits sentences on .?! and turns on labels — cheap, so L (10,000
    documents) builds in seconds; the importer's own speed is what ``bench_import`` measures.
    """
    import re

    from qualcode.ids import new_guid, now
    from qualcode.project import Project
    from qualcode.store import events
    from qualcode.store.units import INSERT_SQL, pack
    from qualcode.text.segmentation import Unit, paragraphs, speaker_turns

    path.unlink(missing_ok=True)
    project = Project.create(path, coder="bench")
    sent_rx = re.compile(r"[^.?!\n]+[.?!]")
    bulk = events.EventKind(
        "bench.load",
        "a benchmark corpus written in bulk",
        "not undoable",
        undoable=False,
        records_rows=False,
        touches=frozenset({"coders", "codes", "documents", "codings"}),
    )
    with project.transaction(bulk, f"benchmark corpus {corpus.size}") as tx:
        coder_ids = [tx.insert("coders", {"guid": new_guid(), "name": c, "created_at": now()}) for c in corpus.coders]
        code_ids: dict[str, int] = {}
        for i, (cpath, parent) in enumerate(corpus.codes):
            code_ids[cpath] = tx.insert(
                "codes",
                {
                    "guid": new_guid(),
                    "name": cpath.rsplit("/", 1)[-1],
                    "parent_id": code_ids.get(parent) if parent else None,
                    "codable": 0 if parent is None else 1,
                    "sort_order": i,
                    "created_at": now(),
                },
            )
        code_list = [code_ids[p] for p, _ in corpus.codes]
        doc_ids = []
        for k, (name, lang, text) in enumerate(corpus.documents):
            doc_id = tx.insert(
                "documents",
                {
                    "guid": new_guid(),
                    "name": name,
                    "kind": "interview",
                    "language": lang,
                    "text": text,
                    "text_sha256": f"bench-{corpus.size}-{k}",
                    "char_count": len(text),
                    "word_count": len(text.split()),
                    "imported_at": now(),
                    "sort_order": k,
                },
            )
            doc_ids.append(doc_id)
            sents = [Unit("sentence", m.start(), m.end()) for m in sent_rx.finditer(text)]
            project.db.conn.executemany(
                INSERT_SQL,
                [
                    pack(doc_id, "sentence", sents),
                    pack(doc_id, "paragraph", paragraphs(text)),
                    pack(doc_id, "turn", speaker_turns(text)),
                ],
            )
        texts = [t for _, _, t in corpus.documents]
        ts = now()
        project.db.conn.executemany(
            "INSERT INTO codings (guid, document_id, code_id, coder_id, start, [end], text, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?)",
            (
                (new_guid(), doc_ids[d], code_list[c], coder_ids[k], s, e, texts[d][s:e], ts, ts)
                for d, c, k, s, e in corpus.codings
            ),
        )
    return project
