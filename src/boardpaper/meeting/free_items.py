"""Items of a meeting's own: an agenda entry's heading, text and sub-items in, AgendaItems out.

An opening, communications or petitions item is no report: the meeting file gives its
heading and text, and sub-items that print lettered (a), (b) ... under it.
"""

from __future__ import annotations

from typing import Any

from boardpaper.meeting.schema import AgendaItem


def free_items(number: str, raw: dict[str, Any]) -> list[AgendaItem]:
    """An item of the meeting's own and its sub-items, lettered (a), (b) ..."""
    found = [AgendaItem(number, "free", str(raw["heading"]), str(raw.get("text", "")))]
    for index, sub in enumerate(raw.get("items", ())):
        letter = letters(index)
        found.append(
            AgendaItem(
                number=f"{number}({letter})",
                kind="free",
                heading=str(sub["heading"]),
                text=str(sub.get("text", "")),
                label=f"({letter})",
            )
        )
    return found


def letters(index: int) -> str:
    """0 -> "a", 25 -> "z", 26 -> "aa": sub-item letters."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters
