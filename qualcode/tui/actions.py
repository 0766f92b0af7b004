"""The one table of actions: it feeds key bindings, the footer, the command palette and the help screen.

Each row names a Textual action, the keys that trigger it, where it lives (``scope``) and the words
shown to people. Code hotkeys are not here: they come from the codebook (see the help screen).
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class Action:
    scope: str  # app | transcript | tree | codebook | retrieval | picker | memo | dialog
    action: str  # Textual action string, run on the scope's node
    keys: str  # Textual key names, comma separated
    label: str  # short, for the footer
    help: str  # one line, for the help screen and the command palette
    footer: bool = True
    palette: bool = False
    bind: bool = True  # False: the key is Textual's own (documented here, bound by Textual)
    display: str | None = None


SCOPES = {
    "app": "Everywhere in the workbench",
    "transcript": "Transcript: cursor and selection",
    "coding": "Transcript: codings",
    "suggest": "Transcript: the assistant's suggestions (ctrl+x)",
    "tree": "Codebook tree (right)",
    "documents": "Document list (left)",
    "codebook": "Codebook editor (ctrl+k)",
    "codebook_tree": "Codebook editor: the tree",
    "retrieval": "Retrieval (ctrl+r)",
    "picker": "Code picker (/)",
    "memo": "Memo editor",
    "search": "Search (ctrl+f)",
    "find": "Find in this document (ctrl+l)",
    "matrix": "Co-occurrence matrix (ctrl+t)",
    "agreement": "Inter-coder agreement (ctrl+w)",
    "cases": "Cases: documents × attributes (ctrl+s)",
    "memos": "Memo browser (ctrl+a)",
}

ACTIONS: tuple[Action, ...] = (
    # --- app
    Action("app", "help", "question_mark,f1", "help", "Show every key (this screen)", display="?", palette=True),
    Action(
        "app",
        "pick_code",
        "slash",
        "code…",
        "Apply a code to the selection with the fuzzy picker (or create one)",
        display="/",
        palette=True,
    ),
    Action("app", "undo", "ctrl+z", "undo", "Undo your latest change (kept across restarts)", palette=True),
    Action("app", "redo", "ctrl+y", "redo", "Redo what you undid", palette=True),
    Action("app", "switch_coder", "ctrl+u", "coder", "Switch coder (who you are coding as)", palette=True),
    Action(
        "app",
        "cycle_view",
        "ctrl+d",
        "view",
        "Show my codings / all coders / me compared with each other coder, differences marked ≠",
        palette=True,
    ),
    Action(
        "app",
        "codebook",
        "ctrl+k",
        "codebook",
        "Edit the codebook: add, rename, move, merge, recolour, define",
        palette=True,
    ),
    Action(
        "app",
        "retrieve",
        "ctrl+r",
        "retrieve",
        "All segments of a code, filtered by coder and attributes",
        palette=True,
    ),
    Action(
        "app", "memo_document", "ctrl+g", "doc memo", "Write a memo on the open document", footer=False, palette=True
    ),
    Action(
        "app",
        "memo_code",
        "ctrl+b,f6",
        "code memo",
        "Write a memo on the highlighted code (f6 where tmux keeps ctrl+b)",
        footer=False,
        palette=True,
    ),
    Action(
        "app",
        "memos",
        "ctrl+a,f8",
        "memos",
        "Browse every memo of the project (f8 where tmux keeps ctrl+a); Enter opens its place",
        footer=False,
        palette=True,
    ),
    Action(
        "app",
        "search",
        "ctrl+f,f3",
        "search",
        "Search the corpus: exact, regex, lemma or fuzzy; Enter opens a hit",
        palette=True,
    ),
    Action(
        "app",
        "matrix",
        "ctrl+t,f4",
        "matrix",
        "Code co-occurrence heatmap; a cell lists the segments where both codes occur",
        footer=False,
        palette=True,
    ),
    Action(
        "app",
        "agreement",
        "ctrl+w,f5",
        "agreement",
        "Inter-coder agreement per code, disagreements side by side, adjudication",
        footer=False,
        palette=True,
    ),
    Action(
        "app", "import_files", "ctrl+o", "import", "Import files or a folder of transcripts", footer=False, palette=True
    ),
    Action(
        "app",
        "export_codings",
        "ctrl+e",
        "export",
        "Export all codings to exports/: re-importable CSV, or a tidy table (CSV, Excel, JSON, SPSS, Stata)",
        footer=False,
        palette=True,
    ),
    Action(
        "app",
        "cases",
        "ctrl+s,f7",
        "cases",
        "Cases: documents × attributes — sort, filter, edit values, add an attribute (f7 where ctrl+s is taken)",
        footer=False,
        palette=True,
    ),
    Action("app", "toggle_documents", "f2", "docs", "Show or hide the document list", footer=False, palette=True),
    Action(
        "app",
        "toggle_suggestions",
        "ctrl+x",
        "suggestions",
        "The offline assistant's suggestions for this document at precision ≥ 0.8; again: 0.6, 0.4, then hidden",
        footer=False,
        palette=True,
    ),
    Action(
        "app",
        "find_in_document",
        "ctrl+l,f9",
        "find",
        "Find in this document (Enter: next match, ↑ previous, esc back with the match selected)",
        footer=False,
        palette=True,
    ),
    Action("app", "focus_next", "tab", "next pane", "Move focus to the next pane", footer=False, bind=False),
    Action(
        "app",
        "command_palette",
        "ctrl+p",
        "palette",
        "Open the command palette (all actions by name)",
        footer=False,
        bind=False,
    ),
    Action("app", "quit", "ctrl+q", "quit", "Quit (everything is already saved)", footer=False, bind=False),
    # --- transcript: cursor and selection
    Action("transcript", "move(-1)", "left", "left", "Cursor one character left", footer=False),
    Action("transcript", "move(1)", "right", "right", "Cursor one character right", footer=False),
    Action("transcript", "move_row(-1)", "up", "up", "Cursor one line up", footer=False),
    Action("transcript", "move_row(1)", "down", "down", "Cursor one line down", footer=False),
    Action("transcript", "move_word(-1)", "ctrl+left", "word left", "Cursor to the previous word", footer=False),
    Action("transcript", "move_word(1)", "ctrl+right", "word right", "Cursor to the next word", footer=False),
    Action("transcript", "move_page(-1)", "pageup", "page up", "Cursor one screen up", footer=False),
    Action("transcript", "move_page(1)", "pagedown", "page down", "Cursor one screen down", footer=False),
    Action("transcript", "move_line_edge(-1)", "home", "home", "Cursor to the start of the line", footer=False),
    Action("transcript", "move_line_edge(1)", "end", "end", "Cursor to the end of the line", footer=False),
    Action("transcript", "move_doc_edge(-1)", "ctrl+home", "top", "Cursor to the start of the document", footer=False),
    Action("transcript", "move_doc_edge(1)", "ctrl+end", "bottom", "Cursor to the end of the document", footer=False),
    Action(
        "transcript", "move(-1, True)", "shift+left", "extend", "Extend the selection a character left", footer=False
    ),
    Action(
        "transcript", "move(1, True)", "shift+right", "extend", "Extend the selection a character right", footer=False
    ),
    Action("transcript", "move_row(-1, True)", "shift+up", "extend", "Extend the selection a line up", footer=False),
    Action("transcript", "move_row(1, True)", "shift+down", "extend", "Extend the selection a line down", footer=False),
    Action(
        "transcript",
        "move_word(-1, True)",
        "ctrl+shift+left",
        "extend",
        "Extend the selection a word left",
        footer=False,
    ),
    Action(
        "transcript",
        "move_word(1, True)",
        "ctrl+shift+right",
        "extend",
        "Extend the selection a word right",
        footer=False,
    ),
    Action(
        "transcript",
        "select_unit('word')",
        "1",
        "word",
        "Select the word at the cursor; again: one more word",
        footer=False,
    ),
    Action(
        "transcript",
        "select_unit('sentence')",
        "2",
        "sentence",
        "Select the sentence at the cursor; again: one more sentence",
    ),
    Action(
        "transcript", "select_unit('turn')", "3", "turn", "Select the speaker turn at the cursor; again: one more turn"
    ),
    Action(
        "transcript",
        "select_unit('paragraph')",
        "4",
        "paragraph",
        "Select the paragraph at the cursor; again: one more paragraph",
        footer=False,
    ),
    Action("transcript", "clear_selection", "escape", "clear", "Clear the selection"),
    # --- transcript: codings
    Action(
        "coding",
        "edge('end', 1)",
        "right_square_bracket",
        "grow",
        display="]",
        help="Grow the selection (or your coding at the cursor) by one unit at its end",
    ),
    Action(
        "coding",
        "edge('end', -1)",
        "left_square_bracket",
        "shrink",
        display="[",
        help="Shrink the selection (or your coding at the cursor) by one unit at its end",
    ),
    Action(
        "coding",
        "edge('start', -1)",
        "left_curly_bracket",
        "grow start",
        display="{",
        footer=False,
        help="Grow the selection (or your coding at the cursor) by one unit at its start",
    ),
    Action(
        "coding",
        "edge('start', 1)",
        "right_curly_bracket",
        "shrink start",
        display="}",
        footer=False,
        help="Shrink the selection (or your coding at the cursor) by one unit at its start",
    ),
    Action(
        "coding",
        "cycle_current",
        "equals_sign",
        "next coding here",
        "Make the next of your codings at the cursor the current one (the one ] [ } { del ctrl+n act on)",
        display="=",
        footer=False,
    ),
    Action("coding", "uncode", "delete,backspace", "uncode", "Remove your current coding at the cursor", display="del"),
    Action("coding", "memo_coding", "ctrl+n", "memo", "Write a memo on your coding at the cursor"),
    Action(
        "coding", "select_coding", "enter", "select coding", "Select the span of the coding at the cursor", footer=False
    ),
    Action(
        "coding",
        "in_vivo",
        "quotation_mark",
        "in vivo",
        "In-vivo code: a new code named from the selected words (edit the name, Parent/Name places it), applied",
        display='"',
        footer=False,
    ),
    Action("coding", "jump_coding(1)", "ctrl+down", "next coding", "Jump to the next coding", display="^↓"),
    Action("coding", "jump_coding(-1)", "ctrl+up", "prev coding", "Jump to the previous coding", footer=False),
    Action(
        "coding",
        "jump_uncoded(1)",
        "alt+down",
        "uncoded",
        "Select the next passage (unit chosen last, 2–4) that no coding shown touches yet",
        display="alt+↓",
    ),
    Action(
        "coding",
        "jump_uncoded(-1)",
        "alt+up",
        "prev uncoded",
        "Select the previous passage that no coding shown touches yet",
        footer=False,
    ),
    # --- the assistant's suggestions (ctrl+x shows them)
    Action(
        "suggest",
        "next_suggestion(1)",
        "greater_than_sign",
        "next suggestion",
        "Select the next suggestion (its code and confidence in the status line)",
        display=">",
    ),
    Action("suggest", "next_suggestion(-1)", "less_than_sign", "prev", "Select the previous suggestion", display="<"),
    Action(
        "suggest",
        "decide_suggestion(True)",
        "plus",
        "accept",
        "Accept the selected suggestion: it becomes your coding (the model is recorded)",
        display="+",
    ),
    Action(
        "suggest",
        "decide_suggestion(False)",
        "minus",
        "reject",
        "Reject the selected suggestion (the next training learns from it)",
        display="-",
    ),
    # --- document list and code tree
    Action("documents", "open_highlighted", "enter", "open", "Open the highlighted document"),
    Action(
        "documents",
        "cycle_sort",
        "s",
        "sort",
        "Sort by: project order, name, kind, each attribute, your codings, everyone's",
    ),
    Action("documents", "reverse_sort", "S", "reverse", "Reverse the order", display="S", footer=False),
    Action(
        "documents",
        "filter",
        "f",
        "filter",
        "Filter: kind=interview, site=Vesterbro, age>30, coded:me, not:me, coded:none, or a word",
    ),
    Action("tree", "apply_highlighted", "enter", "apply", "Apply the highlighted code to the selection"),
    # --- codebook editor
    Action("codebook_tree", "apply_highlighted", "enter", "edit", "Edit the highlighted code (same as e)"),
    Action("codebook", "add_child", "a", "add child", "Add a child code under the highlighted code"),
    Action("codebook", "add_top", "A", "add top", "Add a top-level code", display="A"),
    Action("codebook", "rename", "r", "rename", "Rename the highlighted code"),
    Action("codebook", "edit", "e", "edit", "Edit definition, inclusion, exclusion, example and hotkey"),
    Action("codebook", "move", "m", "move", "Move the code under another parent (or to the top level)"),
    Action("codebook", "merge", "g", "merge", "Merge the code into another (its codings move; asks first)"),
    Action("codebook", "recolour", "c", "colour", "Give the code the next colour of the palette"),
    Action(
        "codebook",
        "reorder(-1)",
        "ctrl+up,minus",
        "up",
        "Move the code up among its siblings",
        footer=False,
        display="ctrl+up -",
    ),
    Action(
        "codebook",
        "reorder(1)",
        "ctrl+down,plus",
        "down",
        "Move the code down among its siblings",
        footer=False,
        display="ctrl+down +",
    ),
    Action("codebook", "delete", "delete", "delete", "Delete the code (asks where its codings go)", display="del"),
    Action("codebook", "memo", "n", "memo", "Write a memo on the highlighted code"),
    Action("codebook", "close", "escape", "back", "Back to the transcript"),
    # --- retrieval
    Action("retrieval", "choose_code", "slash", "code…", "Choose the code to retrieve", display="/"),
    Action("retrieval", "toggle_children", "c", "children", "Include or exclude the code's children"),
    Action("retrieval", "cycle_coder", "k", "coder", "Filter by coder: all, then each coder in turn"),
    Action("retrieval", "filter_attributes", "f", "filter", "Filter by document attributes (e.g. site=Vesterbro)"),
    Action("retrieval", "open_segment", "enter", "open", "Open the transcript at the highlighted segment"),
    Action(
        "retrieval",
        "export",
        "x",
        "export…",
        "Export these segments (this code, children, coder, attributes): table, SPSS, Stata or quote report",
    ),
    Action("retrieval", "close", "escape", "back", "Back to the transcript"),
    # --- picker and memo editor
    Action("picker", "choose", "enter", "apply", "Apply the highlighted code (or create the new one)"),
    Action("picker", "cursor(1)", "down", "down", "Next match", footer=False),
    Action("picker", "cursor(-1)", "up", "up", "Previous match", footer=False),
    Action("picker", "cancel", "escape", "cancel", "Close without coding"),
    Action("memo", "save", "ctrl+s", "save", "Save the memo (an empty memo is deleted)"),
    Action("memo", "cancel", "escape", "cancel", "Close without saving"),
    # --- find in the document
    Action("find", "step(1)", "down", "next", "Next match (Enter too)"),
    Action("find", "step(-1)", "up", "previous", "Previous match"),
    Action("find", "close", "escape", "back", "Back to the transcript, the match selected (a hotkey codes it)"),
    # --- search, matrix, agreement
    Action("search", "cycle_mode", "ctrl+r", "mode", "Next search mode: exact, regex, lemma, fuzzy"),
    Action("search", "close", "escape", "back", "Back to the transcript (Enter on a hit opens it)"),
    Action("matrix", "next_unit", "u", "unit", "Next unit: overlap, sentence, turn, paragraph, document"),
    Action("matrix", "next_measure", "m", "measure", "Next measure: count, Jaccard, conditional, phi, lift"),
    Action("matrix", "toggle_pool", "p", "pool", "Your codings only, or all coders pooled"),
    Action(
        "matrix",
        "export",
        "x",
        "export…",
        "Export this matrix (unit, measure, coders): table, SPSS, Stata, network or heatmap figure",
    ),
    Action("matrix", "close", "escape", "back", "Back (Enter on a cell lists its segments; on one, opens it)"),
    Action(
        "agreement",
        "decide('a')",
        "a",
        "accept A",
        "Preview giving the consensus coder the first coder's spans; a again writes it",
    ),
    Action(
        "agreement",
        "decide('b')",
        "b",
        "accept B",
        "Preview giving the consensus coder the second coder's spans; b again writes it",
    ),
    Action("agreement", "decide('both')", "o", "both", "Preview both coders' spans (their union); o again writes it"),
    Action("agreement", "decide('neither')", "n", "neither", "Preview no consensus coding here; n again writes it"),
    Action("agreement", "open_segment", "g", "go to text", "Open the transcript at the disagreement"),
    Action("agreement", "cycle_unit", "u", "unit", "Next unit: sentence, turn, paragraph, document, character …"),
    Action(
        "agreement",
        "choose_coders",
        "c",
        "coders",
        "Choose the coders: anna,bo — or anna@2026-11-01,anna for code–recode agreement",
    ),
    Action("agreement", "recompute", "r", "refresh", "Compute the table again", footer=False),
    Action(
        "agreement",
        "export",
        "x",
        "export…",
        "Export the agreement of these coders at this unit, disagreements included: tables or reliability report",
    ),
    Action("agreement", "close", "escape", "back", "Back to the transcript"),
    Action("cases", "sort", "s", "sort", "Sort by the column under the cursor; again reverses (▲▼ in its header)"),
    Action("cases", "filter", "f", "filter", "Filter: site=Vesterbro, age>30, role~work, coded:me, or a word"),
    Action("cases", "edit", "e", "edit", "Edit the cell (Enter too; Enter on a name opens the document)"),
    Action("cases", "add_attribute", "a", "add attribute", "Add an attribute: its name and type"),
    Action("cases", "open", "o", "open", "Open the row's document in the workbench"),
    Action("cases", "close", "escape", "back", "Back to the transcript"),
    Action("memos", "cycle_kind", "k", "kind", "Filter by kind: all, project, document, code, coding"),
    Action("memos", "cycle_coder", "c", "coder", "Filter by coder: all, then each coder in turn"),
    Action(
        "memos",
        "choose_code",
        "slash",
        "code…",
        "Filter by code: its memo and its codings' memos (with its children)",
        display="/",
    ),
    Action("memos", "filter_text", "f", "text", "Filter by words in the memo, its place or its coder"),
    Action("memos", "clear_filters", "x", "clear", "Clear every filter"),
    Action("memos", "edit", "e", "edit", "Edit the highlighted memo (yours)"),
    Action("memos", "open", "enter", "open", "Open the memo's place: the document, the coding, the code"),
    Action("memos", "close", "escape", "back", "Back to the transcript"),
)


def in_scope(scope: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def bindings(*scopes: str, priority: bool = False) -> list[BindingType]:
    """Textual bindings for the actions of ``scopes`` (the footer shows those marked ``footer``)."""
    return [
        Binding(a.keys, a.action, a.label, show=a.footer, key_display=a.display, priority=priority)
        for s in scopes
        for a in in_scope(s)
        if a.bind
    ]


def reserved_keys(*scopes: str) -> frozenset[str]:
    """Keys the workbench binds in ``scopes``: they win over a code hotkey on the same key."""
    return frozenset(k.strip() for s in scopes for a in in_scope(s) for k in a.keys.split(","))


def key_label(a: Action) -> str:
    """How a key is written for people: ``ctrl+z``, ``/``, ``del``."""
    if a.display:
        return a.display
    names = {
        "question_mark": "?",
        "slash": "/",
        "pageup": "PgUp",
        "pagedown": "PgDn",
        "escape": "esc",
        "delete": "del",
        "backspace": "⌫",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
    }
    return " ".join(names.get(k, k) for k in a.keys.split(","))


MODE_HELP = (
    "How keys work in the transcript\n"
    "• Letters never move the cursor: they are code hotkeys. With text selected, a code's hotkey applies "
    "that code; the selection stays, so you can apply several codes (esc clears it). Without a selection "
    "a hotkey only reminds you to select first.\n"
    "• Select with shift+arrows, ctrl+shift+arrows (words), a mouse drag, or the unit keys 1 word · "
    "2 sentence · 3 speaker turn · 4 paragraph (press again to add the next unit).\n"
    "• [ ] move the end of the selection one unit left/right, { } move its start. With no selection they "
    "resize your coding under the cursor, by the unit chosen last (1–4).\n"
    "• Hotkeys are letters (or digits 5–9): the workbench's own keys ( ? / [ ] { } = \" + - < > 1–4 ) "
    "never code.\n"
)
