"""Every link names its target page through the page list, and the list names real files."""
from pathlib import Path

import pytest

from playground.ui.page_files import navigation, page_file


def test_every_listed_page_has_its_file():
    for section in navigation():
        for page in section["pages"]:
            assert Path(page_file(page["file"])).is_file(), page


def test_a_page_the_list_does_not_name_is_refused_with_the_names():
    with pytest.raises(ValueError, match="no page 'trian'.*train"):
        page_file("trian")
