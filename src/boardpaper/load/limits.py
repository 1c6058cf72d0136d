"""The size limits every reader and renderer honours (imported without loading YAML)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Limits:
    """Size limits that keep a hostile or mistaken file from exhausting the machine.

    Every limit is configurable (``boardpaper.toml`` is not needed: pass a
    ``Limits`` to the pipeline, or use the CLI's ``--max-*`` options).
    """

    max_file_bytes: int = 1_000_000
    max_depth: int = 40
    max_table_rows: int = 2_000
    max_table_columns: int = 40
    max_text_chars: int = 50_000
    max_word_chars: int = 1_000
    max_blocks: int = 5_000
    max_total_table_rows: int = 2_500
    max_data_file_bytes: int = 5_000_000
    max_unpacked_bytes: int = 50_000_000
    max_attachment_bytes: int = 20_000_000
    max_attachment_pages: int = 300
