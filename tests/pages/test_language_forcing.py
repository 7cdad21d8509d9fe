"""The Language page shows one text read with teacher forcing and free-running, with its perplexity."""
import pytest

from page_runner import live_tiles, open_page, tile_values
from playground.config import RunConfig
from playground.engine.live import LiveRun
from playground.engine.run_summary import shown
from playground.lessons.language import forced_and_free


def test_both_readings_and_perplexity_beside_bits_per_char():
    run = LiveRun(RunConfig(arch="gru", task="charlm", seq_len=12, hidden=6, batch=4))
    at = open_page("language.py", state={"language_run": run})
    assert not at.exception, [e.value for e in at.exception]
    assert "Teacher forcing and free-running" in [h.value for h in at.header]
    text = at.text_area(key="lang_text").value
    both = forced_and_free(run.net, run.task, text, at.slider(key="lang_prompt_len").value)
    tiles = {m.label: m.value for m in at.metric}
    assert tiles["Bits/char"] == shown(both.bits_per_char)
    assert tiles["Perplexity"] == shown(both.perplexity) == shown(2 ** both.bits_per_char)
    assert any(c.value.startswith(f"prompt  {both.prompt}") and both.rows() in c.value for c in at.code)


@pytest.mark.parametrize("text", ["ab", "a", "\u2603\u2603\u2603", "abcd"])
def test_short_or_unknown_texts_get_a_note(text):
    run = LiveRun(RunConfig(arch="rnn", task="charlm", seq_len=12, hidden=6, batch=4))
    at = open_page("language.py", state={"language_run": run, "lang_prompt_len": 50})
    at.text_area(key="lang_text").set_value(text).run()
    assert not at.exception, [e.value for e in at.exception]
    if text == "ab":
        assert not [s for s in at.slider if s.key == "lang_prompt_len"] and any(c.value.startswith("prompt  a")
                                                                               for c in at.code)
    elif text == "abcd":
        assert at.slider(key="lang_prompt_len").value == 3             # kept below the text's length
    else:
        assert at.warning


def test_train_page_shows_perplexity_beside_bits_per_char():
    at = open_page("train", {"task": "charlm", "seq_len": "12", "hidden": "8"}, direct=True)
    at.button(key="live_run_step").click().run()
    assert not at.exception
    val = float(tile_values(at)["Validation bits/char"]["value"])
    line = live_tiles(at)["caption"]                                    # the line under the tiles
    assert line.startswith("Perplexity")
    ppl = line.split("validation ")[1].split(",")[0]
    assert float(ppl) == pytest.approx(2 ** val, rel=1e-3)              # 2^(the tile's 4-digit value)
    chart = next(c.value for c in at.caption if c.value.startswith("After "))
    assert f"perplexity {ppl} (baseline " in chart
    adding = open_page("train", {"task": "adding", "seq_len": "12", "hidden": "8"}, direct=True)
    assert not [c for c in adding.caption if "erplexity" in c.value] and not live_tiles(adding)["caption"]


def test_truncation_setting_is_on_the_sidebar_for_the_character_task_only():
    from playground.ui.keys import LIVE_RUN, config_key

    key = config_key("tbptt")
    at = open_page("train", {"task": "charlm", "seq_len": "12", "hidden": "8", "tbptt": "4"}, direct=True)
    assert not at.exception and at.number_input(key=key).value == 4
    at.button(key="live_run_step").click().run()
    assert not at.exception
    run = at.session_state[LIVE_RUN]
    assert run.config.tbptt == 4 and run.snapshot.cuts == [5, 9]
    assert any("Truncated BPTT every 4 steps" in c.value for c in at.caption)
    adding = open_page("train", {"task": "adding", "seq_len": "12", "hidden": "8"}, direct=True)
    assert not [n for n in adding.number_input if n.key == key]
