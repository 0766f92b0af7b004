"""Coding: codings, memos, CSV in and out, auto-coding."""
