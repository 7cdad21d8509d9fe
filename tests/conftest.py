"""Suite-wide test settings.

The app's `.streamlit/config.toml` hides error details from users
(``client.showErrorDetails = "none"``); AppTest reads the same file, so without this
a failing page test would only say "This app has encountered an error".
"""
import pytest
from streamlit import config as st_config


@pytest.fixture(autouse=True, scope="session")
def show_error_details_in_apptest():
    """Let AppTest report the real exception message and traceback."""
    st_config.set_option("client.showErrorDetails", "full")
    yield
