"""The replay animation: one frame per kept record, a slider step per frame, stable PCA signs."""
import numpy as np

from playground.figures.replay import align_signs, make_replay_figure, pick_frames, replay_summary
from playground.engine.live import Record


def record(step, T=6, H=4, B=3):
    rng = np.random.default_rng(step)
    pca = np.linspace(0, 1, T * B * 3).reshape(T, B, 3)
    return Record(step, 1.0 / (step + 1), 0.0, np.geomspace(1e-3, 1, T), np.ones(T), 0.9, pca,
                  rng.normal(size=(T, H)), {"f": rng.uniform(size=(T, H)), "g": rng.normal(size=(T, H))})


def test_frames_slider_and_play_button():
    records = [record(s) for s in range(0, 100, 10)]
    fig = make_replay_figure(records, "f")
    assert len(fig.frames) == 10 and len(fig.layout.sliders[0].steps) == 10
    assert fig.layout.sliders[0].steps[-1].label == "90"
    assert fig.layout.updatemenus[0].buttons[0].args[0] is None            # Play animates all frames
    heat = fig.frames[3].data[-2]
    assert heat.type == "heatmap" and (heat.zmin, heat.zmax) == (0.0, 1.0)
    assert "step 0 to 90" in replay_summary(records, "f")


def test_pick_frames_and_sign_alignment():
    assert pick_frames(5, 10) == [0, 1, 2, 3, 4]
    picked = pick_frames(120, 60)
    assert picked[0] == 0 and picked[-1] == 119 and len(picked) <= 60
    a = np.ones((4, 2, 3))
    assert np.allclose(align_signs([a, -a])[1], a)


def test_empty_records_give_an_empty_figure():
    assert len(make_replay_figure([]).data) == 0
