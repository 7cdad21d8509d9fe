"""The claim grammar, and that every stated claim parses and names a run the app can train."""
import math

import pytest

from models.architectures import ARCH_NAMES
from playground.lessons.claim_check import Probe, plan
from playground.lessons.claims import all_claims
from playground.lessons.deck import DeckError, parse_deck
from playground.lessons.expectation import CHECK_EVERY, ClaimError, parse_expectation


def test_lines_parse_into_what_they_say():
    e = parse_expectation("val < 0.3 x baseline  by step 1000 over seeds 0, 1,2")
    assert (e.metric, e.op, e.value, e.of_baseline, e.when, e.step, e.seeds) == \
        ("val", "<", 0.3, True, "by", 1000, (0, 1, 2))
    assert parse_expectation("val > baseline at step 5").threshold(0.2) == pytest.approx(0.2)
    assert parse_expectation("grad_reach < 1e-4 at step 300").value == pytest.approx(1e-4)
    assert parse_expectation("diverges by step 100").metric == "diverged"


@pytest.mark.parametrize("line", ["val < 0.05", "loss < 1 at step 5", "val < 1 around step 5", "val < 1 at step 0",
                                  "val < one at step 5", "diverges", "val < 1 at step 5 over seeds"])
def test_bad_lines_get_one_line_reasons(line):
    with pytest.raises(ClaimError) as err:
        parse_expectation(line)
    assert "\n" not in str(err.value)


def test_at_by_until_and_divergence_read_the_series():
    series = {50: 0.16, 100: 0.04, 150: 0.2}
    assert parse_expectation("val < 0.05 by step 150").holds(series, 0.167, None)
    assert not parse_expectation("val < 0.05 at step 150").holds(series, 0.167, None)
    assert not parse_expectation("val > 0.5 x baseline until step 150").holds(series, 0.167, None)
    assert parse_expectation("val > 0.5 x baseline until step 50").holds(series, 0.167, None)
    assert not parse_expectation("val < 0.05 by step 150").holds(series, 0.167, diverged_at=120)
    assert parse_expectation("diverges by step 150").holds({}, 0.167, diverged_at=120)
    assert not parse_expectation("diverges by step 100").holds({}, 0.167, diverged_at=120)
    assert parse_expectation("val < 1 until step 120").check_steps() == [CHECK_EVERY, 2 * CHECK_EVERY, 120]


def test_a_deck_with_a_bad_claim_is_refused_with_one_line():
    deck = 'title = "d"\n[[step]]\ntitle = "t"\nclaims = ["val is small"]\n'
    with pytest.raises(DeckError, match="step 1: claims: claim 'val is small' does not read like"):
        parse_deck(deck)
    assert parse_deck('title = "d"\n[[step]]\ntitle = "t"\nclaims = ["val < 1 at step 5"]\n').steps[0].claims == ("val < 1 at step 5",)


def test_every_source_states_claims_and_each_names_a_trainable_run():
    claims = all_claims()
    sources = {c.where.split(" ")[0] for c in claims}
    assert sources == {"deck", "card", "sweep", "text"}
    runs = plan(claims)
    assert runs and all(isinstance(p, Probe) for probes in runs.values() for p in probes)
    for claim in claims:
        assert claim.expect.step <= 20_000


@pytest.mark.parametrize("arch", ARCH_NAMES)
def test_radius_and_modulus_read_every_rows_recurrence(arch):
    """The largest and the mean |λ| of the last layer's eigenvalues; NaN (a failing claim) without any."""
    from playground.config import RunConfig
    from playground.engine.trainer import Trainer
    from playground.lessons.claim_check import _value

    assert parse_expectation("modulus > 0.77 at step 600").metric == "modulus"
    trainer = Trainer(RunConfig(arch=arch, task="adding", seq_len=5, hidden=4, layers=2), val_every=10 ** 9)
    values = trainer.net.eigenvalues(1)
    radius, modulus = _value(trainer, Probe("radius")), _value(trainer, Probe("modulus"))
    if values is None:
        assert math.isnan(radius) and math.isnan(modulus)
    else:
        assert radius == pytest.approx(float(values.abs().max())) and modulus == pytest.approx(float(values.abs().mean()))
        assert 0 < modulus <= radius
