"""Every home-page card opens its page in the state it names; the teaching pages keep their state in the URL."""
import pytest

from page_runner import open_page
from playground.config import FIELDS, from_query
from playground.gallery import GALLERY
from playground.page_state import CELL, GRADIENTS, PAGE_TABLES, defaults, page_query, parse_page_query
from playground.sweeps.presets import PRESETS as SWEEP_PRESETS
from playground.ui.keys import LIVE_RUN


def url(at) -> dict:
    return {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()}


@pytest.mark.parametrize("card", GALLERY, ids=lambda e: e.page + ":" + e.title[:20])
def test_card_opens_its_page_in_the_state_it_names(card):
    if card.page == "sweep":       # its autostart would start a local Ray in this process: check the form
        at = open_page("sweep", {k: v for k, v in card.params.items() if k != "autostart"})
        assert not at.exception, [e.value for e in at.exception]
        assert at.number_input(key="sweep_steps").value == SWEEP_PRESETS[card.params["preset"]].steps
        return
    at = open_page(card.page, card.params)
    assert not at.exception, [e.value for e in at.exception]
    if card.page in PAGE_TABLES:
        named, _ = parse_page_query(PAGE_TABLES[card.page], card.params)
        assert {k: at.session_state[k] for k in named} == named
    else:
        config, _ = from_query(card.params)
        for name in FIELDS:
            if name in card.params:
                assert at.session_state[f"cfg_{name}"] == getattr(config, name), name
    if card.params.get("autostart") == "1":
        keys = [LIVE_RUN] if card.page == "train" else ["compare_rnn", "compare_gru", "compare_lstm"]
        assert all(at.session_state[k].running for k in keys), "the card says run, but nothing was started"


def test_gradients_widgets_write_their_link_and_the_link_restores_them():
    at = open_page("gradients", {})
    assert url(at) == {}                                   # defaults leave the link clean
    at.slider(key="grad_rho").set_value(1.1).run()
    at.select_slider(key="grad_H").set_value(64).run()
    assert url(at) == {"grad_rho": "1.1", "grad_H": "64"}
    again = open_page("gradients", url(at))
    assert again.slider(key="grad_rho").value == 1.1 and again.select_slider(key="grad_H").value == 64


def test_cell_settings_round_trip_through_the_link():
    params = {"cell_arch": "gru", "cell_hidden": "2", "cell_seq": "1, 2, 3, 4", "cell_t": "3",
              "cell_mode": "backward", "cell_weight": "W_ih"}
    at = open_page("cell", params)
    assert not at.exception
    assert at.radio(key="cell_mode").value == "backward" and at.session_state["cell_t"] == 3
    assert at.radio(key="cell_weight").value == "W_ih" and at.sidebar.slider(key="cell_hidden").value == 2
    assert url(at) == page_query(CELL, {**defaults(CELL), **parse_page_query(CELL, params)[0]})


@pytest.mark.parametrize("stem, params", [("gradients", {"grad_rho": "9", "grad_H": "7", "conn_log": "maybe"}),
                                          ("cell", {"cell_hidden": "99", "cell_mode": "sideways"})])
def test_bad_link_values_fall_back_with_a_note(stem, params):
    at = open_page(stem, params)
    assert not at.exception
    notes = [w.value for w in at.warning if "Ignored URL parameter" in w.value]
    assert len(notes) == len(params)
    table = GRADIENTS if stem == "gradients" else CELL
    for key in params:
        assert at.session_state[key] == table[key].default


def far_values(table) -> dict[str, str]:
    """A value other than the default for every setting of ``table``, in its URL form."""
    values = {}
    for name, spec in table.items():
        if spec.kind == "bool":
            values[name] = "0" if spec.default else "1"
        elif spec.kind == "choice":
            values[name] = next(c for c in reversed(spec.choices) if c != spec.default)
        elif spec.kind == "text":
            values[name] = "1, 2"
        elif spec.options:
            values[name] = str(next(o for o in reversed(spec.options) if o != spec.default))
        else:
            values[name] = str(spec.low if spec.default != spec.low else spec.high)
    return values


@pytest.mark.parametrize("stem", ["language", "interventions"])
def test_every_setting_of_a_page_survives_its_link(stem):
    table = PAGE_TABLES[stem]
    params = far_values(table)
    at = open_page(stem, params)
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if "Ignored URL parameter" in w.value]
    assert {k: at.session_state[k] for k in table} == parse_page_query(table, params)[0]
    assert url(at) == page_query(table, parse_page_query(table, params)[0])
