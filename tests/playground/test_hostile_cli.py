"""The command line with hostile arguments (issue class 6): every argument is checked before any
work starts, and a bad one exits with status 2 and one line on stderr, in well under 2 s.

Training is never started in these cases: ``Trainer`` is replaced by a stub that fails the test.
"""
import os
import time

import pytest

from playground import cli

MAX_SECONDS = 2.0


@pytest.fixture(autouse=True)
def no_training(monkeypatch):
    """Any attempt to build a Trainer (or run the benchmark) fails the test: checks come first."""
    import playground.bench
    import playground.engine.trainer

    def refuse(*args, **kwargs):
        raise AssertionError("work started before the arguments were checked")

    monkeypatch.setattr(playground.engine.trainer, "Trainer", refuse)
    monkeypatch.setattr(playground.bench, "run_bench", refuse)


def run(capsys, *args):
    """(exit status, stderr lines, seconds) of the CLI called in this process."""
    began = time.perf_counter()
    status = cli.main([str(a) for a in args])
    seconds = time.perf_counter() - began
    return status, capsys.readouterr().err.strip().splitlines(), seconds


def check(capsys, fragment, *args):
    """The CLI exits 2 with one line containing ``fragment``, quickly, without a traceback."""
    status, lines, seconds = run(capsys, *args)
    assert status == 2 and len(lines) == 1 and fragment in lines[0], lines
    assert "Traceback" not in lines[0] and len(lines[0]) < 300 and seconds < MAX_SECONDS, (lines, seconds)


@pytest.mark.parametrize("value", ["inf", "-inf", "nan", "-1", "0", "1e9", "abc", "", "1" * 5000])
def test_bench_seconds_must_be_finite_and_bounded(capsys, value):
    check(capsys, "--seconds must be a number above 0 and at most 60", "bench", f"--seconds={value}")


def test_out_pointing_at_an_existing_file_fails_before_training(capsys, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("keep me")
    check(capsys, "is an existing file; give a folder", "train", "--steps", "1000000", "--out", target)
    assert target.read_text() == "keep me"


def test_out_inside_a_file(capsys, tmp_path):
    (tmp_path / "file").write_text("x")
    check(capsys, "which is a file, not a folder", "train", "--out", tmp_path / "file" / "run")


def test_out_holding_a_folder_where_a_run_file_goes(capsys, tmp_path):
    (tmp_path / "run" / "weights.pt").mkdir(parents=True)        # not empty: replaced whole with --force only
    check(capsys, "is not empty; give --force", "train", "--out", tmp_path / "run")


def test_out_with_a_name_too_long_for_the_file_system(capsys):
    check(capsys, "cannot be used: File name too long", "train", "--out", "a" * 5000)


def test_data_with_a_name_too_long_for_the_file_system(capsys):
    check(capsys, "cannot read", "train", "--data", "a" * 5000)


def test_out_empty(capsys):
    check(capsys, "--out must name a folder", "train", "--out", "")


@pytest.mark.parametrize("path", ["/dev/zero", "/dev/urandom", "/dev/null"])
def test_data_on_a_device_is_refused_without_reading(capsys, path):
    if not os.path.exists(path):
        pytest.skip(f"{path} is absent here")
    check(capsys, "is not a regular file (a folder, device or pipe)", "train", "--data", path)


def test_data_on_a_pipe_does_not_block(capsys, tmp_path):
    fifo = tmp_path / "endless.csv"
    os.mkfifo(fifo)
    check(capsys, "is not a regular file", "train", "--data", fifo)


def test_data_on_a_folder(capsys, tmp_path):
    check(capsys, "is not a regular file", "train", "--data", tmp_path)


def test_data_on_a_huge_file_is_refused_by_its_size(capsys, tmp_path):
    huge = tmp_path / "huge.csv"
    with open(huge, "wb") as handle:
        handle.truncate(2**30)                       # sparse: a gigabyte that costs no disk
    check(capsys, "is 1024.0 MB; the limit is 10 MB", "train", "--data", huge)


def test_data_missing(capsys, tmp_path):
    check(capsys, "cannot read", "train", "--data", tmp_path / "absent.csv")


@pytest.mark.parametrize("task", ["custom", "CUSTOM", " custom "])
def test_custom_task_without_data(capsys, task):
    check(capsys, "--task custom needs --data", "train", "--task", task)


@pytest.mark.parametrize("steps, fragment", [("9" * 5000, "--steps must be a whole number"),
                                             ("9" * 4000, "--steps must be between 1 and 1000000"),
                                             ("1e3", "--steps must be a whole number"), ("0", "between 1")])
def test_steps_are_checked_and_echoed_short(capsys, steps, fragment):
    check(capsys, fragment, "train", "--steps", steps)


@pytest.mark.parametrize("content, fragment", [
    (",".join(f"c{k}" for k in range(10_000)) + "\n1\n", "longer than 10,000 characters, the limit"),
    ("t,v\n" + "".join(f"{k},{'1e39' if k == 5 else k % 7}\n" for k in range(100)), "beyond float32"),
    ("t,v\n" + "".join(f"{k},{k % 7},{k}\n" for k in range(100)), "ragged"),
], ids=["10k-column-header", "beyond-float32", "ragged"])
def test_hostile_data_files_fail_before_training(capsys, tmp_path, content, fragment):
    path = tmp_path / "data.csv"
    path.write_text(content)
    check(capsys, fragment, "train", "--data", path)
