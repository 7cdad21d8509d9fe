"""Topology diagrams: well-formed SVG with one x/h/y box per declared step."""
import xml.etree.ElementTree as ET

import pytest

from playground.figures.topology import describe_topology, make_topology_svg
from playground.gallery import TOPOLOGIES

SVG = "{http://www.w3.org/2000/svg}"


@pytest.mark.parametrize("topology", TOPOLOGIES, ids=lambda t: t.name)
def test_svg_has_one_box_per_input_cell_and_output(topology):
    root = ET.fromstring(make_topology_svg(topology))
    letters = [t.text for t in root.iter(f"{SVG}text")]
    assert letters.count("h") == topology.steps
    assert letters.count("x") == len(topology.inputs)
    assert letters.count("y") == len(topology.outputs)
    arrows = len(list(root.iter(f"{SVG}line")))
    assert arrows == (topology.steps - 1) + len(topology.inputs) + len(topology.outputs)
    assert root.find(f"{SVG}title").text == describe_topology(topology)
