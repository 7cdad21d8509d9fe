"""The tiles of /compare and /talk as data: the words, badges and widths the tiles component shows."""
from playground.engine.run_summary import RunSummary
from playground.figures.style import ARCH_LABELS
from playground.figures.tiles import compare_tiles, edit_tiles, even, talk_tiles, tiles_payload


def test_compare_tiles_name_each_architecture_and_its_step_then_the_baseline():
    trained = RunSummary("MSE", 0.167, False, step=40, loss=0.05, val=0.02, val_step=40)
    fresh = RunSummary("MSE", 0.167, False)
    one, two = list(ARCH_LABELS)[:2]
    tiles = compare_tiles({one: trained, two: fresh}, {one: 1234, two: 0}, "predict the mean")
    assert [t.label for t in tiles] == [f"{ARCH_LABELS[one]} · step 1,234", f"{ARCH_LABELS[two]} · step 0",
                                        "Baseline MSE"]
    assert tiles[0].delta.endswith("vs baseline") and (tiles[0].arrow, tiles[0].tone) == ("down", "good")
    assert tiles[1].value == "—" and tiles[1].delta == ""              # no badge before a validation
    assert tiles[2].help == "predict the mean"
    assert tiles_payload(tiles, widths=even(tiles))["widths"] == [1.0, 1.0, 1.0]


def test_talk_tiles_and_an_edits_rise_in_loss_is_bad():
    summary = RunSummary("accuracy", 0.5, True, step=10, loss=0.6, val=0.4, val_step=10)
    labels = [t.label for t in talk_tiles(summary, "guess")]
    assert labels == ["Validation accuracy", "Baseline accuracy", "Training loss"]
    assert talk_tiles(summary, "guess")[0].tone == "bad"               # below the baseline, higher is better
    worse = edit_tiles(0.1, 0.3, 0.2, "MSE", 0.167, "mean")[1]
    assert (worse.label, worse.arrow, worse.tone) == ("Loss with the edit", "up", "bad")
