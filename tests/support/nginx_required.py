"""Tests that start a real nginx: its binary, or a skip where it is not installed (a failure under CI)."""
import os

import pytest

from deploy.room import nginx_binary


def require_nginx() -> str:
    """The nginx binary's path; skips the calling test or fixture without one, and fails under CI."""
    try:
        return nginx_binary()
    except RuntimeError as err:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(err))
