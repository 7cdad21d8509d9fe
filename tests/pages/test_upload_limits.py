"""Each uploader takes the largest file its reader accepts, and the server admits every one of them."""
import tomllib
from pathlib import Path

import pytest

from page_runner import open_page
from playground.io.checkpoint_format import MAX_FILE_BYTES
from playground.io.upload_limits import MAX_BYTES
from playground.lessons.deck import MAX_BYTES as MAX_DECK_BYTES

CONFIG = Path(__file__).resolve().parents[2] / ".streamlit" / "config.toml"
MB = 2**20


def server_limit_mb() -> int:
    """``server.maxUploadSize`` of the app's config (MB)."""
    return tomllib.loads(CONFIG.read_text())["server"]["maxUploadSize"]


def uploader_limit_mb(page: str) -> int:
    """The limit the page's file uploader tells the browser (MB)."""
    at = open_page(page)
    uploaders = at.get("file_uploader")
    assert len(uploaders) == 1
    return uploaders[0].proto.max_upload_size_mb


@pytest.mark.parametrize("page, largest", [("model_io", MAX_FILE_BYTES), ("data", MAX_BYTES),
                                           ("talk", MAX_DECK_BYTES)])
def test_each_uploader_takes_what_its_reader_accepts_and_the_server_admits_it(page, largest):
    limit = uploader_limit_mb(page)
    assert limit * MB >= largest            # a saved model (with its resume state) can be loaded back
    assert limit <= server_limit_mb()       # the server never refuses what the uploader allows
    assert (limit - 1) * MB < largest       # and no uploader takes a whole MB more than its reader


def test_the_server_limit_is_no_larger_than_the_largest_reader():
    assert server_limit_mb() * MB <= max(MAX_FILE_BYTES, MAX_BYTES, MAX_DECK_BYTES)
