"""One setting's value as text: read (checked against its ``Field`` row) and written back, and the messages.

``parse_field`` reads a value of any kind the field table declares (choice, task name, text, flag,
whole or decimal number) and raises ``ConfigError`` with a one-line reason that quotes the value it
got, clipped; ``without_value`` drops that quote where a note echoes the value itself.
``format_value`` writes a value as links carry it.
"""
from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from playground.errors import ConfigError
from playground.markup import clipped
from playground.strict_numbers import decimal_number, whole_number
from playground.tasks import CUSTOM_TASK, TASKS

if TYPE_CHECKING:
    from playground.config import Field


def parse_field(spec: Field, raw: Any) -> Any:
    """Parse and check a value of the setting ``spec``; raise ConfigError with a one-line reason."""
    name = spec.name
    if spec.kind == "choice":
        value = {choice.lower(): choice for choice in spec.choices}.get(str(raw).strip().lower())
        if value is None:
            raise ConfigError(f"{name} must be one of {', '.join(spec.choices)} (got '{echoed(raw)}')")
        return value
    if spec.kind == "str":
        return check_task_name(str(raw).strip().lower())
    if spec.kind == "text":
        text = str(raw)
        if len(text) > spec.high:
            raise ConfigError(f"{name} is longer than {spec.high:g} characters")
        return text
    if spec.kind == "bool":
        value = str(raw).strip().lower()
        if value in ("1", "true", "yes", "on"):
            return True
        if value in ("0", "false", "no", "off"):
            return False
        raise ConfigError(f"{name} must be 1 or 0 (got '{echoed(raw)}')")
    value = whole_number(raw) if spec.kind == "int" else decimal_number(raw)
    if value is None:
        kind = "a whole number" if spec.kind == "int" else "a number"
        raise ConfigError(f"{name} must be {kind} written with the digits 0-9 (got '{echoed(raw)}')")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number (got '{echoed(raw)}')")
    if spec.options is not None:
        if value not in spec.options:
            raise ConfigError(f"{name} must be one of {', '.join(f'{v:g}' for v in spec.options)} (got {value:g})")
        return value
    if not spec.low <= value <= spec.high:
        raise ConfigError(f"{name} must be between {spec.low:g} and {spec.high:g} (got {value:g})")
    return value


def echoed(raw: Any) -> str:
    """A raw value as a message quotes it: clipped, on one line (control characters as spaces)."""
    return "".join(ch if ch.isprintable() else " " for ch in clipped(raw))


def format_value(value: Any) -> str:
    """A setting's value as the URL writes it (floats by repr, booleans as 1/0)."""
    if isinstance(value, bool):
        return "1" if value else "0"
    return repr(value) if isinstance(value, float) else str(value)


def check_task_name(name: str) -> str:
    """The task name ``name`` when it is registered (or the custom task), else a ConfigError listing them."""
    if name not in TASKS and name != CUSTOM_TASK:
        raise ConfigError(f"unknown task '{echoed(name)}'; choose one of {', '.join(TASKS)}")
    return name


def without_value(err: ConfigError) -> str:
    """A ConfigError's reason without the raw value it quotes (a note echoes that as ``literal``).

    parse_field's messages quote the value at their end, "(got '…')", or (an unknown task) before
    the list of choices.
    """
    text = re.sub(r" \(got .*\)$", "", str(err), flags=re.DOTALL)
    return re.sub(r" '.*'(?=; choose)", "", text, count=1, flags=re.DOTALL)
