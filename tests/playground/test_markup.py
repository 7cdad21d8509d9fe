"""Markdown preparation: display maths kept whole, user text kept inert."""
import pytest

from playground.markup import display_math_problems, literal, markdown_with_math
from playground.ui.text import TEXT_DIR, page_text


def test_split_display_block_is_joined_onto_one_line():
    text = "Intro,\n\n$$a = b\n + c, \\qquad d$$\n\nFor a vanilla RNN $x$."
    assert display_math_problems(text)
    fixed = markdown_with_math(text)
    assert "$$a = b + c, \\qquad d$$" in fixed and not display_math_problems(fixed)
    assert "\n + c" not in fixed                         # no line left to become a list item


def test_unclosed_display_block_is_reported():
    assert display_math_problems("$$x = 1")


@pytest.mark.parametrize("path", sorted(TEXT_DIR.glob("*.md")), ids=lambda p: p.stem)
def test_every_page_text_reaches_markdown_whole(path):
    assert not display_math_problems(page_text(path.stem))


@pytest.mark.parametrize("text", ["<img src=x onerror=alert(1)>", "[link](javascript:alert(1))", "**bold**",
                                  "$x$", "a`b``c", ":material/home:", "www.example.com", "x" * 1_000_000])
def test_literal_is_one_code_span(text):
    shown = literal(text)
    fence = shown.split(" ")[0] if shown.startswith("`` ") else shown[:len(shown) - len(shown.lstrip("`"))]
    assert shown.startswith(fence) and shown.endswith(fence) and len(shown) < 60
    assert "`" * len(fence) not in shown[len(fence):-len(fence)]
