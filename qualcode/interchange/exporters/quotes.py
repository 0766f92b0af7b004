"""Quote report: the coded segments of chosen codes, each with its document and attributes, as
Markdown, HTML or DOCX — what a researcher pastes into a paper or an appendix.

One section per code (with ``children``, the code and then each descendant in tree order).
Within a section, quotes follow the document order and position. The same span coded by
several coders is one quote "coded by anna, bo", not two. Each quote carries a citation:
document name, the chosen attributes, the character span (code points, half-open) and coders.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from qualcode.codebook.codes import descendants, get_code, list_codes
from qualcode.coding.codings import list_codings
from qualcode.corpus.attributes import attribute_types, document_attributes
from qualcode.files import write_atomic, write_text_atomic

if TYPE_CHECKING:
    from qualcode.codebook.codes import Code
    from qualcode.project import Project

__all__ = [
    "REPORT_FORMATS",
    "CodeSection",
    "Quote",
    "collect_quotes",
    "quotes_html",
    "quotes_markdown",
    "write_quotes",
    "write_quotes_docx",
]

REPORT_FORMATS = ("md", "html", "docx")


@dataclass
class Quote:
    document: str
    attributes: dict[str, Any]
    start: int
    end: int
    text: str
    coders: list[str]
    memos: list[str] = field(default_factory=list)

    def citation(self) -> str:
        attrs = "; ".join(f"{k}: {_show(v)}" for k, v in self.attributes.items() if v is not None)
        where = f"{self.document} ({attrs})" if attrs else self.document
        return f"{where}, characters {self.start}–{self.end}, coded by {', '.join(self.coders)}"


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
    sections = []
    for code in targets:
        grouped: dict[tuple[int, int, int], Quote] = {}
        for r in list_codings(project, code=code.id):
            if r["document_id"] not in doc_order or (coder_set and r["coder"] not in coder_set):
                continue
            key = (r["document_id"], r["start"], r["end"])
            q = grouped.get(key)
            if q is None:
                a = attrs.get(r["document_id"], {})
                q = grouped[key] = Quote(
                    r["document"], {n: a.get(n) for n in shown}, r["start"], r["end"], r["text"], []
                )
            if r["coder"] not in q.coders:
                q.coders.append(r["coder"])
            if r["memo"]:
                q.memos.append(f"{r['coder']}: {r['memo']}")
        quotes = [grouped[k] for k in sorted(grouped, key=lambda k: (doc_order[k[0]], k[1], k[2]))]
        for q in quotes:
            q.coders.sort()
        if quotes or codes:
            sections.append(CodeSection(code, quotes))
    return sections


def _tree_key(project: Project) -> Callable[[Code], int]:
    order = {c.id: k for k, c in enumerate(list_codes(project))}
    return lambda c: order[c.id]


def _count(n: int) -> str:
    return f"{n} quote{'s' if n != 1 else ''}"


def quotes_markdown(sections: Sequence[CodeSection], title: str = "Quotes") -> str:
    out = [f"# {title}", ""]
    for s in sections:
        out += [f"## {s.code.path}", ""]
        if s.code.description:
            out += [f"*{s.code.description.strip()}*", ""]
        out += [f"{_count(len(s.quotes))}.", ""]
        for q in s.quotes:
            out += ["> " + line if line else ">" for line in q.text.split("\n")]
            out += [">", f"> — {q.citation()}", ""]
            out += [f"Memo ({m})" for m in q.memos] + ([""] if q.memos else [])
    return "\n".join(out).rstrip("\n") + "\n"


_CSS = (
    "body{font-family:Georgia,serif;max-width:46em;margin:2em auto;line-height:1.5}"
    "blockquote{border-left:3px solid #999;margin:1em 0;padding:.2em 1em}"
    "blockquote p{white-space:pre-wrap;margin:.3em 0}"
    ".cite{font-size:.9em;color:#444}.definition{font-style:italic}.memo{font-size:.9em}"
)


def quotes_html(sections: Sequence[CodeSection], title: str = "Quotes") -> str:
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
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
            out.append(f'<blockquote><p>{e(q.text)}</p><p class="cite">— {e(q.citation())}</p></blockquote>')
            out += [f'<p class="memo">Memo ({e(m)})</p>' for m in q.memos]
    out += ["</body>", "</html>"]
    return "\n".join(out) + "\n"


def write_quotes_docx(
    sections: Sequence[CodeSection], path: str | Path, title: str = "Quotes", like: Path | None = None
) -> Path:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    doc.core_properties.title = title
    doc.add_heading(title, level=1)
    for s in sections:
        doc.add_heading(s.code.path, level=2)
        if s.code.description:
            doc.add_paragraph().add_run(s.code.description.strip()).italic = True
        doc.add_paragraph(f"{_count(len(s.quotes))}.")
        for q in s.quotes:
            p = doc.add_paragraph(style="Quote")
            lines = q.text.split("\n")
            run = p.add_run(lines[0])
            for line in lines[1:]:
                run.add_break()  # a line break, not a new paragraph: the quote stays one block
                run = p.add_run(line)
            cite = doc.add_paragraph()
            run = cite.add_run(f"— {q.citation()}")
            run.font.size = Pt(9)
            for m in q.memos:
                doc.add_paragraph(f"Memo ({m})")
    return write_atomic(path, doc.save, like)


def write_quotes(
    sections: Sequence[CodeSection], path: str | Path, fmt: str, title: str = "Quotes", like: Path | None = None
) -> Path:
    path = Path(path)
    if fmt == "md":
        write_text_atomic(path, quotes_markdown(sections, title), like)
    elif fmt == "html":
        write_text_atomic(path, quotes_html(sections, title), like)
    elif fmt == "docx":
        write_quotes_docx(sections, path, title, like)
    else:
        raise ValueError(f"unknown report format {fmt!r}; choose from {', '.join(REPORT_FORMATS)}")
    return path
