"""The virtualised document list: ten thousand documents, keys, clicks, and only visible rows rendered."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from qualcode.tui.widgets.document_list import ROWS, DocumentList

pytestmark = pytest.mark.anyio
N = 10_000


class Host(App):
    def __init__(self) -> None:
        super().__init__()
        self.opened: list[int] = []

    def compose(self) -> ComposeResult:
        yield DocumentList(id="documents")

    def on_mount(self) -> None:
        docs = [{"id": i + 1, "name": f"interview_{i:05d}", "kind": "interview", "codings": i % 7} for i in range(N)]
        attrs = {i + 1: {"site": "Vesterbro", "role": "user"} for i in range(N)}
        lst = self.query_one(DocumentList)
        lst.show(docs, attrs, {1: 3}, current=1)
        lst.focus()

    def on_document_list_opened(self, message: DocumentList.Opened) -> None:
        self.opened.append(message.doc_id)


async def test_ten_thousand_documents_render_only_the_rows_on_screen():
    app = Host()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        lst = app.query_one(DocumentList)
        assert lst.virtual_size.height == N * ROWS
        assert len(lst._rendered) <= 20 // ROWS + 2  # rendered: the visible documents, not ten thousand
        assert "▶ interview_00000" in lst.render_line(0).text
        assert "3 mine / 0 codings" in lst.render_line(2).text


async def test_keys_move_the_highlight_and_keep_it_in_view_and_enter_opens():
    app = Host()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        lst = app.query_one(DocumentList)
        await pilot.press("down", "down")
        assert lst.highlighted == 2
        await pilot.press("pagedown")
        assert lst.highlighted == 2 + lst.scrollable_content_region.height // ROWS
        await pilot.press("end")
        await pilot.pause()
        assert lst.highlighted == N - 1
        top = int(lst.scroll_y)
        assert top <= (N - 1) * ROWS < top + lst.scrollable_content_region.height
        assert "interview_09999" in "".join(lst.render_line(y).text for y in range(lst.size.height))
        await pilot.press("up", "enter")
        assert app.opened == [N - 1]
        await pilot.press("home")
        assert lst.highlighted == 0 and int(lst.scroll_y) == 0


async def test_a_click_opens_the_document_under_the_pointer():
    app = Host()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        await pilot.click(DocumentList, offset=(5, ROWS + 1))  # the second document's middle row
        await pilot.pause()
        assert app.opened == [2]


async def test_marking_the_open_document_keeps_the_list():
    app = Host()
    async with app.run_test(size=(40, 20)) as pilot:
        await pilot.pause()
        lst = app.query_one(DocumentList)
        lst.set_current(3, {3: 5})
        await pilot.pause()
        assert lst.highlighted == 2
        assert "▶ interview_00002" in lst.render_line(2 * ROWS).text
        assert "5 mine / 2 codings" in lst.render_line(2 * ROWS + 2).text
        assert "▶" not in lst.render_line(0).text
