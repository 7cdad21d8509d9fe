"""User text that a link or a file puts on screen is shown as text, never as markup.

Each payload goes through each input that echoes it: run settings, page settings and
presenter flags in the URL, free text carried by a link, the title of uploaded data. Every
text element of the page is then read as the Markdown it is: outside code spans (the one
way ``playground.markup.literal`` shows user text) no fragment of the payload may remain,
and where the payload is echoed, it is inside a code span.
"""
import re

import numpy as np
import pytest

from page_runner import open_page
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.ui.keys import LIVE_RUN, UPLOADED_TASK
from playground.io.user_data import series_task

PAYLOADS = {"html": "<img src=x onerror=alert(1)>", "link": "[link](javascript:alert(1))", "bold": "**bold**",
            "math": "$x$", "autolink": "www.evil.example", "ip-host": "http://10.0.0.1/x",
            "shortcode": ":material/home:", "1mb": "A" * 2**20}
FRAGMENTS = {"html": "<img", "link": "](javascript", "bold": "**bold**", "math": "$x$", "autolink": "www.evil",
             "ip-host": "10.0.0.1", "shortcode": ":material/home:", "1mb": "A" * 50}
MAX_ECHO = 200                        # characters of one input any element may echo (the rest is clipped)
CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.DOTALL)

# input -> (page, the URL parameters or session state that carry the payload)
INPUTS = {
    "run-setting": ("train", lambda p: ({"task": p, "seq_len": "8", "hidden": "4"}, {})),
    "run-choice": ("train", lambda p: ({"arch": p, "seq_len": "8", "hidden": "4"}, {})),
    "hide-list": ("train", lambda p: ({"hide": p, "seq_len": "8", "hidden": "4"}, {})),
    "present-flag": ("cell", lambda p: ({"present": p}, {})),
    "cell-sequence": ("cell", lambda p: ({"cell_seq": p}, {})),
    "cell-choice": ("cell", lambda p: ({"cell_mode": p}, {})),
    "gradients-number": ("gradients", lambda p: ({"grad_rho": p}, {})),
    "gradients-text": ("gradients", lambda p: ({"conn_text": p + " the end", "conn_pos": "0"}, {})),
    "intervention-units": ("interventions", lambda p: ({"iv_units": p}, {LIVE_RUN: small_run()})),
    "upload-title-train": ("train", lambda p: ({"task": "custom", "seq_len": "8", "hidden": "4"}, uploaded(p))),
    "upload-title-model": ("model_io", lambda p: ({}, {LIVE_RUN: uploaded_run(p)})),
}


def uploaded(title: str) -> dict:
    values = np.sin(np.arange(200) / 5.0)[:, None]
    return {UPLOADED_TASK: series_task(values, title, 8)}


def small_run() -> LiveRun:
    return LiveRun(RunConfig(seq_len=8, hidden=4, batch=4))


def uploaded_run(title: str) -> LiveRun:
    task = uploaded(title)[UPLOADED_TASK]
    return LiveRun(RunConfig(task="custom", seq_len=8, hidden=4, batch=4), task)


def shown_texts(at) -> list[str]:
    """Every Markdown source the page drew (text, captions, alerts, headings)."""
    kinds = ("markdown", "caption", "warning", "error", "info", "success", "title", "header", "subheader")
    return [el.value for kind in kinds for el in at.get(kind) if isinstance(getattr(el, "value", None), str)]


@pytest.mark.parametrize("payload", list(PAYLOADS))
@pytest.mark.parametrize("source", list(INPUTS))
def test_echoed_user_text_is_literal(source, payload):
    page, carry = INPUTS[source]
    params, state = carry(PAYLOADS[payload])
    at = open_page(page, params, state)
    assert not at.exception, [e.value for e in at.exception]
    texts = shown_texts(at)
    outside = "\n".join(CODE_SPAN.sub("", text) for text in texts)
    assert FRAGMENTS[payload] not in outside, [t for t in texts if FRAGMENTS[payload] in CODE_SPAN.sub("", t)]
    assert not any(PAYLOADS[payload][:MAX_ECHO] in text for text in texts) or len(PAYLOADS[payload]) < MAX_ECHO
    if source.startswith("upload-title"):                 # the title is on screen, as a code span
        assert any(PAYLOADS[payload][:100] in span.group(0) for t in texts for span in CODE_SPAN.finditer(t))
