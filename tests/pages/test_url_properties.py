"""Property tests (Hypothesis) over the URL values of every page of the navigation.

Each example opens one page of ``playground/navigation.toml`` as a link would, with hostile
values (Unicode digits, signs, huge and long numbers, control characters, markup, NaN, text
of thousands of characters) for the names the pages read from the URL, in a session that
holds a trained run (one session per page, opened once: a visitor typing links into the
address bar). Every case ends with the page drawn, each message on one line, and the
session's run, its model and its history exactly as they were, in under 2 s of CPU time and
100 MB of extra memory.

``autostart=1`` is left out: it is a correct value that starts the run by design; so are run
settings the field table accepts (a link with one builds the run it names: ``test_links``).
The parsers' own property tests (every value ends in a value in range or a message) are in
``tests/playground/test_strict_numbers.py``.
"""
import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, Phase, given, settings, strategies as st

from hostile_measure import MAX_EXTRA_BYTES, MAX_SECONDS, measured_process
from page_runner import open_page
from playground.config import FIELDS, ConfigError, RunConfig, parse_value
from playground.engine.live import LiveRun
from playground.links import AUTOSTART_FLAG, FLAGS
from playground.page_state import PAGE_TABLES
from playground.ui.keys import LIVE_RUN, config_key
from playground.ui.page_files import navigation

PAGES = [page["file"] for section in navigation() for page in section["pages"]]
URL_NAMES = sorted({*FIELDS, *(name for table in PAGE_TABLES.values() for name in table), *FLAGS})
HOSTILE = ["²", "¹²", "١٢", "٣", "۴", "１２", "𝟙", "-1", "0", "+7", "1_000", "0x10", "1e309", "-1e309", "nan",
           "inf", "", " ", "9" * 50, "9" * 5000, "\x00", "a\nb", "1.5", "-0.0", "true", "model", "evil",
           "[x](http://evil.example)", "<img src=x>", ":smile:", "www.evil.example", "x" * 5000, "lstm,gru"]
VALUES = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers(-10**12, 10**12).map(str))


def refused_run_setting(name: str, value: str) -> bool:
    """True when the field table refuses ``value`` for run setting ``name`` (then the run must stay)."""
    try:
        parse_value(name, value)
    except ConfigError:
        return True
    return False


# A usable run setting in a link builds the run it names (tested in test_links); here every run
# setting drawn is one the table refuses, so the session's run must survive the link.
QUERIES = st.dictionaries(st.sampled_from(URL_NAMES), VALUES, min_size=1, max_size=6).filter(
    lambda q: q.get(AUTOSTART_FLAG) != "1" and all(refused_run_setting(k, v) for k, v in q.items() if k in FIELDS))


@pytest.fixture(scope="module")
def run():
    """A small trained run, shared by every case."""
    live = LiveRun(RunConfig(arch="gru", task="adding", hidden=8, seq_len=10, batch=4))
    live.step_to(3)
    yield live
    live.close()


@pytest.fixture(scope="module")
def sessions(run):
    """page -> one session on that page holding ``run``, opened (imports, caches warmed) on first use."""
    opened = {}

    widgets = {config_key(name): getattr(run.config, name) for name in FIELDS}   # as /train left them

    def session(page):
        if page not in opened:
            opened[page] = open_page(page, state={LIVE_RUN: run, **widgets})
        return opened[page]
    return session


def visit(at, query):
    """``at``'s page again, with ``query`` as its whole URL query (as a link typed into the address bar)."""
    at.query_params.clear()
    at.query_params.update(query)
    return at.run()


def snapshot(live) -> tuple:
    """What must not change: step count, weights, history."""
    weights = {k: v.clone() for k, v in live.trainer.net.state_dict().items()}
    return live.step_count, weights, {k: np.array(v, dtype=float) for k, v in live.history.state().items()}


def same(before: tuple, after: tuple) -> bool:
    return (before[0] == after[0] and all(torch.equal(v, after[1][k]) for k, v in before[1].items())
            and all(np.array_equal(v, after[2][k], equal_nan=True) for k, v in before[2].items()))


@settings(max_examples=25, deadline=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(page=st.sampled_from(PAGES), query=QUERIES)
def test_hostile_url_values_on_every_page(run, sessions, page, query):
    at = sessions(page)
    before = snapshot(run)
    outcome, seconds, extra = measured_process(lambda: visit(at, query))
    assert not isinstance(outcome, Exception), repr(outcome)
    assert not at.exception, (page, query, [e.value for e in at.exception])
    for element in [*at.warning, *at.error]:
        assert "\n" not in element.value.strip() and len(element.value) < 600, (page, query, element.value)
    assert at.session_state[LIVE_RUN] is run and same(before, snapshot(run)), (page, query)
    if page == "train":
        notes = " ".join(w.value for w in at.warning)
        assert all(f"Ignored URL parameter {k}:" in notes for k in query if k in FIELDS), (query, notes)
    assert seconds < MAX_SECONDS and extra < MAX_EXTRA_BYTES, (page, query, seconds, extra / 2**20)

