"""Helpers the tests share: paths, real files of every format, reading a project file, the CLI."""
