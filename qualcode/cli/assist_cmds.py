"""The offline coding assistant and topic exploration: thin over ``qualcode.assist``."""

from __future__ import annotations

from typing import Any

import click

from qualcode.cli import main
from qualcode.cli.common import Ctx, json_option, pass_ctx, plain_table, print_json
from qualcode.text.wording import plural

UNIT_CHOICE = click.Choice(["sentence", "turn", "paragraph"])


def _min_precision(fn):
    return click.option(
        "--min-precision",
        type=float,
        default=0.8,
        show_default=True,
        help="Suggest a code only at the confidence from which its cross-validated precision is at least this.",
    )(fn)


def _n(value: Any, digits: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _print_report(rep: dict[str, Any], stored: bool | None = None) -> None:
    card = rep["card"]
    unit = card["unit"]
    state = "" if stored is None else (" (stored)" if stored else " (identical to the stored model; kept as it was)")
    click.echo(
        f"assist model {rep['model']}{state} — {card['coder']}'s codings, unit {unit}, seed {card['seed']}, "
        f"trained {card['created_at'][:16].replace('T', ' ')} by {card['created_by']}"
    )
    click.echo(
        f"trained on {len(card['documents'])} document(s) ({card['units']} {unit}s, {card['codings']} codings"
        + (
            f"; {card['decisions']['rejected']} rejected and {card['decisions']['accepted']} accepted suggestions"
            if card["decisions"]["rejected"] or card["decisions"]["accepted"]
            else ""
        )
        + f"); features: {card['vocabulary']} lemmas and lemma pairs; data SHA-256 {card['data_sha256'][:16]}…"
    )
    if card["holdout"]:
        click.echo(f"held out (not in training): {', '.join(card['holdout'])} ({plural(card['holdout_units'], unit)})")
    click.echo(
        f"\nCross-validation, {card['parameters']['folds']} folds grouped by document (no document on both "
        f"sides), decision threshold 0.5 — units: positive {unit}s, docs: documents with one:"
    )
    rows: list[tuple[str, ...]] = [
        (
            str(c["code"]),
            str(c["positives"]),
            str(c["documents"]),
            _n(c["cv"]["precision"]),
            _n(c["cv"]["recall"]),
            _n(c["cv"]["f1"]),
            _n(c["cv"]["alpha"]),
        )
        for c in rep["codes"]
    ]
    click.echo(plain_table(("code", "units", "docs", "precision", "recall", "F1", "α"), rows), nl=False)
    p = rep["min_precision"]
    held = bool(card["holdout"])
    click.echo(
        f"\nSuggestions at precision ≥ {p:g}: each code's threshold from the cross-validation curve"
        + ("; on the held-out documents, what the stored model suggests there at that threshold:" if held else ":")
    )
    rows = []
    for c in rep["codes"]:
        if c["threshold"] is None:
            continue
        cv = c["cv_at_threshold"]
        row = [c["code"], _n(c["threshold"]), _n(cv["precision"]), _n(cv["recall"])]
        if held:
            h = c["holdout_at_threshold"]
            row += [
                _n(h["precision"]),
                _n(h["recall"]),
                _n(h["f1"]),
                _n(h["alpha"]),
                str(h["suggested"]),
                str(h["positives"]),
            ]
        rows.append(tuple(row))
    headers: tuple[str, ...] = ("code", "threshold", "CV precision", "CV recall")
    if held:
        headers += ("held-out precision", "recall", "F1", "α", "suggested", "positive")
    click.echo(plain_table(headers, rows) if rows else "(no code reaches it)\n", nl=False)
    none = rep["no_suggestions"]
    if none["too_few_examples"]:
        few = {c["path"]: c for c in card["too_few"]}
        click.echo(
            "\nNo suggestions — too few examples (fewer than "
            f"{card['parameters']['min_positives']} positive {unit}s in {card['parameters']['min_documents']} "
            "documents): "
            + ", ".join(
                f"{path} ({plural(few[path]['positives'], unit)}, {few[path]['documents']} doc.)"
                for path in none["too_few_examples"]
            )
        )
    if none["below_precision"]:
        click.echo(
            f"\nNo suggestions — cross-validated precision never reaches {p:g}: {', '.join(none['below_precision'])}"
        )
    click.echo(f"\nFor a methods section:\n{rep['methods']}")


@main.group()
def assist() -> None:
    """The offline coding assistant: learns from a coder's codings, reports how good it is, suggests.

    \b
    qualcode assist train --coder anna                 # one classifier per code, cross-validated
    qualcode assist train --coder anna --holdout da_obs02_sundholm,en_obs04_vesterbro_cafe
    qualcode assist report                             # the newest model's card and figures
    qualcode assist suggest en_int05_nordvest_user --min-precision 0.8
    qualcode assist suggest --apply                    # as coder assist:<model id>; one undoable step
    qualcode agreement --coders anna,assist:<model id>
    qualcode assist forget <model id> --yes            # delete a stored model; not undoable

    Nothing is downloaded and nothing leaves the machine; the model is stored in the project file.
    Needs scikit-learn (pip install 'qualcode[assist]').
    """


@assist.command("train")
@click.option(
    "--coder",
    "train_coder",
    default=None,
    help="Whose codings to learn from (default: the consensus coder if it has codings, "
    "else the --coder before the command).",
)
@click.option("--unit", type=UNIT_CHOICE, default="sentence", show_default=True, help="The unit to classify.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the classifiers (deterministic).")
@click.option(
    "--holdout",
    multiple=True,
    metavar="DOC[,DOC…]",
    help="Train without these documents and report the figures on them (comma-separated or repeated).",
)
@_min_precision
@json_option
@pass_ctx
def train_cmd(ctx: Ctx, train_coder, unit, seed, holdout, min_precision, as_json) -> None:
    """Train one classifier per code on a coder's codings, cross-validated by document; store it.

    Prints precision, recall, F1 and Krippendorff's α per code from cross-validation grouped by
    document, and on --holdout documents if given. Codes with too few examples are named.
    """
    from qualcode.assist import report, require_sklearn, train
    from qualcode.assist.suggest import check_precision

    require_sklearn()
    check_precision(min_precision)
    held = [d.strip() for h in holdout for d in h.split(",") if d.strip()]
    with ctx.open() as p:
        result = train(p, train_coder, unit, seed, held)
        rep = report(result.model, min_precision)
    if as_json:
        print_json({**rep, "stored": result.stored})
        return
    _print_report(rep, result.stored)


@assist.command("report")
@click.argument("model_id", required=False, metavar="[MODEL]")
@_min_precision
@click.option("--methods", is_flag=True, help="Print only the methods-section paragraph.")
@json_option
@pass_ctx
def report_cmd(ctx: Ctx, model_id, min_precision, methods, as_json) -> None:
    """A model's card and figures (the newest model unless MODEL), and a methods-section paragraph."""
    from qualcode.assist import load_model, report
    from qualcode.assist.suggest import check_precision

    check_precision(min_precision)
    with ctx.open() as p:
        rep = report(load_model(p, model_id), min_precision)
    if as_json:
        print_json(rep)
    elif methods:
        click.echo(rep["methods"])
    else:
        _print_report(rep)


@assist.command("models")
@json_option
@pass_ctx
def models_cmd(ctx: Ctx, as_json) -> None:
    """List the stored models, newest first."""
    from qualcode.assist import list_models

    with ctx.open() as p:
        rows = list_models(p)
    if as_json:
        print_json(
            [
                {k: r[k] for k in ("model_id", "created_at", "created_by", "coder", "unit")}
                | {
                    "codes": len(r["card"]["codes"]),
                    "documents": r["card"]["documents"],
                    "holdout": r["card"]["holdout"],
                }
                for r in rows
            ]
        )
        return
    if not rows:
        click.echo("no assist model yet: train one with 'qualcode assist train'")
        return
    click.echo(
        plain_table(
            ("model", "trained", "by", "coder", "unit", "codes", "documents", "held out"),
            [
                (
                    r["model_id"],
                    r["created_at"][:16].replace("T", " "),
                    r["created_by"] or "",
                    r["coder"],
                    r["unit"],
                    str(len(r["card"]["codes"])),
                    str(len(r["card"]["documents"])),
                    str(len(r["card"]["holdout"])),
                )
                for r in rows
            ],
        ),
        nl=False,
    )


@assist.command("forget")
@click.argument("model_ids", nargs=-1, metavar="[MODEL]...")
@click.option("--all", "forget_all", is_flag=True, help="Every stored model.")
@click.option("--yes", is_flag=True, help="Do not ask (required when standard input is not a terminal).")
@pass_ctx
def forget_cmd(ctx: Ctx, model_ids, forget_all, yes) -> None:
    """Delete stored models (MODEL, or --all) for good: NOT undoable.

    A model's vocabulary holds words of the texts it was trained on, names included. Its bytes are
    deliberately kept out of the history, so 'qualcode undo' has nothing to bring back: 'qualcode
    assist train' trains a new one. Asks first on a terminal; elsewhere give --yes. Codings written
    as coder assist:MODEL stay (they are codings like any other).
    """
    import sys

    from qualcode.assist import forget_models, models_to_forget
    from qualcode.errors import QualcodeError

    if bool(model_ids) == forget_all:
        raise QualcodeError(
            "name the model(s) to forget, or give --all (not both); 'qualcode assist models' lists them"
        )
    with ctx.open() as p:
        p.require_writable()
        ids = models_to_forget(p, None if forget_all else model_ids)
        if not ids:
            click.echo("no assist model is stored: nothing to forget")
            return
        what = f"{len(ids)} assist model(s) ({', '.join(ids)})"
        if not yes:
            if not sys.stdin.isatty():
                raise QualcodeError(f"forgetting {what} cannot be undone: add --yes to confirm (no terminal to ask on)")
            click.confirm(f"Delete {what} for good? This cannot be undone", abort=True)
        done = forget_models(p, ids)
    click.echo(
        f"forgot {len(done.model_ids)} assist model(s): {', '.join(done.model_ids)} — not undoable (a model is "
        "never copied into the history); 'qualcode assist train' trains a new one"
    )
    if not done.log_emptied:
        click.echo(
            "note: others have the project open, so SQLite's write-ahead log still holds the old pages "
            "until they close it",
            err=True,
        )


@assist.command("suggest")
@click.argument("documents", nargs=-1, metavar="[DOC]...")
@_min_precision
@click.option("--model", "model_id", default=None, help="Which stored model (default: the newest).")
@click.option(
    "--apply", "do_apply", is_flag=True, help="Write the suggestions as coder assist:<model id> (one undoable step)."
)
@json_option
@pass_ctx
def suggest_cmd(ctx: Ctx, documents, min_precision, model_id, do_apply, as_json) -> None:
    """Preview the assistant's suggestions per unit with their confidence; --apply writes them as their own coder.

    Every document unless DOC is named. Codes with too few examples, or whose cross-validated
    precision never reaches --min-precision, are named and get no suggestions. An applied run is one
    step: 'qualcode undo' (as the same --coder) takes it all back.
    """
    from qualcode.assist import apply_suggestions, plan_suggestions
    from qualcode.corpus.documents import document_texts

    with ctx.open() as p:
        plan = plan_suggestions(p, documents, min_precision, model_id)
        event = written = None
        if do_apply:
            event, written = apply_suggestions(p, plan)
        texts = document_texts(p, {s.document_id for s in plan.suggestions}) if not as_json and not do_apply else {}
    skipped = {"too_few_examples": plan.too_few, "below_precision": plan.unreachable}
    if as_json:
        print_json(
            {
                "model": plan.model.model_id,
                "coder": plan.coder,
                "min_precision": min_precision,
                "thresholds": plan.thresholds,
                "suggestions": [s.as_dict() for s in plan.suggestions],
                "no_suggestions": skipped,
                "applied": written,
                "event": event,
            }
        )
        return
    if not do_apply:
        rows: list[tuple[str, ...]] = []
        for s in plan.suggestions:
            snippet = " ".join(texts[s.document_id][s.start : s.end].split())
            rows.append((s.document, f"{s.start}-{s.end}", s.code_path, f"{s.confidence:.2f}", snippet))
        if rows:
            click.echo(plain_table(("document", "span", "code", "confidence", "text"), rows), nl=False)
    unit = plan.model.card["unit"]
    docs = len({s.document_id for s in plan.suggestions})
    if plan.too_few:
        click.echo(f"no suggestions (too few examples): {', '.join(plan.too_few)}", err=True)
    if plan.unreachable:
        click.echo(
            f"no suggestions (cross-validated precision never reaches {min_precision:g}): "
            + ", ".join(plan.unreachable),
            err=True,
        )
    trained_on = sorted({s.document for s in plan.suggestions} & set(plan.model.card["documents"]))
    if trained_on:  # agreement there flatters the model: it has seen these texts and their codes
        held = plan.model.card.get("holdout") or []
        click.echo(
            f"note: {len(trained_on)} of these documents were used in training; agreement with "
            f"{plan.model.card['coder']} on them overstates the model — compare on documents held out "
            + (f"({', '.join(held)}: agreement --documents …)" if held else "(assist train --holdout DOC …)"),
            err=True,
        )
    if do_apply:
        click.echo(
            f"wrote {written} suggestion(s) as {plan.coder} in {docs} document(s) (event {event}; "
            f"{plan.already} already there); 'qualcode undo' takes them back"
        )
    else:
        click.echo(
            f"preview: {len(plan.suggestions)} suggested {unit}-coding(s) in {docs} document(s) at precision "
            f"≥ {min_precision:g} (model {plan.model.model_id}; {plan.already} already written as {plan.coder}). "
            "Run again with --apply to write them as that coder."
        )


@main.group()
def explore() -> None:
    """Explore the corpus for inductive coding: topics of what is not coded yet."""


@explore.command("topics")
@click.option("--uncoded", is_flag=True, help="Only units that no coder has coded.")
@click.option("-k", "k", type=int, default=8, show_default=True, help="Number of topics.")
@click.option("--unit", type=UNIT_CHOICE, default="sentence", show_default=True, help="The unit each passage is.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the factorisation (deterministic).")
@click.option("--words", type=click.IntRange(1, 50), default=8, show_default=True, help="Top words per topic.")
@click.option("--passages", type=click.IntRange(0, 50), default=3, show_default=True, help="Passages per topic.")
@json_option
@pass_ctx
def topics_cmd(ctx: Ctx, uncoded, k, unit, seed, words, passages, as_json) -> None:
    """NMF topics over the lemmas of units: top words and the most representative passages (KWIC).

    Each passage line gives the document and the unit's code-point offsets, so it can be opened and coded.
    """
    from qualcode.assist import topics

    with ctx.open() as p:
        result = topics(p, k, unit, uncoded, seed, words, passages)
    if as_json:
        print_json(
            {
                "unit": result.unit,
                "k": result.k,
                "seed": result.seed,
                "uncoded": result.uncoded,
                "units": result.units,
                "vocabulary": result.vocabulary,
                "topics": [
                    {
                        "topic": t.number,
                        "units": t.units,
                        "words": [{"word": w, "weight": v} for w, v in t.words],
                        "passages": [ps.as_dict() for ps in t.passages],
                    }
                    for t in result.topics
                ],
            }
        )
        return
    what = plural(result.units, f"uncoded {result.unit}" if result.uncoded else result.unit)
    click.echo(f"{result.k} topics over {what} ({plural(result.vocabulary, 'lemma')}; NMF, seed {result.seed})")
    for t in result.topics:
        click.echo(f"\ntopic {t.number} ({plural(t.units, result.unit)}): {', '.join(w for w, _ in t.words)}")
        for ps in t.passages:
            click.echo(f"  {ps.document} [{ps.start},{ps.end})  …{ps.left[-40:]} [{ps.keyword}] {ps.right[:40]}…")
