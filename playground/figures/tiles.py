"""The live page's metric tiles as data: label, value, delta and help of each, built from a run's numbers.

The train page's counters (step, steps per second, training loss, validation and baseline) are
redrawn several times a second by one mounted component (``playground.ui.live_tiles``) that
receives this data and changes the tiles' text in place. No Streamlit and no run here: the
numbers come in, the tiles' words go out, so a test reads exactly what the reader sees.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from playground.engine.run_summary import RunSummary, shown, shown_delta

WIDTHS = (0.9, 0.8, 1.1, 1.5, 1.1)     # the tiles' relative widths; the validation tile holds its badge


@dataclass(frozen=True)
class Tile:
    """One metric tile: what ``st.metric`` would show. ``delta`` is the badge's text, ``arrow`` "up",
    "down" or "" and ``tone`` "good", "bad" or "" its colour; ``help`` the tooltip ("" for none)."""

    label: str
    value: str
    delta: str = ""
    arrow: str = ""
    tone: str = ""
    help: str = ""


def badge(delta: float | None, text: str, higher_is_better: bool) -> tuple[str, str]:
    """(arrow, tone) of a delta badge: the arrow follows the delta's sign, the tone says whether that
    way is better (``st.metric``'s "normal" colours when higher is better, "inverse" otherwise)."""
    if delta is None or text.startswith("—"):
        return "", ""
    arrow = "down" if delta < 0 else "up"
    good = (delta >= 0) == higher_is_better
    return arrow, "good" if good else "bad"


def run_tiles(summary: RunSummary, *, step_count: int, steps_per_second: float | None, running: bool,
              baseline_help: str) -> list[Tile]:
    """The five tiles of a live run: step, steps/s (a dash while paused), the last training loss, the
    latest validation value against the baseline (with its badge) and the baseline."""
    metric = summary.metric_name
    loss_label = summary.loss_label[:1].upper() + summary.loss_label[1:]
    tiles = [Tile("Step", f"{step_count:,}"),
             Tile("Steps / s", f"{steps_per_second:,.0f}" if running and steps_per_second is not None else "—"),
             Tile(loss_label, shown(summary.loss),
                  help="The last step's loss, the last point of the thin line in the chart below.")]
    if summary.val is not None:
        text = f"{shown_delta(summary.delta)} vs baseline"
        arrow, tone = badge(summary.delta, text, summary.higher_is_better)
        tiles.append(Tile(f"Validation {metric}", shown(summary.val), text, arrow, tone,
                          help=f"Measured at step {summary.val_step}; "
                               f"{'better' if summary.better else 'not better'} than the baseline."))
    else:
        tiles.append(Tile(f"Validation {metric}", "—"))
    tiles.append(Tile(f"Baseline {metric}", shown(summary.baseline), help=baseline_help))
    return tiles


def tiles_payload(tiles: list[Tile], caption: str = "", status: tuple[str, str] | None = None) -> dict:
    """What the tiles component receives: the tiles, their widths, the caption line under them and a
    status line (kind "error" or "info", its text) above them, or None."""
    return {"tiles": [asdict(t) for t in tiles], "widths": list(WIDTHS[:len(tiles)]), "caption": caption,
            "status": list(status) if status else None}
