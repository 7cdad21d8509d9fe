"""A live chart's figure split into what changes with each snapshot (its arrays) and what does not.

The insides of a live run (states, gates, gradients, predictions) are redrawn about once a second
in every session that watches the run. Building a plotly ``Figure`` for each redraw (its
validation, its JSON) cost the server more than everything else on the page, and the browser
then received traces and layout it already had. A view is built here from the same trace and
layout dicts the figure functions make (``*_parts`` in this package), without plotly, and split:

- ``styles``: each trace without its data (type, name, colours, hover template...), and its
  digest ``style_rev``: a chart is given them when it mounts and when they change;
- ``arrays``: each trace's data (``x``, ``y``, ``z``, ``marker.color``, ``text``, ``zmin``...) as
  plotly.js's typed-array form (``{"dtype": "f8", "bdata": base64}``), sent with every redraw;
- ``layout``: the layout as plain JSON values, which a redraw compares key by key with what the
  chart has (``layout_changes``) and sends only the keys that differ (a title's step, a range).

No function here imports plotly, so a view payload costs numpy and base64 only.
"""
from __future__ import annotations

import base64
import hashlib
import json
import math
from dataclasses import dataclass

import numpy as np

# Trace keys that carry data: they change with every snapshot and go with every redraw.
DATA_KEYS = ("x", "y", "z", "text", "customdata", "zmin", "zmax")
# Nested data (a marker's colour array): "marker.color" in ``arrays``, set by path in the browser.
NESTED_DATA = (("marker", "color"),)
# plotly.js's names of the numpy dtypes it takes as typed arrays
DTYPES = {"float64": "f8", "float32": "f4", "int32": "i4", "int16": "i2", "int8": "i1",
          "uint8": "u1", "uint16": "u2", "uint32": "u4"}


def encoded(value):
    """A trace's data value as JSON: numeric arrays in plotly.js's typed-array form (NaN kept, which
    JSON cannot say), other arrays as lists, numpy scalars as Python numbers."""
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, (int, float)) for v in value):
        value = np.asarray(value, dtype=float)
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "i" and value.dtype.name not in DTYPES:        # int64: plotly.js has no such type
            value = value.astype(np.int32) if value.size == 0 or np.abs(value).max() < 2 ** 31 else value.astype(float)
        if value.dtype.name in DTYPES:
            data = np.ascontiguousarray(value)
            out = {"dtype": DTYPES[data.dtype.name], "bdata": base64.b64encode(data.tobytes()).decode("ascii")}
            if data.ndim > 1:
                out["shape"] = ", ".join(map(str, data.shape))      # as plotly.py writes it
            return out
        return plain(value.tolist())
    return plain(value)


def plain(value):
    """``value`` with numpy scalars, arrays and tuples as JSON's own types (NaN and inf as None)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    return value


@dataclass(frozen=True)
class ViewPayload:
    """One chart's redraw, built once per snapshot: trace styles (and their digest), arrays, layout."""

    styles: list[dict]
    style_rev: str
    arrays: list[dict]
    layout: dict

    def figure(self) -> dict:
        """The whole figure as plain dicts (styles with their arrays back in): what the chart draws."""
        data = []
        for style, arrays in zip(self.styles, self.arrays):
            trace = {k: (dict(v) if isinstance(v, dict) else v) for k, v in style.items()}
            for path, value in arrays.items():
                *parents, last = path.split(".")
                target = trace
                for key in parents:
                    target = target.setdefault(key, {})
                target[last] = value
            data.append(trace)
        return {"data": data, "layout": self.layout}


def split_parts(data: list[dict], layout: dict) -> ViewPayload:
    """Split a figure's trace and layout dicts (a ``*_parts`` function's output) into a ``ViewPayload``."""
    styles, arrays = [], []
    for trace in data:
        style = {k: v for k, v in trace.items() if k not in DATA_KEYS}
        values = {k: encoded(trace[k]) for k in DATA_KEYS if k in trace}
        for parent, key in NESTED_DATA:
            inner = style.get(parent)
            if isinstance(inner, dict) and isinstance(inner.get(key), (np.ndarray, list)):
                style[parent] = {k: v for k, v in inner.items() if k != key}
                values[f"{parent}.{key}"] = encoded(inner[key])
        styles.append(plain(style))
        arrays.append(values)
    rev = hashlib.blake2b(json.dumps(styles, sort_keys=True).encode(), digest_size=8).hexdigest()
    return ViewPayload(styles, rev, arrays, plain({k: v for k, v in layout.items() if v is not None}))


def layout_changes(sent: dict | None, layout: dict) -> dict:
    """The top-level layout keys whose values differ from ``sent`` (all of them when nothing was sent);
    a key ``sent`` has and ``layout`` lacks comes back as None (plotly.js then drops it)."""
    if sent is None:
        return dict(layout)
    changes = {k: v for k, v in layout.items() if sent.get(k) != v}
    changes.update({k: None for k in sent if k not in layout})
    return changes
