"""Live settings: one column of the field table says which settings reach a running run without a
reset, and the reset check, the trainer's path and the tooltips all read it."""
from pathlib import Path

import pytest

from playground.config import FIELDS, LIVE_NOTE, OPTIMIZER_GROUP, RunConfig
from playground.engine.trainer import Trainer
from playground.errors import ConfigError
from playground.live_settings import LIVE, STRUCTURAL, live_changes, needs_reset

SMALL = RunConfig(task="adding", seq_len=6, hidden=4, batch=4)


def another_value(name: str):
    """A valid value of setting ``name`` other than SMALL's."""
    spec, current = FIELDS[name], getattr(SMALL, name)
    if spec.kind == "choice":
        return next(c for c in spec.choices if c != current)
    if spec.kind == "str":
        return "copy" if current != "copy" else "adding"
    return spec.high if current != spec.high else spec.low


def test_every_setting_is_live_or_structural_once():
    assert sorted(LIVE + STRUCTURAL) == sorted(FIELDS) and not set(LIVE) & set(STRUCTURAL)
    assert set(LIVE) == {"lr", "clip"}


@pytest.mark.parametrize("name", list(FIELDS))
def test_a_change_needs_a_reset_exactly_when_the_setting_is_not_live(name):
    changed = RunConfig(**{**SMALL.to_dict(), name: another_value(name)})
    assert needs_reset(SMALL, changed) is not bool(FIELDS[name].live)
    assert live_changes(SMALL, changed) == ({name: getattr(changed, name)} if FIELDS[name].live else {})


def test_the_memory_gate_bias_is_set_at_init_so_changing_it_starts_a_fresh_model():
    assert needs_reset(SMALL, SMALL.replace(gate_bias=1.0))


def test_the_tooltips_say_live_from_the_column_and_only_there():
    for spec in FIELDS.values():
        said = spec.tooltip is not None and LIVE_NOTE in spec.tooltip
        assert said is bool(spec.live), spec.name
        assert "at once" not in (spec.tooltip or "").replace(LIVE_NOTE, ""), spec.name


def test_the_trainer_takes_every_live_setting_by_the_path_its_row_names():
    trainer = Trainer(SMALL)
    trainer.train(1)
    changes = {name: another_value(name) for name in LIVE}
    trainer.apply_live(changes)
    for name, value in changes.items():
        assert getattr(trainer.config, name) == value
        if FIELDS[name].live == OPTIMIZER_GROUP:
            assert all(group[name] == value for group in trainer.optimizer.param_groups)
    row = trainer.step()
    assert all(row[name] == value for name, value in changes.items() if name in row)


def test_the_trainer_refuses_a_structural_setting_and_a_bad_value_and_keeps_its_config():
    trainer = Trainer(SMALL)
    with pytest.raises(ConfigError, match="hidden cannot change without a reset"):
        trainer.apply_live({"hidden": 8})
    with pytest.raises(ConfigError, match="lr must be between"):
        trainer.apply_live({"lr": -1.0})
    assert trainer.config == SMALL and trainer.optimizer.param_groups[0]["lr"] == SMALL.lr


def test_the_train_pages_intro_points_at_the_tooltips_words_instead_of_listing_the_live_settings():
    intro = (Path(__file__).resolve().parents[2] / "pages" / "text" / "train_intro.md").read_text(encoding="utf-8")
    words = LIVE_NOTE.split(",")[0].lower()                   # "takes effect at once"
    assert words in intro.lower()
    assert not any(FIELDS[name].label.lower() in intro.lower() for name in LIVE)
