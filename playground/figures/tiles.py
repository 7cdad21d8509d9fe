"""The live pages' metric tiles as data: label, value, delta and help of each, built from a run's numbers.

The counters of /train (step, steps per second, training loss, validation and baseline), of
/compare (each architecture's validation value) and of /talk's live steps are redrawn several times
a second by one mounted component (``playground.ui.live_tiles``) that receives this data and
changes the tiles' text in place. No Streamlit and no run here: the
numbers come in, the tiles' words go out, so a test reads exactly what the reader sees.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

from playground.engine.run_summary import RunSummary, shown, shown_delta
from playground.figures.style import ARCH_LABELS

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
    measured = "" if summary.val is None else (f"Measured at step {summary.val_step}; "
                                               f"{'better' if summary.better else 'not better'} than the baseline.")
    tiles.append(validation_tile(f"Validation {metric}", summary, measured))
    tiles.append(Tile(f"Baseline {metric}", shown(summary.baseline), help=baseline_help))
    return tiles


def validation_tile(label: str, summary: RunSummary, help_text: str) -> Tile:
    """A run's latest validation value under ``label``, with its badge against the baseline (none before
    the first validation)."""
    if summary.val is None:
        return Tile(label, shown(summary.val), help=help_text)
    text = f"{shown_delta(summary.delta)} vs baseline"
    arrow, tone = badge(summary.delta, text, summary.higher_is_better)
    return Tile(label, shown(summary.val), text, arrow, tone, help=help_text)


def compare_tiles(summaries: dict[str, RunSummary], step_counts: dict[str, int], baseline_help: str) -> list[Tile]:
    """The compare page's tiles: each architecture's validation value (its label names its step) and
    the task's baseline."""
    some = next(iter(summaries.values()))
    metric = some.metric_name
    tiles = [validation_tile(f"{ARCH_LABELS.get(arch, arch)} · step {step_counts[arch]:,}", summary,
                             f"Validation {metric} on a fixed batch of 128 sequences")
             for arch, summary in summaries.items()]
    return tiles + [Tile(f"Baseline {metric}", shown(some.baseline), help=baseline_help)]


def talk_tiles(summary: RunSummary, baseline_help: str) -> list[Tile]:
    """A talk's loss step: the validation value against the baseline, the baseline and the last training
    loss (the step counter is in the model's caption above it)."""
    metric = summary.metric_name
    measured = "" if summary.val is None else f"Measured at step {summary.val_step}."
    return [validation_tile(f"Validation {metric}", summary, measured),
            Tile(f"Baseline {metric}", shown(summary.baseline), help=baseline_help),
            Tile(summary.loss_label[:1].upper() + summary.loss_label[1:], shown(summary.loss))]


def edit_tiles(loss_before: float, loss_after: float, loss_change: float | None, metric_name: str,
               baseline: float, baseline_help: str) -> list[Tile]:
    """An intervention's tiles: the loss as trained, the loss with the edit (a rise is bad) and the baseline."""
    change = shown_delta(loss_change)
    arrow, tone = badge(loss_change, change, higher_is_better=False)
    return [Tile("Loss as trained", shown(loss_before)),
            Tile("Loss with the edit", shown(loss_after), change, arrow, tone),
            Tile(f"Baseline {metric_name}", shown(baseline), help=baseline_help)]


def tiles_payload(tiles: list[Tile], caption: str = "", status: tuple[str, str] | None = None,
                  widths: tuple[float, ...] | None = None) -> dict:
    """What the tiles component receives: the tiles, their relative widths (the run tiles' ``WIDTHS``
    unless given), the caption line under them and a status line (kind "error" or "info", its text)
    above them, or None."""
    widths = WIDTHS[:len(tiles)] if widths is None else widths
    return {"tiles": [asdict(t) for t in tiles], "widths": list(widths), "caption": caption,
            "status": list(status) if status else None}


def even(tiles: list[Tile]) -> tuple[float, ...]:
    """Equal widths for ``tiles`` (the compare and talk rows)."""
    return (1.0,) * len(tiles)
