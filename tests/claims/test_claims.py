"""Every claim the app makes about an outcome of training, trained headless and checked.

The claims are gathered from where they are stated (deck steps, home cards, sweep presets,
page texts; see ``playground.lessons.claims``), so a new claim is tested without new test code.
Run them with ``python -m pytest -m claims`` (about three minutes on two cores).
"""
import os

import pytest

from playground.lessons.claim_check import check_all
from playground.lessons.claims import all_claims

CLAIMS = all_claims()
WORKERS = min(2, os.cpu_count() or 1)


@pytest.fixture(scope="module")
def verdicts():
    """Every claim's verdicts, by claim name (the runs train once, in two processes)."""
    by_name = {}
    for verdict in check_all(CLAIMS, workers=WORKERS):
        by_name.setdefault(verdict.claim.name, []).append(verdict)
    return by_name


@pytest.mark.slow
@pytest.mark.claims
@pytest.mark.timeout(2400)        # a guard against a hang: about 3 CPU-minutes of training, slower on a busy machine
@pytest.mark.parametrize("claim", CLAIMS, ids=[c.name for c in CLAIMS])
def test_claim_holds(claim, verdicts):
    failed = [v.detail for v in verdicts[claim.name] if not v.held]
    assert not failed, f"{claim.name} does not hold: " + "; ".join(failed)
