"""The deck "From LSTMs to Mamba" says S6's trained Δ is larger at the adding problem's marked steps."""
import numpy as np
import pytest

from models.architectures import architecture
from playground.engine.probe import probe
from playground.engine.trainer import Trainer
from playground.lessons.deck import load_builtin
from playground.lessons.selectivity import marked_ratio

DELTA_STEP = "Δ is a gate"          # the step whose notes state it
TRAINED_AT = 600                        # the deck's S6 step trains to 600 steps


def test_the_ratio_compares_marked_with_unmarked_steps():
    gate = np.ones((4, 2, 3))                     # (T, B, H)
    gate[1, 0] = 5.0
    inputs = np.zeros((2, 4, 2))
    inputs[0, 1, 1] = 1.0
    assert marked_ratio(gate, inputs, 1) == pytest.approx(5.0)
    assert np.isnan(marked_ratio(gate, np.zeros((2, 4, 2)), 1))


def _delta_ratio(config, steps: int) -> float:
    trainer = Trainer(config, val_every=10 ** 9)
    trainer.train(steps)
    row = trainer.net.architecture
    snap = probe(trainer.net, trainer.task, trainer.probe_batch)
    return marked_ratio(snap.gates[row.gates[0]][-1], snap.inputs, trainer.task.mark_channel)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_trained_delta_is_larger_at_the_marked_steps(seed):
    step = next(s for s in load_builtin("lstms-to-mamba").steps if s.title == DELTA_STEP)
    config = step.config.replace(seed=seed)
    assert config.layers == 1 and architecture(config.arch).gates[0] == "delta"     # the view's Δ is the only layer's
    assert _delta_ratio(config, TRAINED_AT) > 1.5
