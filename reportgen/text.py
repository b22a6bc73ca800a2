"""Text from outside (file names, labels, host names) made fit to write and to show: a character that cannot be
written or that would misdraw is replaced by its escape, such as \\xe9 or \\u202e.

- A Linux file name is bytes; one that is not UTF-8 reaches Python as "surrogate escapes" (os.fsdecode), and JSON
  can spell a lone surrogate ("\\ud800") too. No UTF-8 file can hold one: writing the report failed, for good,
  since results.json kept the name.
- A control character (\\0, \\x1b, U+FFFF ...) in a chart's text made vl-convert abort the whole process.
- A bidi override (U+202E) in a label reversed the report's text around it.

Tab, newline and carriage return are kept: they are plain text, and a profile's description may hold them.
"""

from __future__ import annotations

import codecs
import re

UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8, as os.fsdecode holds it: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: str) -> str:
    """`text` with each character that cannot be written as UTF-8, or would misdraw, written as its escape."""
    return UNPRINTABLE.sub(_escape, text)


def printable_tree(value):
    """Every string (keys too) of a JSON value made printable."""
    if isinstance(value, str):
        return printable(value)
    if isinstance(value, dict):
        return {printable(k) if isinstance(k, str) else k: printable_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [printable_tree(v) for v in value]
    return value


def _unencodable(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: what UTF-8 cannot encode (a lone surrogate), written as its escape."""
    if not isinstance(error, UnicodeEncodeError):
        raise error
    bad = error.object[error.start:error.end]
    return UNPRINTABLE.sub(_escape, bad), error.end


WRITABLE = "reportgen.printable"  # errors= for text written to a file: a lone surrogate left anywhere is escaped
codecs.register_error(WRITABLE, _unencodable)
