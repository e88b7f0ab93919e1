"""Text from other people, made safe to show on a terminal or in a one-line-per-item report.

Names, titles, URLs, file cells and error texts come from platforms and files. Printed raw, an ESC
sequence could write the clipboard (OSC 52), retitle the window (OSC 0) or clear the screen, a C1
byte can start the same sequences, and a bidi override can make a line read otherwise than it is.
`visible` puts a visible stand-in in place of each such character, one for one, so the length stays
the same (styled spans laid over the text stay where they were): ESC reads `␛`, a line break `⏎`,
a C1 control or a bidi override `�`, a tab a space.
"""

from __future__ import annotations

import re
from functools import cache

NEWLINE = "⏎"
REPLACED = "\ufffd"
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_BREAKS = (0x0A, 0x0D, 0x85, 0x2028, 0x2029)


@cache
def _table(keep_newlines: bool) -> dict[int, str]:
    """Built at the first unsafe text, not at start-up."""
    table = {code: chr(0x2400 + code) for code in range(0x20)}  # C0 as control pictures: ESC -> ␛
    table[0x7F] = "\u2421"  # DEL -> ␡
    table.update({code: REPLACED for code in range(0x80, 0xA0)})  # C1 (0x9B is a one-character CSI)
    table.update({code: REPLACED for code in _BIDI})
    table.update({code: REPLACED for code in range(0xD800, 0xE000)})  # lone surrogates cannot be written
    table.update({code: NEWLINE for code in _BREAKS})
    table[0x09] = " "
    if keep_newlines:
        del table[0x0A]
    return table


def visible(text: str, *, keep_newlines: bool = False) -> str:
    """`text` with every control, bidi override and line break made visible (same length).

    `keep_newlines` keeps `\\n` for places that show several lines (a notification, a dialog body);
    a carriage return still shows as ⏎ there. Text without such characters comes back as it is,
    after one C-speed `isprintable` test.
    """
    if text.isprintable():
        return text
    return text.translate(_table(keep_newlines))


#: What a spreadsheet reads as the start of a formula (OWASP, "CSV Injection").
_FORMULA_START = frozenset("=+-@\t\r")


def csv_cell(value: object) -> object:
    """A cell for a CSV export that a spreadsheet will not run: text starting like a formula gets a
    leading `'`, as OWASP recommends. A plain number ("-12.5") is left alone: it cannot run."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in _FORMULA_START and not _is_number(value):
        return "'" + value
    return value


def _is_number(text: str) -> bool:
    return _number().fullmatch(text) is not None


@cache
def _number() -> re.Pattern[str]:
    return re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def json_escaped(dumped: str) -> str:
    """JSON text from `json.dumps(..., ensure_ascii=False)` with what it leaves raw and a terminal
    acts on or cannot encode (DEL, C1 controls, bidi overrides, line separators, lone surrogates)
    written as `\\u` escapes: the very same data for a program reading it. (json.dumps escapes C0
    controls itself.)"""
    return _json_unsafe().sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


@cache
def _json_unsafe() -> re.Pattern[str]:
    return re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
