"""What text a record may hold: one-line names without hidden characters, notes that keep their
line breaks, and web addresses that are only ever http or https.

A name is read by people, sorted, exported to spreadsheets and compared with other names, so it
may not hide anything: control characters (NUL, backspace) break workbooks and terminals,
direction overrides (U+202E) make "Leeds Council" display as something else, and zero-width
characters make two names that look the same differ. Notes keep newlines and tabs, nothing else
hidden. A link is shown as a clickable address, so only http and https are stored: a
`javascript:` or `data:` address would run in the reader's browser.

The validators here are used by every schema's `field_validator`s; tests walk every Create
schema and check that each text field refuses these characters.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from urllib.parse import urlsplit

# Unicode categories never wanted in typed text: controls (Cc), formatting characters such as
# direction overrides and zero-width spaces (Cf), private use (Co), unpaired surrogates (Cs),
# and the line and paragraph separators (Zl, Zp) that split a "one-line" field.
HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
# Invisible letters and fillers that are not in those categories but show as nothing.
INVISIBLE_LETTERS = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u034f", "\u2800"})
NOTE_WHITESPACE = frozenset({"\n", "\r", "\t"})
WEB_SCHEMES = ("http", "https")
EXAMPLE_ADDRESS = "https://guidebook.eif.org.uk/"

_DESCRIPTIONS = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Co": "a private-use character",
    "Cs": "a broken character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
}


def hidden_character(text: str, *, allowed: frozenset[str] = frozenset()) -> str | None:
    """The first character of `text` a person could not see or that changes how the text reads,
    described in words ("U+202E, an invisible formatting character (RIGHT-TO-LEFT OVERRIDE)"),
    or None when there is none."""
    for character in text:
        if character in allowed:
            continue
        category = unicodedata.category(character)
        if category in HIDDEN_CATEGORIES or character in INVISIBLE_LETTERS:
            code = f"U+{ord(character):04X}"
            kind = _DESCRIPTIONS.get(category, "an invisible character")
            name = unicodedata.name(character, "")
            return f"{code}, {kind}" + (f" ({name.lower()})" if name else "")
    return None


def one_line_text(value: object) -> object:
    """A name or other one-line field: refuse hidden characters (including line breaks)."""
    if isinstance(value, str):
        found = hidden_character(value)
        if found:
            raise ValueError(
                f"must not contain hidden or control characters; it has {found}. "
                "Type it again without that character"
            )
    return value


def note_text(value: object) -> object:
    """A note or description: newlines and tabs are kept, other hidden characters refused."""
    if isinstance(value, str):
        found = hidden_character(value, allowed=NOTE_WHITESPACE)
        if found:
            raise ValueError(
                f"must not contain hidden or control characters other than line breaks and "
                f"tabs; it has {found}. Type it again without that character"
            )
    return value


def web_address(value: object) -> object:
    """A link: blank, or an http or https address with a host. Anything else (javascript:,
    data:, an address with spaces) is refused, so a stored link can never run as script."""
    if value is None:
        return ""
    if not isinstance(value, str):
        return value
    address = value.strip()
    if not address:
        return ""
    advice = f"must be a web address starting with https:// or http://, such as {EXAMPLE_ADDRESS}"
    if hidden_character(address) or any(character.isspace() for character in address):
        raise ValueError(advice + " (with no spaces or hidden characters)")
    try:
        parts = urlsplit(address)
    except ValueError:
        raise ValueError(advice) from None
    if parts.scheme.lower() not in WEB_SCHEMES or not parts.hostname or "\\" in address:
        raise ValueError(advice)
    return address


def is_web_address(value: object) -> bool:
    """Whether a stored value is a link safe to show as one (templates and the cleaning
    migration use it)."""
    try:
        return bool(web_address(value))
    except ValueError:
        return False


@cache
def _look_alikes() -> dict[str, str]:
    """Each non-ASCII letter that looks like an ASCII letter or digit (Cyrillic "а", Greek "ο",
    fullwidth "Ａ"), mapped to that ASCII character, from Unicode's confusables list as the
    confusable-homoglyphs package ships it."""
    import json
    from importlib.resources import files

    table = json.loads(files("confusable_homoglyphs").joinpath("confusables.json").read_text())
    mapping: dict[str, str] = {}
    for character, homoglyphs in table.items():
        if len(character) != 1 or character.isascii():
            continue
        plain = [
            h["c"] for h in homoglyphs if len(h["c"]) == 1 and h["c"].isascii() and h["c"].isalnum()
        ]
        if plain:
            lower = [c for c in plain if c.islower()]
            mapping[character] = (lower or plain)[0].lower()
    return mapping


def comparison_key(name: object) -> str:
    """A name as names are compared: Unicode NFKC normalisation (fullwidth and ligature forms
    become plain letters), case folding, one space between words, and letters that look like
    Latin ones read as those (so "Bradford Council" with a Cyrillic "а" is the same name)."""
    text = unicodedata.normalize("NFKC", str(name if name is not None else ""))
    folded = " ".join(text.split()).casefold()
    look_alikes = _look_alikes()
    return "".join(look_alikes.get(character, character) for character in folded)
