"""Cases in the workbench: the sheet of documents × attributes (ctrl+s / f7), the document list's
sort and filter, and the import dialog's kind, language and attributes CSV — each step checked
against the project file."""

from __future__ import annotations

import sqlite3

import pytest
from textual.widgets import DataTable, Input, RadioButton, RadioSet, Static

from helpers.tui import settle
from qualcode.coding.codings import add_coding, list_codings, remove_coding
from qualcode.corpus.attributes import add_attribute, attribute_types, document_attributes, set_attribute
from qualcode.corpus.documents import get_document
from qualcode.project import Project
from qualcode.tui.app import QualcodeApp
from qualcode.tui.screens.cases import AttributeForm, CasesScreen, cell_at
from qualcode.tui.screens.dialogs import Prompt
from qualcode.tui.screens.transfer import TransferScreen
from qualcode.tui.widgets.document_list import DocumentList

DOC = "da_int01_vesterbro_bruger"
SIZE = (120, 40)
pytestmark = pytest.mark.anyio


def read(path, sql, *params):
    """One query on the project file, read-only (the workbench holds it open)."""
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return con.execute(sql, params).fetchall()
    finally:
        con.close()


def value(path, document, attribute):
    rows = read(
        path,
        "SELECT da.value FROM document_attributes da JOIN attributes a ON a.id = da.attribute_id "
        "JOIN documents d ON d.id = da.document_id WHERE d.name = ? AND a.name = ?",
        document,
        attribute,
    )
    return rows[0][0] if rows else None


def column(screen: CasesScreen, field: str) -> list[str]:
    table = screen.query_one(DataTable)
    index = [f for f, _ in screen.columns()].index(field)
    return [cell_at(table, r, index) for r in range(table.row_count)]


def go_to(screen: CasesScreen, document: str, field: str) -> None:
    row = [d["name"] for d in screen.shown].index(document)
    col = [f for f, _ in screen.columns()].index(field)
    screen.query_one(DataTable).move_cursor(row=row, column=col, animate=False)


async def open_sheet(pilot, key: str = "ctrl+s") -> CasesScreen:
    await pilot.press(key)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CasesScreen)
    return screen


async def type_into(pilot, text: str) -> None:
    """Replace the focused input's text and press Enter."""
    field = pilot.app.focused
    assert isinstance(field, Input)
    field.value = ""
    await pilot.press(*text, "enter")
    await settle(pilot)


async def test_sheet_shows_documents_and_typed_columns_and_sorts(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot, "f7")
        fields = [f for f, _ in screen.columns()]
        assert fields[:5] == ["name", "kind", "language", "mine", "codings"]
        assert {"site", "role", "date"} <= set(fields)
        assert len(screen.shown) == 12
        assert screen.shown[screen.query_one(DataTable).cursor_row]["name"] == DOC  # starts on the open document
        all_counts = dict(
            read(
                demo_copy,
                "SELECT d.name, COUNT(c.id) FROM documents d LEFT JOIN codings c ON c.document_id = d.id GROUP BY d.id",
            )
        )
        assert dict(zip(column(screen, "name"), map(int, column(screen, "codings")))) == all_counts
        # s sorts by the column under the cursor; again reverses, ▲▼ in the header
        go_to(screen, DOC, "date")
        await pilot.press("s")
        dates = column(screen, "date")
        assert dates == sorted(dates) and screen.sort_field == "date"
        table = screen.query_one(DataTable)
        assert "date▲" in table.columns["date"].label.plain
        await pilot.press("s")
        assert column(screen, "date") == sorted(dates, reverse=True)
        assert "date▼" in table.columns["date"].label.plain
        # the cursor stayed on its document and column
        assert screen.cursor_cell() == (get_document(app.project, DOC)["id"], "date")
        # numbers sort as numbers
        go_to(screen, DOC, "codings")
        await pilot.press("s")
        counts = [int(v) for v in column(screen, "codings")]
        assert counts == sorted(counts)


async def test_sheet_filters_and_says_how_many(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot)
        await pilot.press("f")
        assert isinstance(app.screen, Prompt)
        await type_into(pilot, "site=Vesterbro")
        assert set(column(screen, "site")) == {"Vesterbro"}
        assert len(screen.shown) == 5
        summary = str(screen.query_one("#cases-summary", Static).render())
        assert "5 of 12 documents" in summary and "site=Vesterbro" in summary
        # conditions combine: a number compared as a number
        await pilot.press("f")
        await type_into(pilot, "site=Vesterbro codings>30 kind=interview")
        assert sorted(column(screen, "name")) == [
            "da_int01_vesterbro_bruger",
            "da_int04_vesterbro_medarbejder",
            "en_int08_vesterbro_peer",
        ]
        # an unknown field is one line in the dialog, and the filter stays as it was
        await pilot.press("f")
        await type_into(pilot, "city=Aarhus")
        assert isinstance(app.screen, Prompt)
        assert "no field 'city'" in str(app.screen.query_one("#dialog-error", Static).render())
        await pilot.press("escape")
        assert len(screen.shown) == 3
        # empty: everything again
        await pilot.press("f")
        await type_into(pilot, "")
        assert len(screen.shown) == 12


async def test_edit_a_number_cell_checks_the_type_and_undo_restores(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot)
        events_before = read(demo_copy, "SELECT COUNT(*) FROM events")[0][0]
        # a: add an integer attribute (name, then its type)
        await pilot.press("a")
        assert isinstance(app.screen, AttributeForm)
        await pilot.press(*"age")
        app.screen.query_one("#type-integer", RadioButton).value = True
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        assert read(demo_copy, "SELECT type FROM attributes WHERE name = 'age'") == [("integer",)]
        assert read(demo_copy, "SELECT COUNT(*) FROM events")[0][0] == events_before + 1
        assert "age" in [f for f, _ in screen.columns()]
        # Enter on a cell edits it; a bad value gets one line in the dialog and writes nothing
        go_to(screen, DOC, "age")
        await pilot.press("enter")
        assert isinstance(app.screen, Prompt)
        await pilot.press(*"thirty", "enter")
        await settle(pilot)
        assert isinstance(app.screen, Prompt)
        error = str(app.screen.query_one("#dialog-error", Static).render())
        assert "age takes a whole number" in error and "'thirty'" in error
        assert value(demo_copy, DOC, "age") is None
        assert read(demo_copy, "SELECT COUNT(*) FROM events")[0][0] == events_before + 1
        # a good value: one event, named by document and attribute
        await type_into(pilot, "34")
        assert isinstance(app.screen, CasesScreen)
        assert value(demo_copy, DOC, "age") == "34"
        ((action, summary),) = read(demo_copy, "SELECT action, summary FROM events ORDER BY id DESC LIMIT 1")
        assert action == "attribute.set" and summary == f"age of {DOC}: (empty) → 34"
        row = [d["name"] for d in screen.shown].index(DOC)
        assert column(screen, "age")[row] == "34"
        # a second edit, then ctrl+z (over the sheet) undoes one edit at a time
        await pilot.press("enter")
        await type_into(pilot, "35")
        assert value(demo_copy, DOC, "age") == "35"
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert value(demo_copy, DOC, "age") == "34"
        assert column(screen, "age")[row] == "34"  # the sheet shows what the undo restored
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert value(demo_copy, DOC, "age") is None
        await pilot.press("ctrl+y")
        await settle(pilot)
        assert value(demo_copy, DOC, "age") == "34"
        assert isinstance(app.screen, CasesScreen)


async def test_add_attribute_enter_adds_from_the_type_choice(demo_copy):
    """ "Enter adds" holds with focus on the type RadioSet too (arrows and space choose a type)."""
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AttributeForm)
        await pilot.press(*"weight", "tab")
        await settle(pilot)
        assert isinstance(app.focused, RadioSet)
        await pilot.press("down", "space")
        await settle(pilot)
        assert form.chosen_type == "integer"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CasesScreen)
        assert read(demo_copy, "SELECT type FROM attributes WHERE name = 'weight'") == [("integer",)]
        assert "weight" in [f for f, _ in screen.columns()]
        # a refused name: the line in the dialog, which stays open, Enter from the type choice again
        await pilot.press("a")
        await settle(pilot)
        await pilot.press(*"weight", "tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, AttributeForm)
        assert str(app.screen.query_one("#attribute-error", Static).render())


async def test_edit_kind_and_text_and_enter_on_a_name_opens_it(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot)
        go_to(screen, "en_int07_nordvest_outreach", "kind")
        await pilot.press("e")
        await type_into(pilot, "diary")
        assert "not a kind" in str(app.screen.query_one("#dialog-error", Static).render())
        await type_into(pilot, "other")
        assert read(demo_copy, "SELECT kind FROM documents WHERE name = 'en_int07_nordvest_outreach'") == [("other",)]
        go_to(screen, "en_int07_nordvest_outreach", "site")
        await pilot.press("enter")
        await type_into(pilot, "Sydhavn")
        assert value(demo_copy, "en_int07_nordvest_outreach", "site") == "Sydhavn"
        go_to(screen, "en_int07_nordvest_outreach", "name")
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(app.screen, CasesScreen)
        assert app.doc["name"] == "en_int07_nordvest_outreach"
        # the document list shows the new kind (the workbench refreshed when the sheet closed)
        docs = app.query_one(DocumentList)
        assert next(d for d in docs.all_documents if d["name"] == "en_int07_nordvest_outreach")["kind"] == "other"


async def test_sheet_follows_another_process(demo_copy):
    from qualcode.corpus.attributes import set_attribute

    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot)
        other = Project.open(demo_copy, coder="bo")
        try:
            set_attribute(other, DOC, "site", "Amager")
        finally:
            other.close()
        app.poll_changes()
        await settle(pilot)
        row = [d["name"] for d in screen.shown].index(DOC)
        assert column(screen, "site")[row] == "Amager"


async def test_empty_project_shows_a_hint(tmp_path):
    Project.create(tmp_path / "empty.db", coder="anna").close()
    app = QualcodeApp(tmp_path / "empty.db", "anna")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_sheet(pilot)
        hint = screen.query_one("#cases-empty", Static)
        assert hint.display and "No documents yet: ctrl+o imports transcripts" in str(hint.render())
        assert not screen.query_one(DataTable).display


async def test_document_list_sorts_and_filters(demo_copy):
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        docs = app.query_one(DocumentList)
        docs.focus()
        await pilot.press("f")
        await type_into(pilot, "kind=fieldnote")
        assert {d["kind"] for d in docs.documents} == {"fieldnote"} and len(docs.documents) == 4
        assert docs.border_title == "4/12 · kind=fieldnote"
        # s cycles the order: name, kind, then the attributes
        await pilot.press("s")
        assert docs.sort_field == "name"
        names = [d["name"] for d in docs.documents]
        assert names == sorted(names)
        await pilot.press("s", "s")
        assert docs.sort_field == "site"
        assert docs.border_title == "4/12 · site▲ · kind=fieldnote"
        sites = [document_attributes(app.project)[d["id"]]["site"] for d in docs.documents]
        assert sites == sorted(sites)
        await pilot.press("S")
        assert "site▼" in docs.border_title
        # the filter clears; the title is plain again once the order is the project's
        await pilot.press("f")
        await type_into(pilot, "")
        assert len(docs.documents) == 12
        while docs.sort_field != "order":
            await pilot.press("s")
        assert docs.border_title == "Documents"
        await pilot.press("S")
        assert docs.border_title == "12/12 · order▼"
        await pilot.press("S")
        assert docs.border_title == "Documents"
        assert [d["id"] for d in docs.documents] == [d["id"] for d in app.document_rows]


async def test_document_list_goes_by_the_declared_attribute_types(demo_copy):
    """The list's fields have the project's declared types (as the sheet's), not types guessed from
    values: a date is a date, and a float attribute whose values read as whole numbers, or that
    has no values yet, is a float."""
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        docs = app.query_one(DocumentList)
        add_attribute(app.project, "weight", "float")
        doc_id = get_document(app.project, DOC)["id"]
        set_attribute(app.project, doc_id, "weight", "70")
        app.refresh_documents()
        await settle(pilot)
        fields = docs.field_types()
        declared = attribute_types(app.project)
        assert {f: fields[f] for f in declared} == declared
        assert fields["date"] == "date" and fields["weight"] == "float"
        docs.focus()
        await pilot.press("f")
        await type_into(pilot, "weight>69.5")
        assert [d["id"] for d in docs.documents] == [doc_id]


async def test_document_list_filters_coded_by_me(demo_copy):
    # anna has coded every demo document: take her codings off two of them first
    p = Project.open(demo_copy, coder="anna")
    try:
        for name in ("en_obs03_nordvest_street", "en_obs04_vesterbro_cafe"):
            for c in list_codings(p, document=name, coder="anna"):
                remove_coding(p, c["id"])
    finally:
        p.close()
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        docs = app.query_one(DocumentList)
        docs.focus()
        await pilot.press("f")
        await type_into(pilot, "not:me")
        assert [d["name"] for d in docs.documents] == ["en_obs03_nordvest_street", "en_obs04_vesterbro_cafe"]
        assert docs.border_title == "2/12 · not:me"
        # anna codes one of them: the list is filtered again from the new counts
        add_coding(app.project, "en_obs03_nordvest_street", 0, 5, "Barriers/Stigma")
        app.refresh_documents(keep_highlight=True)
        assert [d["name"] for d in docs.documents] == ["en_obs04_vesterbro_cafe"]
        await pilot.press("f")
        await type_into(pilot, "coded:me")
        assert len(docs.documents) == 11
        assert all(docs.mine[d["id"]] > 0 for d in docs.documents)
        await pilot.press("f")
        await type_into(pilot, "coded:none")
        assert [d["name"] for d in docs.documents] == []  # bo coded them all
        await pilot.press("f")
        await type_into(pilot, "coded:me:maybe")
        assert app.screen is app.screen_stack[0]  # refused with a notice; the filter stays
        assert docs.filter.text == "coded:none"


async def test_import_dialog_takes_kind_language_and_attributes(tmp_path, demo_copy):
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "walk_harbour.txt").write_text("We walked along the harbour. Nobody spoke to us.\n")
    (tmp_path / "notes" / "walk_station.txt").write_text("At the station the guards were friendly today.\n")
    good = tmp_path / "attrs.csv"
    good.write_text("document,site,age\nwalk_harbour,Sydhavn,34\nwalk_station,Vesterbro,41\n")
    bad = tmp_path / "bad.csv"
    bad.write_text("document,site,age\nwalk_harbour,Sydhavn,34\nwalk_station,Vesterbro\n")
    before = read(demo_copy, "SELECT COUNT(*) FROM documents")[0][0]
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TransferScreen)
        await pilot.press(*str(tmp_path / "notes"))
        screen.query_one("#kind-fieldnote", RadioButton).value = True
        screen.query_one("#transfer-language", Input).value = "en"
        screen.query_one("#transfer-attributes", Input).value = str(bad)
        await pilot.press("enter")
        await settle(pilot)
        log = str(screen.query_one("#transfer-log", Static).render())
        assert "nothing imported" in log and "bad.csv: line 3" in log and "fix it" in log
        assert read(demo_copy, "SELECT COUNT(*) FROM documents")[0][0] == before  # all or nothing
        screen.query_one("#transfer-attributes", Input).value = str(good)
        screen.query_one("#transfer-path", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "imported 2 as fieldnote" in str(screen.query_one("#transfer-log", Static).render())
        await pilot.press("escape")
        await settle(pilot)
        assert read(demo_copy, "SELECT name, kind, language FROM documents WHERE name LIKE 'walk_%' ORDER BY name") == [
            ("walk_harbour", "fieldnote", "en"),
            ("walk_station", "fieldnote", "en"),
        ]
        assert value(demo_copy, "walk_harbour", "age") == "34"
        assert value(demo_copy, "walk_station", "site") == "Vesterbro"
        assert {"walk_harbour", "walk_station"} <= {d["name"] for d in app.document_rows}


async def test_import_dialog_refuses_a_missing_csv_before_it_starts(tmp_path, demo_copy):
    (tmp_path / "a.txt").write_text("Some text to import here.\n")
    before = read(demo_copy, "SELECT COUNT(*) FROM events")[0][0]
    app = QualcodeApp(demo_copy, "anna")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await settle(pilot)
        screen = app.screen
        await pilot.press(*str(tmp_path / "a.txt"))
        screen.query_one("#transfer-attributes", Input).value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert "nope.csv: no such file" in str(screen.query_one("#transfer-log", Static).render())
    assert read(demo_copy, "SELECT COUNT(*) FROM events")[0][0] == before


async def test_document_list_sorts_and_filters_ten_thousand_documents_quickly():
    import time

    from textual.app import App, ComposeResult

    n = 10_000
    docs = [
        {"id": i + 1, "name": f"interview_{i:05d}", "kind": ("interview", "fieldnote")[i % 2], "codings": i % 7}
        for i in range(n)
    ]
    attrs = {i + 1: {"site": ("Vesterbro", "Nordvest", "Sundholm")[i % 3], "age": 20 + i % 50} for i in range(n)}
    mine = {i + 1: i % 3 for i in range(n)}

    class Host(App):
        def compose(self) -> ComposeResult:
            yield DocumentList(id="documents")

    app = Host()
    async with app.run_test(size=(40, 20)) as pilot:
        lst = app.query_one(DocumentList)
        lst.show(docs, attrs, mine, current=1, types={"site": "text", "age": "integer"})
        lst.focus()
        await pilot.pause()
        await pilot.press("f")
        await type_into(pilot, "site=Vesterbro age>40 not:me")
        slowest = 0.0
        for _ in range(4):  # name, kind, site, age
            started = time.perf_counter()
            lst.action_cycle_sort()
            slowest = max(slowest, time.perf_counter() - started)
        started = time.perf_counter()
        lst.show(docs, attrs, mine, current=1, keep_highlight=True)  # the refresh after each coding
        slowest = max(slowest, time.perf_counter() - started)
        await pilot.pause()
        kept = [d for d in docs if d["id"] % 3 == 1 and attrs[d["id"]]["age"] > 40 and mine[d["id"]] == 0]
        assert lst.sort_field == "age" and len(lst.documents) == len(kept) > 0
        ages = [attrs[d["id"]]["age"] for d in lst.documents]
        assert ages == sorted(ages)
        assert len(lst._rendered) <= 20 // 3 + 2  # still only the rows on screen are drawn
        assert slowest < 0.25, slowest  # about 0.03 s here
