"""Text on its way into Markdown: the app's own explanations, and user text shown as text.

Two jobs, both about what Markdown would otherwise do to a string:

- ``markdown_with_math`` prepares an explanation for ``st.markdown``: every display-math
  block (``$$ … $$``) is put on one line of its own. Split over lines, a block's second line
  can start with ``+`` or ``-`` and become a list item, which leaves the block unclosed and
  KaTeX shows red TeX source instead of the equation.
- ``literal`` shows user text (a file's column name, a URL value, a task title from an upload)
  as an inert code span, so no link, image, HTML, emoji shortcode or maths is made of it.
- ``markdown_text`` shows user prose (a deck's titles and notes) in the body font: every ASCII
  punctuation character escaped (CommonMark lets each be escaped), and "www." and "://" broken
  with a zero-width space, so no autolink is made of a bare address either.
"""
from __future__ import annotations

import re
import string
from typing import Any

_DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.DOTALL)


def _one_line(match: re.Match) -> str:
    body = " ".join(part.strip() for part in match.group(1).splitlines() if part.strip())
    return f"\n\n$${body}$$\n\n"


def markdown_with_math(text: str) -> str:
    """``text`` with each ``$$ … $$`` block joined onto one line and set apart as its own paragraph."""
    joined = _DISPLAY_MATH.sub(_one_line, text)
    return re.sub(r"\n{3,}", "\n\n", joined).strip() + "\n"


def display_math_problems(text: str) -> list[str]:
    """Where ``text`` would break KaTeX: unpaired ``$$`` or a display block spread over lines."""
    problems = []
    if text.count("$$") % 2:
        problems.append("an odd number of $$ (a display block is not closed)")
    for match in _DISPLAY_MATH.finditer(text):
        if "\n" in match.group(1):
            problems.append(f"a display block spans lines: $${clipped(match.group(1), 30)}")
    return problems


def clipped(raw: Any, limit: int = 40) -> str:
    """A raw value as echoed in a message: at most ``limit`` characters, on one line.

    Characters that do not print (newlines, NUL, other controls) are shown escaped (``\\n``), so a
    message that echoes user text stays one line whatever the text holds.
    """
    text = str(raw)
    text = text[:limit] + "…" if len(text) > limit else text
    return "".join(ch if ch.isprintable() else ascii(ch)[1:-1] for ch in text)


def literal(text, limit: int = 40) -> str:
    """User text as an inert Markdown code span, clipped to ``limit`` characters.

    Inside a code span Markdown renders no link, autolink, image, HTML, maths or emoji/icon
    shortcode, so a message that echoes it can be shown with st.error/st.info/st.markdown as
    it is; in a terminal it reads as the text between backticks. Control characters become spaces.
    """
    shown = "".join(ch if ch.isprintable() else " " for ch in clipped(text, limit))
    if not shown.strip():
        return "(blank)"
    fence = "`" * (max((len(run) for run in re.findall(r"`+", shown)), default=0) + 1)
    pad = " " if shown[0] == "`" or shown[-1] == "`" else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def title_markdown(title: str, from_user: bool) -> str:
    """A task's title for Markdown: bold when it is the app's own, a ``literal`` when a user named it."""
    return literal(title, 120) if from_user else f"**{title}**"


def markdown_text(text: str) -> str:
    """User prose as Markdown that shows exactly its characters (see the module docstring)."""
    escaped = "".join("\\" + ch if ch in string.punctuation else ch for ch in str(text))
    return re.sub(r"(?i)(www)(\\\.)", "\\1\u200b\\2", escaped).replace("\\:\\/\\/", "\\:\u200b\\/\\/")
