"""The Textual coding workbench. Import ``qualcode.tui.app`` lazily: Textual is heavy to load."""
