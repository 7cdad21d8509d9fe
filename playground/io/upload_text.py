"""An upload's bytes as text, and the CSV delimiter guessed from a bounded sample of it.

    decode_text(b"a,b\\n1,2\\n")      -> "a,b\\n1,2\\n"   (UTF-8, with or without a BOM)
    decode_text(b"\\x89PNG\\x00...")   -> DataError: looks like a binary file
    sniff_delimiter("a;b\\n1;2\\n")   -> ";"

Both are bounded in time and memory whatever the bytes hold.
"""
from __future__ import annotations

from playground.errors import DataError
from playground.io.upload_limits import DELIMITERS, MAX_BYTES, SNIFF_CHARS, SNIFF_LINES


def decode_text(data: bytes, what: str = "file") -> str:
    """UTF-8 text of ``data`` (a BOM is dropped); DataError for empty, binary or non-UTF-8 bytes."""
    if data is None or len(data) == 0:
        raise DataError(f"the {what} is empty")
    if len(data) > MAX_BYTES:
        raise DataError(f"the {what} is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(f"the {what} is UTF-16 text; save it as UTF-8 and upload it again")
    if b"\x00" in data[:65536]:
        raise DataError(f"the {what} looks like a binary file (it contains NUL bytes), not text or CSV")
    try:
        text = data.decode("utf-8-sig")          # plain UTF-8 too; a leading BOM is dropped
    except UnicodeDecodeError as err:
        raise DataError(f"the {what} is not UTF-8 text (byte {err.start} cannot be read); "
                        "save it as UTF-8 (e.g. 'CSV UTF-8' in a spreadsheet) and upload it again") from None
    if not text.strip():
        raise DataError(f"the {what} contains only whitespace")
    return text

def count_outside_quotes(line: str, sep: str) -> int:
    """How many times ``sep`` separates fields of one CSV line (linear; quoted text does not count)."""
    if '"' not in line:
        return line.count(sep)
    return sum(part.count(sep) for part in line.split('"')[::2])

def _first_lines(text: str, count: int, width: int) -> list[str]:
    """Up to ``count`` first lines of ``text``, each clipped to ``width`` characters (bounded work)."""
    lines, start = [], 0
    while len(lines) < count and start < len(text):
        end = text.find("\n", start, start + width + 1)
        stop = end if end >= 0 else min(len(text), start + width)
        lines.append(text[start:stop].rstrip("\r"))
        if end < 0:
            next_newline = text.find("\n", stop)
            if next_newline < 0:
                break
            end = next_newline
        start = end + 1
    return lines

def sniff_delimiter(text: str) -> str:
    """The CSV delimiter: the candidate that splits the header into most fields (',' when none does).

    Counting is linear in a bounded sample (``SNIFF_LINES`` lines of ``SNIFF_CHARS`` characters);
    csv.Sniffer is not used: its regular expression is quadratic on some lines.
    """
    lines = [line for line in _first_lines(text, SNIFF_LINES, SNIFF_CHARS) if line.strip()]
    for line in lines[:2]:                      # the header, else the first data line
        counts = {sep: count_outside_quotes(line, sep) for sep in DELIMITERS}
        best = max(DELIMITERS, key=lambda sep: counts[sep])
        if counts[best]:
            return best
    return ","
