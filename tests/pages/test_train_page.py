"""The train page headless: charts present, URL settings round trip, bad parameters, buttons."""
import time

import pytest
from models.architectures import ARCH_NAMES
from page_runner import open_page
from playground.ui.keys import LIVE_RUN

def plotly_count(at) -> int:
    return len([*at.get("plotly_chart"), *at.get("bidi_component")])


def run_page(**params):
    """The train page on its own, with ``params`` in its URL."""
    return open_page("train", params, direct=True)


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_page_renders_all_three_visual_families(arch):
    at = run_page(arch=arch, task="adding", seq_len="12", hidden="8")
    assert not at.exception
    # loss, trajectories, hidden heatmap, gate grid, saturation, gradient now, gradient history, predictions
    assert plotly_count(at) >= 7
    assert at.session_state["cfg_arch"] == arch


def test_url_settings_round_trip():
    at = run_page(arch="gru", task="copy", seq_len="30", lag="7", hidden="16", lr="0.003", seed="5")
    assert not at.exception
    assert dict(at.query_params) == {"arch": ["gru"], "task": ["copy"], "seq_len": ["30"], "lag": ["7"],
                                     "hidden": ["16"], "lr": ["0.003"], "seed": ["5"]} or \
        {k: (v[-1] if isinstance(v, list) else v) for k, v in at.query_params.items()} == {
            "arch": "gru", "task": "copy", "seq_len": "30", "lag": "7", "hidden": "16", "lr": "0.003", "seed": "5"}
    run = at.session_state[LIVE_RUN]
    assert (run.config.arch, run.config.task, run.config.seq_len, run.config.lag) == ("gru", "copy", 30, 7)


@pytest.mark.parametrize("params", [
    {"arch": "<script>alert(1)</script>"}, {"seq_len": "1e999"}, {"hidden": "-5"}, {"lr": "nan"},
    {"task": "../../etc/passwd"}, {"seed": "seven"}, {"clip": "inf"}, {"layers": "9"},
])
def test_hostile_parameters_fall_back_with_a_note(params):
    at = run_page(**{"task": "adding", "seq_len": "10", "hidden": "8", **params})
    assert not at.exception
    assert any("Ignored URL parameter" in w.value for w in at.warning)
    assert plotly_count(at) >= 7


def test_step_button_and_live_learning_rate():
    at = run_page(task="adding", seq_len="10", hidden="8")
    at.button(key="live_run_step").click().run()
    at.button(key="live_run_step").click().run()
    run = at.session_state[LIVE_RUN]
    assert run.step_count == 2
    at.number_input(key="cfg_lr").set_value(0.002).run()
    assert at.session_state[LIVE_RUN] is run and run.config.lr == 0.002   # no reset
    at.segmented_control(key="cfg_arch").set_value("gru").run()
    assert not at.exception
    assert at.session_state[LIVE_RUN].step_count == 0                    # structural: new model


def wait_for(run, condition, bound_s=60.0):
    """Wait on the run's publications until ``condition()`` holds (fail after ``bound_s``)."""
    deadline = time.monotonic() + bound_s
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        run.backend.wait_published(run.run_id, run.view.version, 1.0)


def test_start_trains_in_the_worker_and_pause_holds():
    """Start hands training to a worker; page reruns keep the run; after Pause the count stays put."""
    at = run_page(task="adding", seq_len="10", hidden="8")
    at.button(key="live_run_start").click().run()
    run = at.session_state[LIVE_RUN]
    assert run.running
    wait_for(run, lambda: run.step_count >= 20)
    at.run()                                          # a full rerun while running: same run, still training
    assert at.session_state[LIVE_RUN] is run and run.running and not at.exception
    at.button(key="live_run_pause").click().run()     # Pause: returns once the worker stopped
    steps = run.step_count
    assert not run.running
    at.button(key="live_run_step").click().run()      # one step more, exactly
    assert run.step_count == steps + 1 and len(run.history_frame()) == steps + 1


def test_a_pause_click_delivered_twice_still_pauses():
    """Streamlit may pass one click to the callback twice: Start/Pause sets, it never toggles."""
    from playground.ui.live_session import set_running

    at = run_page(task="adding", seq_len="10", hidden="8")
    at.button(key="live_run_start").click().run()                     # Start
    run = at.session_state[LIVE_RUN]
    assert run.running
    for _ in range(2):                                                # the Pause shown, delivered twice
        set_running(run, False)
    assert not run.running
    steps = run.step_count
    set_running(run, True)
    set_running(run, True)                                            # a doubled Start still trains
    wait_for(run, lambda: run.step_count > steps)
    assert run.running
    set_running(run, False)


def test_a_second_press_on_start_before_pause_is_drawn_still_asks_to_train():
    """A browser that has not yet drawn Pause sends its Start again: the run goes on training.

    The press asks for the state its button names (``playground.ui.presses``); it is never turned into
    the opposite by the rerun that has meanwhile drawn Pause on the server.
    """
    at = run_page(task="adding", seq_len="10", hidden="8")
    start = at.button(key="live_run_start")
    start.click().run()
    run = at.session_state[LIVE_RUN]
    assert run.running
    start.click().run()                               # the same Start, pressed again
    assert run.running and not at.exception
    at.button(key="live_run_pause").click().run()
    assert not run.running


def test_the_lookahead_task_takes_its_lag_from_the_sidebar_and_its_url():
    at = run_page(arch="gru", task="lookahead", seq_len="16", lag="4", hidden="8")
    assert not at.exception
    lag = at.number_input(key="cfg_lag")
    assert lag.label == "Lag (steps)" and lag.value == 4
    run = at.session_state[LIVE_RUN]
    assert (run.config.task, run.config.lag) == ("lookahead", 4)
    assert "cfg_lag" not in [w.key for w in run_page(task="adding", seq_len="12", hidden="8").number_input]
