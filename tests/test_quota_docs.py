"""The quotas the README and docs/SWEEPS_AND_ROOMS.md state are the ones the code enforces."""
from pathlib import Path

from playground.backends.cost import RUN_OVERHEAD_MB
from playground.backends.ledger import IDLE_PARK_S, MAX_LIVE_RUNS
from playground.backends.pool import MEMORY_BUDGET_MB
from playground.backends.saved_runs import MAX_SAVED_BYTES, MAX_SAVED_RUNS
from playground.ui.upload_guard import SESSION_UPLOAD_BYTES

ROOT = Path(__file__).resolve().parents[1]
MB = 2**20


def test_the_readme_and_the_room_doc_state_the_enforced_quotas():
    readme = (ROOT / "README.md").read_text()
    rooms = " ".join((ROOT / "docs" / "SWEEPS_AND_ROOMS.md").read_text().split())
    for text in (readme, rooms):
        text = " ".join(text.split())
        assert f"at most {MAX_LIVE_RUNS} live runs" in text
        assert f"{IDLE_PARK_S / 60:g} minutes" in text
        assert f"{RUN_OVERHEAD_MB:g} MB" in text
        assert f"at most {SESSION_UPLOAD_BYTES // MB} MB" in text
    assert f"holds at most {MAX_LIVE_RUNS} live runs" in rooms
    assert f"at most {MAX_SAVED_RUNS} files and {MAX_SAVED_BYTES // MB} MB" in rooms
    most_runs = int(MEMORY_BUDGET_MB / RUN_OVERHEAD_MB) // 50 * 50
    assert f"{MEMORY_BUDGET_MB:,} MB budget holds at most about {most_runs} runs" in rooms
