"""Write text with a trained character-level model, one character at a time."""
from __future__ import annotations

import math

import torch

from playground.errors import ConfigError

MIN_TEMPERATURE, MAX_TEMPERATURE = 0.05, 5.0
MAX_LENGTH = 10_000


@torch.no_grad()
def sample_text(net, task, prime: str, length: int, temperature: float = 1.0,
                generator: torch.Generator | None = None) -> str:
    """Continue ``prime`` by ``length`` characters drawn from the net's softmax at ``temperature``.

    ``net(x, state) -> (out (1, t, V), state)`` with x (1, t) long ids; ``task`` has
    ``encode``/``decode``/``vocab`` (a CharTextTask). Characters of ``prime`` outside the
    vocabulary are dropped; an empty prime starts from a newline (or the first character of
    the vocabulary). Temperature must be > 0 and is clamped to [0.05, 5]: low is cautious,
    high is adventurous. Returns the (kept) prime followed by the new characters.
    """
    if not (isinstance(temperature, (int, float)) and math.isfinite(temperature) and temperature > 0):
        raise ConfigError(f"temperature must be a number > 0 (got {temperature})")
    if not 0 <= int(length) <= MAX_LENGTH:
        raise ConfigError(f"length must be between 0 and {MAX_LENGTH} (got {length})")
    temperature = min(max(float(temperature), MIN_TEMPERATURE), MAX_TEMPERATURE)
    ids = task.encode(prime)
    if ids.numel() == 0:
        ids = task.encode("\n") if "\n" in task.vocab else torch.zeros(1, dtype=torch.long)
    out, state = net(ids.view(1, -1), None)                           # (1, t, V)
    new = []
    for _ in range(int(length)):
        probs = torch.softmax(out[0, -1].double() / temperature, dim=-1)
        next_id = torch.multinomial(probs, 1, generator=generator)    # (1,)
        new.append(int(next_id))
        out, state = net(next_id.view(1, 1), state)
    return task.decode(ids) + task.decode(new)
