"""Every claim the app makes about an outcome of training, gathered from where it is stated.

Claims sit beside their text, each a line of ``playground.lessons.expectation``'s grammar:

- a deck step's ``claims = [...]`` (``playground/lessons/decks/*.toml``): about the step's run
  settings, with its clamped gates on an interventions step;
- a home card's ``claims`` (``playground.gallery``): about the card's run settings, each
  with its own overrides (e.g. one architecture of a comparison);
- a sweep preset's ``claims`` (``playground.sweeps.presets.PRESETS``): about one trial of its grid;
- a page text's claims, in ``pages/text/claims.toml`` (the text's name, the run settings, the lines),
  and the Gradients page's clipping section's, beside its setup (``gradient_lab.CLIPPING_CLAIMS``).

``all_claims()`` lists them as ``Claim``s; ``playground.lessons.claim_check`` trains and checks them.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from playground.config import FIELDS, RunConfig, from_mapping
from playground.lessons.expectation import ClaimRow, Expectation, parse_expectation

TEXT_CLAIMS = Path(__file__).resolve().parents[2] / "pages" / "text" / "claims.toml"


@dataclass(frozen=True)
class Claim:
    """One checkable claim: where it is stated, the run it is about, and what it expects."""

    where: str
    config: RunConfig
    expect: Expectation
    clamp: tuple[tuple[str, float], ...] = ()

    @property
    def seeds(self) -> tuple[int, ...]:
        """The seeds it must hold for."""
        return self.expect.seeds or (self.config.seed,)

    @property
    def name(self) -> str:
        """A short id for test reports."""
        return f"{self.where}: {self.expect.text}"


def _run_settings(params: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in params.items() if k in FIELDS}


def rows_claims(where: str, base: RunConfig, rows) -> list[Claim]:
    """The claims of ``ClaimRow``s stated about runs on top of ``base``."""
    claims = []
    for row in rows:
        expect = parse_expectation(row.expect)
        pinned = ", ".join(f"{k}={v}" for k, v in row.settings.items())
        claims.append(Claim(f"{where} ({pinned})" if pinned else where,
                            from_mapping(_run_settings(row.settings), base), expect, expect.clamp))
    return claims


def deck_claims() -> list[Claim]:
    """The claims of every shipped deck's steps."""
    from playground.lessons.deck import builtin_decks, load_builtin

    claims = []
    for name in builtin_decks():
        for k, step in enumerate(load_builtin(name).steps, 1):
            for line in step.claims:
                expect = parse_expectation(line)
                clamp = expect.clamp or tuple(sorted(step.clamp.items()))
                claims.append(Claim(f"deck {name}, step {k}", step.config, expect, clamp))
    return claims


def gallery_claims() -> list[Claim]:
    """The claims of the home page's cards (a sweep card's are its preset's)."""
    from playground.gallery import GALLERY

    claims = []
    for card in GALLERY:
        base = from_mapping(_run_settings(card.params))
        claims += rows_claims(f"card '{card.title}'", base, card.claims)
    return claims


def preset_claims() -> list[Claim]:
    """The claims of the sweep presets, each about one trial of the grid."""
    from playground.sweeps.presets import PRESETS

    claims = []
    for key, preset in PRESETS.items():
        claims += rows_claims(f"sweep preset {key}", preset.spec().base, preset.claims)
    return claims


def text_claims(path: Path = TEXT_CLAIMS) -> list[Claim]:
    """The claims of the page texts, from ``pages/text/claims.toml``."""
    table = tomllib.loads(path.read_text(encoding="utf-8"))
    claims = []
    for entry in table.get("claim", []):
        base = from_mapping(entry.get("settings", {}))
        claims += rows_claims(f"text {entry['text']}", base, [ClaimRow(line) for line in entry["expect"]])
    return claims


def clipping_claims() -> list[Claim]:
    """The claims of the Gradients page's clipping section (its text: ``gradients_clipping``)."""
    from playground.lessons.gradient_lab import CLIPPING_CLAIMS, ClipSetup

    setup = ClipSetup()
    return rows_claims("text gradients_clipping", setup.config(setup.clip), CLIPPING_CLAIMS)


def all_claims() -> list[Claim]:
    """Every claim the app states about an outcome of training."""
    return deck_claims() + gallery_claims() + preset_claims() + text_claims() + clipping_claims()
