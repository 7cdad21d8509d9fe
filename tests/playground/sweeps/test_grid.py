"""The sweep grid reads its steps and threshold as ASCII numbers only, like every number from a URL or a file."""
import pytest

from playground.errors import ConfigError
from playground.sweeps.grid import parse_steps, parse_threshold


@pytest.mark.parametrize("raw", ["٣٠٠", "3²", "１００", "1_000", "0x10"])
def test_steps_and_threshold_take_ascii_numbers_only(raw):
    with pytest.raises(ConfigError, match="steps must be a whole number"):
        parse_steps(raw)
    with pytest.raises(ConfigError, match="threshold must be a finite number"):
        parse_threshold(raw)


def test_steps_and_threshold_read_plain_numbers():
    assert parse_steps(" 300 ") == 300 and parse_steps(7) == 7
    assert parse_threshold("1e-3") == 0.001 and parse_threshold("") is None
