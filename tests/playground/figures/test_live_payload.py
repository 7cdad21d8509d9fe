"""A live view's payload (styles, typed arrays, layout) says the same figure, with the same numbers, as the
plotly figure the same function builds; a redraw's layout holds only what changed."""
import base64
import json

import numpy as np
import plotly.graph_objects as go
import pytest

from playground.figures.gates import gate_grid_parts, make_gate_grid, make_saturation_figure, saturation_parts
from playground.figures.gradients import (grad_heatmap_parts, grad_norm_parts, make_grad_heatmap_figure,
                                          make_grad_norm_figure)
from playground.figures.live_payload import encoded, layout_changes, split_parts
from playground.figures.eigenvalues import eigenvalue_parts, make_eigenvalue_figure
from playground.figures.predictions import make_series_figure, series_parts
from playground.figures.states import make_trajectory_figure, make_unit_heatmap, trajectory_parts, unit_heatmap_parts

RNG = np.random.default_rng(0)
T, H, B = 12, 6, 10
PCA = RNG.normal(size=(T, B, 3))
HIDDEN = RNG.normal(size=(T, H))
GATES = {"i": RNG.uniform(size=(T, H)), "f": RNG.uniform(size=(T, H)), "g": RNG.normal(size=(T, H))}
SATURATION = {name: RNG.uniform(size=(H, 2)) for name in ("i", "f", "o")}
GRAD = np.abs(RNG.normal(size=(2, T))) + np.r_[np.zeros(3), np.ones(T - 3)]
EXAMPLE = {"input": RNG.normal(size=(T, 2)), "target": RNG.normal(size=T), "prediction": [0.3]}

# (figure function, its parts function, arguments): every live inside of the train page
VIEWS = [
    (make_trajectory_figure, trajectory_parts, (PCA, np.array([0.5, 0.3, 0.1])), {"dims": 2, "colour_by": "time"}),
    (make_trajectory_figure, trajectory_parts, (PCA, None), {"dims": 3, "colour_by": "label",
                                                            "labels": np.arange(B) % 3}),
    (make_unit_heatmap, unit_heatmap_parts, (HIDDEN, "h"), {"title": "Hidden state", "height": 380}),
    (make_gate_grid, gate_grid_parts, (GATES,), {"title": "Gates", "columns": 2}),
    (make_saturation_figure, saturation_parts, (SATURATION,), {"title": "Gate saturation"}),
    (make_grad_norm_figure, grad_norm_parts, (GRAD, GRAD[-1]), {"cuts": [4, 8], "title": "at step 5"}),
    (make_grad_heatmap_figure, grad_heatmap_parts, ([1, 5, 9], list(GRAD) + [GRAD[0]], [0.9, 1.0, 1.1]), {}),
    (make_series_figure, series_parts, (EXAMPLE,), {"title": "Probe"}),
    (make_eigenvalue_figure, eigenvalue_parts, (RNG.normal(size=H) * np.exp(1j * RNG.normal(size=H)),),
     {"title": "Eigenvalues"}),
]


def decoded(value):
    """A payload value as the browser reads it: typed arrays back to numpy."""
    if isinstance(value, dict) and "bdata" in value:
        array = np.frombuffer(base64.b64decode(value["bdata"]), value["dtype"])
        return array.reshape([int(n) for n in value["shape"].split(",")]) if "shape" in value else array
    return value


def same(a, b) -> bool:
    if isinstance(a, (np.ndarray, list, tuple)) or isinstance(b, (np.ndarray, list, tuple)):
        a, b = np.asarray(a), np.asarray(b)
        if a.dtype.kind in "fiu" and b.dtype.kind in "fiu":
            return a.shape == b.shape and np.allclose(a.astype(float), b.astype(float), equal_nan=True, rtol=0, atol=0)
        return a.tolist() == b.tolist()
    return a == b


@pytest.mark.parametrize("figure, parts, args, kwargs", VIEWS, ids=[v[1].__name__ for v in VIEWS])
def test_the_payload_draws_the_figures_numbers(figure, parts, args, kwargs):
    payload = split_parts(*parts(*args, **kwargs))
    json.dumps({"styles": payload.styles, "arrays": payload.arrays, "layout": payload.layout})   # plain JSON
    fig = go.Figure(figure(*args, **kwargs).to_dict())              # validated: what plotly would draw
    drawn = payload.figure()
    assert len(drawn["data"]) == len(fig.data)
    for trace, want in zip(drawn["data"], fig.to_plotly_json()["data"]):
        for key in ("x", "y", "z", "text", "customdata", "zmin", "zmax"):
            if key in want:
                assert same(decoded(trace[key]), decoded(want[key])), key
        if isinstance(want.get("marker", {}).get("color"), (list, dict, np.ndarray)):
            assert same(decoded(trace["marker"]["color"]), decoded(want["marker"]["color"]))
        assert trace["type"] == want["type"] and trace.get("name") == want.get("name")
    go.Figure({"data": [{k: v for k, v in t.items() if k not in ("x", "y", "z", "customdata", "marker")}
                        for t in drawn["data"]], "layout": drawn["layout"]})   # styles and layout pass validation
    assert payload.layout.get("title") == fig.to_plotly_json()["layout"].get("title") or "title" not in payload.layout


def test_styles_stay_while_only_the_numbers_change():
    one = split_parts(*unit_heatmap_parts(HIDDEN, "h", title="Hidden state"))
    two = split_parts(*unit_heatmap_parts(HIDDEN * 2, "h", title="Hidden state"))
    assert one.style_rev == two.style_rev and one.arrays != two.arrays
    three = split_parts(*trajectory_parts(PCA, None, dims=3))
    assert three.style_rev != split_parts(*trajectory_parts(PCA, None, dims=2)).style_rev


def test_a_redraw_sends_only_the_layout_keys_that_changed():
    old = split_parts(*grad_norm_parts(GRAD, title="‖dL/dh_t‖ at step 10")).layout
    new = split_parts(*grad_norm_parts(GRAD, title="‖dL/dh_t‖ at step 20")).layout
    assert layout_changes(None, new) == new
    assert layout_changes(old, new) == {"title": new["title"]}
    cut = split_parts(*grad_norm_parts(GRAD, title="‖dL/dh_t‖ at step 20", cuts=[5])).layout
    assert set(layout_changes(cut, new)) == {"shapes", "annotations"}
    assert layout_changes(cut, new)["shapes"] is None               # gone: the browser drops it


def test_arrays_travel_as_typed_arrays_with_nan_kept():
    values = np.array([[1.0, np.nan], [3.0, 4.0]])
    out = encoded(values)
    assert out["dtype"] == "f8" and out["shape"] == "2, 2"
    assert np.array_equal(decoded(out), values, equal_nan=True)
    assert encoded(np.arange(3))["dtype"] == "i4"                    # plotly.js has no 64-bit integers
    assert encoded(["unit 0", "unit 1"]) == ["unit 0", "unit 1"]
    assert encoded(np.float64("nan")) is None and encoded(np.int64(3)) == 3
