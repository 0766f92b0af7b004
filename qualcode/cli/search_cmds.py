"""Search, auto-coding and words per code: thin over ``qualcode.search`` and ``qualcode.analysis.words``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, console, json_option, pass_ctx, print_json

if TYPE_CHECKING:
    from qualcode.corpus.filters import DocumentFilter


def filter_options(fn):
    """Options that narrow the corpus, shared by search and autocode."""
    from qualcode.search.modes import DEFAULT_THRESHOLD, MODES

    for opt in reversed(
        [
            click.option(
                "--mode",
                "-m",
                type=click.Choice(MODES),
                default="exact",
                show_default=True,
                help="exact words/phrases, Python regex, lemma (inflected forms) or fuzzy (spelling variants).",
            ),
            click.option(
                "--threshold",
                "-t",
                type=click.FloatRange(1, 100),
                default=DEFAULT_THRESHOLD,
                show_default=True,
                help="Fuzzy: least rapidfuzz similarity (0–100) of a word to the query.",
            ),
            click.option("--document", "-d", "documents", multiple=True, help="Only this document (repeatable)."),
            click.option("--kind", type=click.Choice(["interview", "fieldnote", "other"]), help="Only this kind."),
            click.option("--language", help="Only documents in this language (da, en …)."),
            click.option(
                "--where",
                "--attr",
                "attrs",
                multiple=True,
                metavar="NAME=VALUE",
                help="Only documents whose attribute matches: site=Vesterbro, site=A,B (either), "
                "role!=social worker (repeatable; all must hold).",
            ),
            click.option(
                "--speaker",
                "speakers",
                multiple=True,
                help="Only hits inside this speaker's turns, e.g. --speaker IP (repeatable).",
            ),
        ]
    ):
        fn = opt(fn)
    return fn


def _filter(documents, kind, language, attrs) -> DocumentFilter:
    from qualcode.corpus.filters import DocumentFilter

    return DocumentFilter(tuple(documents), kind, language, tuple(attrs))


@main.command()
@click.argument("query")
@filter_options
@click.option("--case-sensitive", is_flag=True, help="Regex: match case exactly.")
@click.option("--limit", "-n", type=int, default=50, show_default=True, help="Lines to show (0: all).")
@click.option("--width", "-w", type=int, default=40, show_default=True, help="Characters of context either side.")
@json_option
@pass_ctx
def search(
    ctx: Ctx, query, mode, threshold, documents, kind, language, attrs, speakers, case_sensitive, limit, width, as_json
) -> None:
    """Find QUERY in the corpus; print keyword-in-context lines with document and offsets.

    \b
    qualcode search metadon
    qualcode search hjælpe --mode lemma --speaker IP
    qualcode search methadone --mode fuzzy --threshold 85 --attr site=Vesterbro
    qualcode search 'kontakt\\w+' --mode regex --kind interview
    """
    from qualcode.search import kwic
    from qualcode.search import search as run

    with ctx.open() as p:
        res = run(
            p, query, mode, _filter(documents, kind, language, attrs), threshold, case_sensitive, speakers=speakers
        )
        shown = res.hits if not limit else res.hits[:limit]
        lines = kwic(p, shown, width)
    if as_json:
        print_json(
            {
                "query": query,
                "mode": mode,
                "total": len(res.hits),
                "documents_searched": res.documents_searched,
                "forms": res.forms,
                "hits": [
                    {
                        "document": k.document,
                        "start": k.start,
                        "end": k.end,
                        "left": k.left,
                        "match": k.match,
                        "right": k.right,
                        "score": h.score,
                    }
                    for k, h in zip(lines, shown)
                ],
            }
        )
        return
    name_w = max((len(k.document) for k in lines), default=0)
    for k in lines:
        click.echo(
            f"{k.document:<{name_w}} {k.start:>7}-{k.end:<7} {k.left:>{width}}"
            + click.style(k.match, bold=True, reverse=True)
            + f"{k.right:<{width}}".rstrip()
        )
    extra = f" (showing {len(shown)}; --limit 0 for all)" if len(shown) < len(res.hits) else ""
    forms = f"; forms: {', '.join(sorted(res.forms)[:20])}" if mode in ("lemma", "fuzzy") and res.forms else ""
    click.echo(f"{len(res.hits)} hit(s) in {res.documents_searched} document(s) searched{extra}{forms}")


@main.command("search-index")
@click.option("--rebuild", is_flag=True, help="Drop the index and build it again.")
@pass_ctx
def search_index(ctx: Ctx, rebuild: bool) -> None:
    """Complete the word index search uses (import already builds it) and fill in every lemma."""
    from qualcode.corpus.wordindex import fill_lemmas, index_languages, index_missing, index_status

    with ctx.open() as p:
        n = index_missing(p, rebuild=rebuild)
        lemmas = sum(fill_lemmas(p, lang) for lang in index_languages(p))
        done, total = index_status(p)
    click.echo(f"indexed {n} text(s), {lemmas} new lemma(s); {done} of {total} document(s) are in the index")


@main.command()
@click.argument("query")
@click.argument("code_path")
@filter_options
@click.option(
    "--unit",
    "-u",
    type=click.Choice(["sentence", "turn", "paragraph", "hit"]),
    default="sentence",
    show_default=True,
    help="Extend each hit to this unit.",
)
@click.option("--as", "as_coder", help="Coder of the codings (default: auto:QUERY).")
@click.option("--apply", "do_apply", is_flag=True, help="Write the codings (default: only preview them).")
@click.option("--dry-run", is_flag=True, help="Preview only (the default).")
@click.option("--limit", "-n", type=int, default=30, show_default=True, help="Preview lines to show (0: all).")
@json_option
@pass_ctx
def autocode(
    ctx: Ctx,
    query,
    code_path,
    mode,
    threshold,
    documents,
    kind,
    language,
    attrs,
    speakers,
    unit,
    as_coder,
    do_apply,
    dry_run,
    limit,
    as_json,
) -> None:
    """Apply CODE_PATH to every hit of QUERY, extended to its sentence/turn/paragraph, as coder auto:QUERY.

    Shows a preview unless --apply is given. An applied run is one step: `qualcode undo` (as the
    same --coder) takes it all back.
    """
    from qualcode.coding.autocode import apply_autocode, plan_autocode
    from qualcode.corpus.documents import get_document

    if do_apply and dry_run:
        raise click.UsageError("choose --apply or --dry-run, not both")
    with ctx.open() as p:
        plan = plan_autocode(
            p,
            query,
            code_path,
            mode,
            unit,
            _filter(documents, kind, language, attrs),
            threshold,
            as_coder,
            speakers=speakers,
        )
        if as_json and not do_apply:
            print_json(
                {
                    "code": plan.code.path,
                    "coder": plan.coder,
                    "unit": unit,
                    "hits": plan.hits,
                    "already": plan.already,
                    "planned": [
                        {"document": c.document, "start": c.start, "end": c.end, "hits": c.hits, "in_unit": c.in_unit}
                        for c in plan.planned
                    ],
                }
            )
            return
        if not do_apply:
            texts: dict[int, str] = {}
            name_w = max((len(c.document) for c in plan.planned[: limit or None]), default=0)
            for c in plan.planned[: limit or None]:
                if c.document_id not in texts:
                    texts[c.document_id] = get_document(p, c.document_id)["text"]
                snippet = texts[c.document_id][c.start : c.end].replace("\n", " ")
                click.echo(
                    f"{c.document:<{name_w}} {c.start:>7}-{c.end:<7} {c.hits:>2} hit(s)  "
                    + snippet[:70]
                    + ("…" if len(snippet) > 70 else "")
                )
            click.echo(
                f"preview: {len(plan.planned)} {unit}(s) to code with {plan.code.path} as {plan.coder} "
                f"from {plan.hits} hit(s); {plan.already} already coded. Run again with --apply to write."
            )
            return
        event = apply_autocode(p, plan)
    click.echo(f"{plan.summary} (event {event}; 'qualcode undo' takes it back)")


@main.command()
@click.argument("code_path")
@click.option("--by", "coder", help="Only this coder's segments.")
@click.option("--children", is_flag=True, help="Include the segments of child codes.")
@click.option("--language", help="Language of the documents compared (default: that of most segments).")
@click.option("--lemmas", is_flag=True, help="Count lemmas instead of word forms.")
@click.option("--top", type=int, default=30, show_default=True)
@click.option("--min-count", type=int, default=2, show_default=True, help="Least occurrences in the segments.")
@click.option(
    "--sort",
    type=click.Choice(["ll", "count"]),
    default="ll",
    show_default=True,
    help="By keyness (log-likelihood against the rest) or by frequency.",
)
@click.option("--stop-words", "keep_stop", is_flag=True, help="Keep spaCy's stop words in the list.")
@json_option
@pass_ctx
def words(ctx: Ctx, code_path, coder, children, language, lemmas, top, min_count, sort, keep_stop, as_json) -> None:
    """Word frequencies and keywords of a code's segments against the rest of the corpus."""
    from rich.markup import escape
    from rich.table import Table

    from qualcode.analysis.words import words_per_code

    with ctx.open() as p:
        r = words_per_code(p, code_path, coder, children, language, lemmas, top, min_count, sort, keep_stop)
    if as_json:
        print_json(
            {
                "code": r.code,
                "language": r.language,
                "coder": r.coder,
                "segments": r.segments,
                "words_in_code": r.words_in_code,
                "words_in_rest": r.words_in_rest,
                "words": [w.__dict__ for w in r.words],
                "other_languages": r.other_languages,
            }
        )
        return
    t = Table("word", "in code", "per 1000", "rest", "per 1000", "LL", title=f"{r.code} ({r.language})")
    for w in r.words:
        t.add_row(
            escape(w.word), str(w.count), f"{w.per_1000:.1f}", str(w.rest), f"{w.rest_per_1000:.1f}", f"{w.ll:+.1f}"
        )
    console().print(t)
    click.echo(
        f"{r.segments} segment(s), {r.words_in_code:,} words in the code, {r.words_in_rest:,} in the rest"
        + (f"; segments in other languages left out: {r.other_languages}" if r.other_languages else "")
        + ". LL ≥ 3.84: p < 0.05, ≥ 6.63: p < 0.01."
    )
