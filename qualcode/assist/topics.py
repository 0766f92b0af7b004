"""Topics of what is not coded yet: NMF over the lemmas of units, a starting point for inductive codes.

Each unit (sentence, turn, paragraph) is a bag of its lemmas without stop words (spaCy's lists of
every language read, as the topics share one vocabulary; matched on the word as written and on its
lemma, since the lookup lemmatiser turns Danish "med" into "mede"), interjections and fillers ("ja",
"øh", "yeah", "um"), numbers and one-letter words, weighted by TF-IDF (lemmas in at least two units). With
``uncoded`` only units that no coder coded (no coding shares a character with them; while blind
coding is on, none of the session coder's) are read. scikit-learn's NMF (``init="nndsvda"``, the
seed) factors the units × lemmas matrix into ``k`` topics: each topic's top lemmas, and the units
that load most on it as keyword-in-context lines with document and offsets, so a front end can open
them. Deterministic for a seed; nothing is stored.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from qualcode.analysis.agreement.spans import span_presence
from qualcode.assist.features import check_unit, document_units, fit_vectoriser, unit_table
from qualcode.assist.training import matrix, require_sklearn
from qualcode.corpus.documents import document_texts, list_documents
from qualcode.errors import QualcodeError

if TYPE_CHECKING:
    from qualcode.project import Project

MAX_TOPICS = 50
MIN_WORDS = 5


@dataclass(frozen=True)
class Passage:
    document: str
    document_id: int
    start: int  # the unit
    end: int
    weight: float  # how much the unit loads on the topic
    keyword_start: int  # the topic's strongest lemma in the unit, as written
    keyword_end: int
    left: str
    keyword: str
    right: str

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass
class Topic:
    number: int
    words: list[tuple[str, float]]
    passages: list[Passage] = field(default_factory=list)
    units: int = 0  # units for which this is the strongest topic


@dataclass
class Topics:
    unit: str
    k: int
    seed: int
    uncoded: bool
    units: int  # units read
    vocabulary: int
    topics: list[Topic]


def _keep(form: str, lemma: str, skip: frozenset[str]) -> bool:
    """A word counts if neither it as written nor its lemma is a stop word or a filler."""
    return (
        len(lemma) > 1
        and " " not in lemma
        and lemma not in skip
        and form not in skip
        and not any(ch.isdigit() for ch in lemma)
    )


def topics(
    project: Project,
    k: int = 8,
    unit: str = "sentence",
    uncoded: bool = False,
    seed: int = 0,
    top_words: int = 8,
    passages: int = 3,
    width: int = 40,
) -> Topics:
    require_sklearn()
    check_unit(unit)
    if not 2 <= k <= MAX_TOPICS:
        raise QualcodeError(f"-k is the number of topics, 2 to {MAX_TOPICS}; not {k}")
    docs = list_documents(project)
    if not docs:
        raise QualcodeError("the project has no documents yet")
    doc_ids, starts, ends = document_units(project, unit, docs)
    mask = np.ones(len(starts), dtype=bool)
    if uncoded and len(starts):
        me = project.visible_coder()
        sql = "SELECT c.document_id, c.start, c.[end] FROM codings c"
        params: list[Any] = []
        if me is not None:
            sql += " JOIN coders k ON k.id = c.coder_id WHERE k.name = ?"
            params.append(me)
        spans: dict[int, list[tuple[int, int]]] = {}
        for d, s, e in project.db.execute(sql, params).fetchall():
            spans.setdefault(d, []).append((s, e))
        for d, sp in spans.items():
            at = np.flatnonzero(doc_ids == d)
            if len(at):
                lo, hi = int(at[0]), int(at[-1]) + 1
                mask[lo:hi] &= ~span_presence(starts[lo:hi], ends[lo:hi], np.array(sp, dtype=np.int64))
    n_units = int(np.count_nonzero(mask))
    if n_units < k:
        what = "uncoded " if uncoded else ""
        raise QualcodeError(f"{n_units} {what}{unit}(s) to read, fewer than the {k} topics asked for")
    from qualcode.text.lexicon import fillers, stop_words

    table = unit_table(project, unit, docs, positions=True).subset(mask)
    assert table.tokens is not None  # asked for
    texts = document_texts(project, {int(d) for d in table.doc_ids})
    # The topics share one vocabulary across languages (Danish "man" and English "man" are one
    # column), so a word that is a stop word or filler of any language read is left out.
    lang = {d["id"]: d["language"] or "en" for d in docs}
    skip: frozenset[str] = frozenset()
    for language in sorted({lang[int(d)] for d in texts}):
        skip |= frozenset(stop_words(language)) | fillers(language)
    features = [
        [lemma for s, e, lemma in toks if _keep(texts[d][s:e].lower(), lemma, skip)]
        for d, toks in zip(table.doc_ids.tolist(), table.tokens)
    ]
    vec = fit_vectoriser(features, 2, 10_000)
    if len(vec.vocabulary) < k:
        raise QualcodeError(f"only {len(vec.vocabulary)} word(s) occur in two or more {unit}s: too few for {k} topics")
    from sklearn.decomposition import NMF

    x = matrix(vec, features)
    nmf = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    w = np.asarray(nmf.fit_transform(x))
    h = np.asarray(nmf.components_)
    names = {d["id"]: d["name"] for d in docs}
    strongest = np.argmax(w, axis=1)
    has_weight = w.max(axis=1) > 0
    out = []
    for t in range(k):
        top = np.lexsort((np.arange(h.shape[1]), -h[t]))[:top_words]
        words = [(vec.vocabulary[i], round(float(h[t, i]), 4)) for i in top if h[t, i] > 0]
        ranked = [i for i in np.lexsort((np.arange(len(w)), -w[:, t])).tolist() if w[i, t] > 0]
        # Representative passages say something: units of MIN_WORDS words or more first ("Ja." loads fully).
        rank = (
            [i for i in ranked if len(features[i]) >= MIN_WORDS] + [i for i in ranked if len(features[i]) < MIN_WORDS]
        )[:passages]
        topic = Topic(t + 1, words, units=int(np.count_nonzero((strongest == t) & has_weight)))
        order = {word: r for r, word in enumerate(vec.vocabulary[i] for i in np.argsort(-h[t], kind="stable"))}
        for i in rank:
            d = int(table.doc_ids[i])
            toks = table.tokens[i]
            text = texts[d]
            if toks:
                s, e, _ = min(toks, key=lambda tok: (order.get(tok[2], len(order)), tok[0]))
            else:  # pragma: no cover - a unit with weight has words
                s, e = int(table.starts[i]), int(table.starts[i])
            left = " ".join(text[max(int(table.starts[i]), s - width) : s].split())
            right = " ".join(text[e : min(int(table.ends[i]), e + width)].split())
            topic.passages.append(
                Passage(
                    names[d],
                    d,
                    int(table.starts[i]),
                    int(table.ends[i]),
                    round(float(w[i, t]), 4),
                    s,
                    e,
                    left,
                    text[s:e],
                    right,
                )
            )
        out.append(topic)
    return Topics(unit, k, seed, uncoded, n_units, len(vec.vocabulary), out)
