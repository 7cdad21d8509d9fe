"""The Save & load page: exports of the session's run, and weights loaded back as the run."""
import pickle

from streamlit.testing.v1 import AppTest

from page_runner import open_page
from playground.config import RunConfig
from playground.io.export import weights_bytes
from playground.engine.live import LiveRun
from playground.ui.keys import LIVE_RUN

CONFIG = RunConfig(arch="gru", hidden=8, seq_len=10, seed=4, batch=8)


def model_page(run: LiveRun | None = None) -> AppTest:
    """The Save & load page with ``run`` as the session's run (None: no run yet)."""
    return open_page("model_io", state={LIVE_RUN: run} if run is not None else None)


def trained_app() -> AppTest:
    run = LiveRun(CONFIG)
    run.step_once()
    return model_page(run)


def test_no_run_yet_says_so():
    at = model_page()
    assert not at.exception, [e.value for e in at.exception]
    assert any("No run in this session" in el.value for el in at.info), [el.value for el in at.info]


def test_exports_and_round_trip():
    at = trained_app()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.get("download_button")) >= 6
    link = at.code[0].value
    assert link.startswith("train?") and "arch=gru" in link and "seed=4" in link
    run = at.session_state[LIVE_RUN]
    at.file_uploader(key="model_upload").set_value(("w.pt", weights_bytes(run), "application/octet-stream")).run()
    at.button(key="model_load").click().run()
    assert not at.exception and not at.error
    new = at.session_state[LIVE_RUN]
    assert new is not run and new.config == run.config and at.session_state["cfg_arch"] == "gru"
    assert "Loaded" in at.success[0].value


def test_hostile_upload_leaves_the_run_untouched(tmp_path):
    at = trained_app()
    run = at.session_state[LIVE_RUN]

    class Exploit:
        def __reduce__(self):
            import os
            return (os.system, (f"touch {tmp_path / 'pwned'}",))

    for payload in (pickle.dumps(Exploit(), protocol=2), b"junk bytes"):
        at.file_uploader(key="model_upload").set_value(("bad.pt", payload, "application/octet-stream")).run()
        at.button(key="model_load").click().run()
        assert not at.exception and "current run is unchanged" in at.error[0].value
        assert at.session_state[LIVE_RUN] is run
    assert not (tmp_path / "pwned").exists()
