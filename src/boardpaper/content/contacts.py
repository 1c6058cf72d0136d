"""Contacts on a front sheet: a located node and the template's needs in, contact data out.

A council decides which details of a contact its front sheet needs: one asks
for a role and an email, another only a name and an email, a third lists
several report authors. ``requires`` comes from the template's manifest
(``requires: [name, email]``); the name is always needed, the other details
are optional unless the template requires them.
"""

from __future__ import annotations

from typing import Any

from boardpaper.load.validators import Email, Field, ListOf, Record, Text
from boardpaper.template.manifest import CONTACT_DETAILS
from boardpaper.template.manifest import DEFAULT_CONTACT_REQUIRES as DEFAULT_REQUIRES


class ContactKind(Record):
    """A named contact: name, and the role, email and phone the template asks for."""

    def __init__(self, description: str = "", requires: tuple[str, ...] = DEFAULT_REQUIRES):
        needed = set(requires) | {"name"}
        super().__init__(
            {
                "name": Field(Text(), description="Full name, e.g. Cllr Cordelia Law"),
                "role": Field(Text(), "role" in needed, "Role or portfolio"),
                "email": Field(Email(), "email" in needed),
                "phone": Field(Text(), "phone" in needed),
            },
            description,
        )


class ContactListKind(ListOf):
    """Several contacts (report authors), printed one after another."""

    def __init__(self, description: str = "", requires: tuple[str, ...] = DEFAULT_REQUIRES):
        super().__init__(ContactKind(requires=requires), description=description)


def contact_text(contact: dict[str, Any]) -> str:
    """A contact on one line as the front sheet prints it: "Name, Role, email, phone"."""
    return ", ".join(str(contact[key]) for key in CONTACT_DETAILS if contact.get(key))


def contacts_text(contacts: list[dict[str, Any]]) -> str:
    """Several contacts on one line, separated by semicolons."""
    return "; ".join(contact_text(contact) for contact in contacts)
