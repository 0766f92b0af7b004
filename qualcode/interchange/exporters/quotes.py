"""Quote report: the coded passages of chosen codes, each with its document and attributes, as
Markdown, HTML or DOCX — what a researcher puts in an appendix.

One section per code with quotes (with ``children``, the code and then each descendant in tree
order; a grouping code without quotes of its own has no section). Within a section, passages follow
the document order: overlapping spans of the code — one coder's or several coders' — are one
passage "coded by anna, bo", never the same text twice. Each quote has an ID (Q1, Q2 …, numbered
through the report) and a citation by document, attributes and paragraph (¶) or speaker turn;
character offsets only on request. Memos are left out, shown under their quote, or gathered as
endnotes. DOCX is A4; HTML marks each quote with its document's language; Markdown is escaped.
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.codebook.codes import descendants, get_code, list_codes
from qualcode.coding.codings import list_codings
from qualcode.corpus.attributes import attribute_types, document_attributes
from qualcode.corpus.documents import document_texts, document_units
from qualcode.files import write_atomic, write_text_atomic

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

__all__ = [
    "MEMO_STYLES",
    "REPORT_FORMATS",
    "CodeSection",
    "Quote",
    "QuoteStyle",
    "collect_quotes",
    "quotes_html",
    "quotes_markdown",
    "write_quotes",
    "write_quotes_docx",
]

REPORT_FORMATS = ("md", "html", "docx")
MEMO_STYLES = ("none", "inline", "endnotes")


@dataclass(frozen=True)
class QuoteStyle:
    """How quotes are cited: coders named or not, offsets or not, where memos go."""

    coders: bool = True
    offsets: bool = False
    memos: str = "inline"  # none | inline | endnotes


@dataclass
class Quote:
    document: str
    attributes: dict[str, Any]
    start: int
    end: int
    text: str
    coders: list[str]
    memos: list[str] = field(default_factory=list)
    qid: str = ""
    paragraph: int | None = None
    turn: int | None = None
    speaker: str | None = None
    language: str | None = None
    document_id: int = 0
    memo_coders: list[str] = field(default_factory=list)  # who wrote each memo, in order

    def memo_lines(self, style: QuoteStyle) -> list[str]:
        """The memos, with their writers' names only when coders are named."""
        if style.coders:
            return list(self.memos)
        return [m[len(c) + 2 :] if m.startswith(f"{c}: ") else m for m, c in zip(self.memos, self.memo_coders)]

    def citation(self, style: QuoteStyle = QuoteStyle()) -> str:
        attrs = "; ".join(f"{k}: {_show(v)}" for k, v in self.attributes.items() if v is not None)
        where = f"{self.document} ({attrs})" if attrs else self.document
        parts = [where]
        if self.turn is not None:
            parts.append(f"turn {self.turn}" + (f" ({self.speaker})" if self.speaker else ""))
        elif self.paragraph is not None:
            parts.append(f"¶ {self.paragraph}")
        if style.offsets or (self.turn is None and self.paragraph is None):
            parts.append(f"characters {self.start}–{self.end}")
        if style.coders:
            parts.append(f"coded by {', '.join(self.coders)}")
        return ", ".join(parts)


@dataclass
class CodeSection:
    code: Code
    quotes: list[Quote]


def _show(v: Any) -> str:
    if isinstance(v, bool):
        return "yes" if v else "no"
    return str(v)


def collect_quotes(
    project: Project,
    codes: Sequence[str | int],
    *,
    children: bool = False,
    coders: Sequence[str] = (),
    kind: str | None = None,
    where: Sequence[str] = (),
    attributes: Sequence[str] | None = None,
) -> list[CodeSection]:
    """Sections for ``codes`` (all codable codes when empty).

    ``attributes`` names the attributes shown with each quote (default: all of them).
    """
    from qualcode.corpus.filters import select_documents
    from qualcode.errors import QualcodeError

    targets: list[Code] = []
    if codes:
        for ref in codes:
            c = get_code(project, ref)
            for k in [c, *(sorted(descendants(project, c.id), key=_tree_key(project)) if children else [])]:
                if k not in targets:
                    targets.append(k)
    else:
        targets = list(list_codes(project))
    docs = select_documents(project, kind, where)
    doc_order = {d["id"]: k for k, d in enumerate(docs)}
    types = list(attribute_types(project))
    if attributes is None:
        shown = types
    else:
        by_fold = {t.casefold(): t for t in types}
        unknown = [a for a in attributes if a.casefold() not in by_fold]
        if unknown:
            raise QualcodeError(f"no attribute {unknown[0]!r}; attributes: {', '.join(types) or 'none'}")
        shown = [by_fold[a.casefold()] for a in attributes]
    attrs = document_attributes(project)
    coder_set = set(coders)
    known = {c["name"] for c in project.coders()}
    for name in coder_set - known:
        raise QualcodeError(f"no coder named {name!r}; coders: {', '.join(sorted(known))}")
    texts = document_texts(project, list(doc_order))
    languages = {d["id"]: d.get("language") for d in docs}
    places = _Places(project)
    sections = []
    n = 0
    for code in targets:
        rows = [
            r
            for r in list_codings(project, code=code.id)
            if r["document_id"] in doc_order and (not coder_set or r["coder"] in coder_set)
        ]
        rows.sort(key=lambda r: (doc_order[r["document_id"]], r["start"], r["end"]))
        quotes: list[Quote] = []
        last: tuple[int, int] | None = None  # (document id, end) of the open passage
        for r in rows:
            d = r["document_id"]
            if last is not None and last[0] == d and r["start"] < last[1]:  # overlaps: the same passage
                q = quotes[-1]
                q.end = max(q.end, r["end"])
            else:
                a = attrs.get(d, {})
                q = Quote(r["document"], {k: a.get(k) for k in shown}, r["start"], r["end"], "", [])
                q.language, q.document_id = languages.get(d), d
                quotes.append(q)
            last = (d, q.end)
            if r["coder"] not in q.coders:
                q.coders.append(r["coder"])
            if r["memo"]:
                q.memos.append(f"{r['coder']}: {r['memo']}")
                q.memo_coders.append(r["coder"])
            q.text = texts[d][q.start : q.end]
        for q in quotes:
            q.coders.sort()
            n += 1
            q.qid = f"Q{n}"
            q.paragraph, q.turn, q.speaker = places.of(q.document_id, q.start)
        if quotes:
            sections.append(CodeSection(code, quotes))
    return sections


class _Places:
    """Where a position is: its paragraph number and, in a transcript, its turn and speaker."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.cache: dict[tuple[int, str], tuple[list[int], list[dict[str, Any]]]] = {}

    def _units(self, doc: int, kind: str) -> tuple[list[int], list[dict[str, Any]]]:
        if (doc, kind) not in self.cache:
            units = document_units(self.project, doc, kind)
            self.cache[(doc, kind)] = ([u["start"] for u in units], units)
        return self.cache[(doc, kind)]

    def of(self, doc: int, pos: int) -> tuple[int | None, int | None, str | None]:
        found: list[Any] = []
        for kind in ("paragraph", "turn"):
            starts, units = self._units(doc, kind)
            k = bisect.bisect_right(starts, pos) - 1
            unit = units[k] if k >= 0 and pos < units[k]["end"] else None
            found.append(unit)
        paragraph, turn = found
        return (
            k_or_none(paragraph),
            k_or_none(turn),
            turn.get("speaker") if turn else None,
        )


def k_or_none(unit: dict[str, Any] | None) -> int | None:
    return None if unit is None else int(unit.get("seq") or 0) or None


def _tree_key(project: Project) -> Callable[[Code], int]:
    order = {c.id: k for k, c in enumerate(list_codes(project))}
    return lambda c: order[c.id]


def _count(n: int) -> str:
    return f"{n} quote{'s' if n != 1 else ''}"


_MD_SPECIAL = re.compile(r"([\\`*{}\[\]<>#|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z]))")


def md_escape(text: str) -> str:
    """Text as Markdown shows it literally: emphasis, links, HTML and headings disarmed (an
    underscore inside a word, as in file names, is left alone: it emphasises nothing there)."""
    return _MD_SPECIAL.sub(r"\\\1", text)


def _endnotes(sections: Sequence[CodeSection], style: QuoteStyle) -> list[tuple[str, str]]:
    return [(q.qid, m) for s in sections for q in s.quotes for m in q.memo_lines(style)]


def quotes_markdown(sections: Sequence[CodeSection], title: str = "Quotes", style: QuoteStyle = QuoteStyle()) -> str:
    out = [f"# {md_escape(title)}", ""]
    for s in sections:
        out += [f"## {md_escape(s.code.path)}", ""]
        if s.code.description:
            out += [f"*{md_escape(s.code.description.strip())}*", ""]
        out += [f"{_count(len(s.quotes))}.", ""]
        for q in s.quotes:
            out += [f"**{q.qid}**", ""]
            out += ["> " + md_escape(line) if line else ">" for line in q.text.split("\n")]
            out += [">", f"> — {md_escape(q.citation(style))}", ""]
            if style.memos == "inline" and q.memos:
                out += [f"Memo ({md_escape(m)})" for m in q.memo_lines(style)] + [""]
    notes = _endnotes(sections, style) if style.memos == "endnotes" else []
    if notes:
        out += ["## Memos", ""] + [f"- {qid}: {md_escape(m)}" for qid, m in notes] + [""]
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = (
    "body{font-family:Georgia,serif;max-width:46em;margin:2em auto;line-height:1.5}"
    "blockquote{border-left:3px solid #999;margin:1em 0;padding:.2em 1em}"
    "blockquote p{white-space:pre-wrap;margin:.3em 0}"
    ".qid{font-weight:bold;font-size:.9em}"
    ".cite{font-size:.9em;color:#444}.definition{font-style:italic}.memo{font-size:.9em}"
    "@page{size:A4;margin:2.5cm}"
)


def _main_language(sections: Sequence[CodeSection]) -> str:
    counts: dict[str, int] = {}
    for s in sections:
        for q in s.quotes:
            if q.language:
                counts[q.language] = counts.get(q.language, 0) + 1
    return max(sorted(counts), key=lambda k: counts[k]) if counts else "en"


def quotes_html(sections: Sequence[CodeSection], title: str = "Quotes", style: QuoteStyle = QuoteStyle()) -> str:
    e = html.escape
    lang = _main_language(sections)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{e(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        f"<title>{e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{e(title)}</h1>",
    ]
    for s in sections:
        out.append(f"<h2>{e(s.code.path)}</h2>")
        if s.code.description:
            out.append(f'<p class="definition">{e(s.code.description.strip())}</p>')
        out.append(f"<p>{_count(len(s.quotes))}.</p>")
        for q in s.quotes:
            qlang = f' lang="{e(q.language)}"' if q.language and q.language != lang else ""
            out.append(
                f'<blockquote id="{q.qid}"><p class="qid">{q.qid}</p><p{qlang}>{e(q.text)}</p>'
                f'<p class="cite">— {e(q.citation(style))}</p></blockquote>'
            )
            if style.memos == "inline":
                out += [f'<p class="memo">Memo ({e(m)})</p>' for m in q.memo_lines(style)]
    notes = _endnotes(sections, style) if style.memos == "endnotes" else []
    if notes:
        out.append("<h2>Memos</h2><ul>")
        out += [f'<li><a href="#{qid}">{qid}</a>: {e(m)}</li>' for qid, m in notes]
        out.append("</ul>")
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write_quotes_docx(
    sections: Sequence[CodeSection],
    path: str | Path,
    title: str = "Quotes",
    like: Path | None = None,
    style: QuoteStyle = QuoteStyle(),
) -> Path:
    from docx import Document
    from docx.shared import Mm, Pt

    doc = Document()
    doc.core_properties.title = title
    doc.core_properties.author = "qualcode"
    doc.core_properties.language = _main_language(sections)
    for section in doc.sections:  # A4, not the template's US Letter
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.left_margin = section.right_margin = Mm(25)
    doc.add_heading(title, level=1)
    for s in sections:
        doc.add_heading(s.code.path, level=2)
        if s.code.description:
            doc.add_paragraph().add_run(s.code.description.strip()).italic = True
        doc.add_paragraph(f"{_count(len(s.quotes))}.")
        for q in s.quotes:
            doc.add_paragraph().add_run(q.qid).bold = True
            p = doc.add_paragraph(style="Quote")
            lines = q.text.split("\n")
            run = p.add_run(lines[0])
            for line in lines[1:]:
                run.add_break()  # a line break, not a new paragraph: the quote stays one block
                run = p.add_run(line)
            cite = doc.add_paragraph()
            run = cite.add_run(f"— {q.citation(style)}")
            run.font.size = Pt(9)
            if style.memos == "inline":
                for m in q.memo_lines(style):
                    doc.add_paragraph(f"Memo ({m})")
    notes = _endnotes(sections, style) if style.memos == "endnotes" else []
    if notes:
        doc.add_heading("Memos", level=2)
        for qid, m in notes:
            doc.add_paragraph(f"{qid}: {m}", style="List Bullet")
    return write_atomic(path, doc.save, like)


def write_quotes(
    sections: Sequence[CodeSection],
    path: str | Path,
    fmt: str,
    title: str = "Quotes",
    like: Path | None = None,
    style: QuoteStyle = QuoteStyle(),
) -> Path:
    path = Path(path)
    if fmt == "md":
        write_text_atomic(path, quotes_markdown(sections, title, style), like)
    elif fmt == "html":
        write_text_atomic(path, quotes_html(sections, title, style), like)
    elif fmt == "docx":
        write_quotes_docx(sections, path, title, like, style)
    else:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    return path
