"""The home page's gallery and topology links: every one is a valid, reproducible run."""
from pathlib import Path

import pytest

from playground.config import FIELDS, from_mapping, from_query
from playground.gallery import GALLERY, TOPOLOGIES
from playground.page_state import PAGE_TABLES, parse_page_query
from playground.sweeps.presets import PRESETS as SWEEP_PRESETS
from playground.tasks import TASKS
from playground.tasks.base import TOPOLOGIES as TASK_TOPOLOGIES
from playground.ui.page_files import page_file

LINKS = list(GALLERY) + list(TOPOLOGIES)


@pytest.mark.parametrize("entry", LINKS, ids=lambda e: e.title if hasattr(e, "title") else e.name)
def test_link_parameters_are_valid_settings(entry):
    assert Path(page_file(entry.page)).is_file()     # a listed page (page_file refuses others)
    if entry.page in PAGE_TABLES:                 # a teaching page: its own table names every parameter
        values, notes = parse_page_query(PAGE_TABLES[entry.page], entry.params)
        assert notes == [] and set(values) == set(entry.params)
        return
    if entry.page == "sweep":                      # a ready sweep: a preset by name, started on arrival
        assert entry.params.get("preset") in SWEEP_PRESETS and set(entry.params) <= {"preset", "autostart"}
        return
    settings = {k: v for k, v in entry.params.items() if k in FIELDS}
    from_mapping(settings)  # raises ConfigError on any bad value
    config, notes = from_query(entry.params)
    assert notes == []
    assert set(entry.params) - set(FIELDS) <= {"autostart"}


def test_train_links_start_training():
    for entry in LINKS:
        if entry.page == "train":
            assert entry.params.get("autostart") == "1", entry


def test_topologies_cover_all_five_shapes_with_a_task_of_that_shape():
    assert [t.name for t in TOPOLOGIES] == list(TASK_TOPOLOGIES)
    for topology in TOPOLOGIES:
        assert topology.params["task"] == topology.task
        if topology.steps > 1:  # one-to-one borrows a task at T=1
            assert TASKS[topology.task].topology == topology.name


def test_query_string_matches_params():
    entry = GALLERY[1]
    assert entry.query_string() == "&".join(f"{k}={v}" for k, v in entry.params.items())
