"""The ``boardpaper`` command: one module per verb, each a thin click wrapper over the pipeline."""

from boardpaper.cli.main import main

__all__ = ["main"]
