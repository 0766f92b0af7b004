"""The codebook tree beside the transcript: colour swatch, name, hotkey, coding count, ✎ for a memo."""

from __future__ import annotations

from rich.text import Text
from textual.message import Message
from textual.widgets import Tree

from qualcode.tui.actions import bindings


def code_label(code, count: int, memo: bool = False) -> Text:
    label = Text()
    label.append("■ ", style=code.colour or "grey50")
    label.append(code.name, style="" if code.codable else "bold")
    if code.hotkey:
        label.append(f" [{code.hotkey}]", style="bold cyan")
    if count:
        label.append(f" {count}", style="dim")
    if memo:
        label.append(" ✎", style="yellow")
    return label


class CodeTree(Tree[int]):
    BINDINGS = bindings("tree")
    show_root = False

    class Highlighted(Message):
        def __init__(self, tree: CodeTree, code_id: int | None) -> None:
            super().__init__()
            self.tree, self.code_id = tree, code_id

        @property
        def control(self) -> CodeTree:
            return self.tree

    class ApplyRequested(Message):
        def __init__(self, tree: CodeTree, code_id: int) -> None:
            super().__init__()
            self.tree, self.code_id = tree, code_id

        @property
        def control(self) -> CodeTree:
            return self.tree

    def __init__(self, **kw) -> None:
        super().__init__("codes", **kw)
        self.show_root = False
        self.guide_depth = 2
        self.memo_codes: set[int] = set()  # codes with a memo: marked ✎

    def show(
        self, codes: list, counts: dict[int, int], highlight: int | None = None, memo_codes: set[int] | None = None
    ) -> None:
        """Rebuild from the project's codes (tree order); counts include descendants' for groups.
        ``memo_codes``: the codes with a memo (None keeps the set already shown)."""
        if memo_codes is not None:
            self.memo_codes = memo_codes
        totals = dict(counts)
        for c in reversed(codes):
            if c.parent_id is not None:
                totals[c.parent_id] = totals.get(c.parent_id, 0) + totals.get(c.id, 0)
        self.clear()
        nodes = {None: self.root}
        for c in codes:
            parent = nodes.get(c.parent_id, self.root)
            has_children = any(x.parent_id == c.id for x in codes)
            label = code_label(c, totals.get(c.id, 0), c.id in self.memo_codes)
            if has_children:
                nodes[c.id] = parent.add(label, data=c.id, expand=True)
            else:
                nodes[c.id] = parent.add_leaf(label, data=c.id)
        self.root.expand()
        if highlight is not None and highlight in nodes:
            self.call_after_refresh(self.move_cursor, nodes[highlight])

    def select_code(self, code_id: int) -> None:
        for node in self._tree_nodes.values():
            if node.data == code_id:
                self.move_cursor(node)
                return

    def action_apply_highlighted(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None:
            self.post_message(self.ApplyRequested(self, node.data))

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted) -> None:
        event.stop()
        self.post_message(self.Highlighted(self, event.node.data))


class EditorTree(CodeTree):
    """The codebook editor's tree: Enter edits the code instead of applying it."""

    BINDINGS = bindings("codebook_tree")
