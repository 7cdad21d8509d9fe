"""Command-line interface: list tasks, train a model, sweep a grid of runs on Ray, run the benchmark.

Errors (an unknown task, a sequence length of 0, a non-finite learning rate, a
diverging run) exit with status 2 and one line on stderr, never a traceback. Every
argument is checked before any work starts: ``--out`` must be a folder that can be
written, empty or new unless ``--force`` (the run is written beside it and renamed into place,
so it is never half written), ``--data`` a regular file within the upload limit (never a device, pipe or an
endless file), ``bench --seconds`` a finite positive number, ``--task custom`` needs ``--data``;
``sweep`` checks its whole grid (every value of every comma-separated list) before it starts Ray,
and with ``--out`` appends one CSV row per trial as it ends (flushed), so Ctrl-C keeps the finished ones.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import stat
import sys
import time
from pathlib import Path

from playground.config import CUSTOM_TASK, FIELDS, RunConfig, clipped, from_mapping
from playground.errors import DataError, PlaygroundError

MAX_STEPS = 1_000_000
MAX_BENCH_SECONDS = 60.0        # per configuration; the table has six


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a usage error as one line and exit status 2."""

    def error(self, message):
        self.exit(2, f"error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    """The parser with subcommands tasks / train / sweep / bench."""
    parser = OneLineParser(prog="python -m playground", description="RNN Playground from the shell")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)
    sub.add_parser("tasks", help="list the tasks with their topology and defaults")
    train = sub.add_parser("train", help="train a model and print a one-line JSON summary")
    for name, spec in FIELDS.items():
        flag = "--" + name.replace("_", "-")
        train.add_argument(flag, dest=name, default=None, help=spec.help)
    train.add_argument("--steps", default="1000", help="training steps")
    train.add_argument("--data", default=None,
                       help="your own data: a .csv time series (numeric columns) or a .txt text for a "
                            "character model; replaces --task")
    train.add_argument("--out", default=None, help="folder for config, history, weights, probe (new or empty)")
    train.add_argument("--force", action="store_true", help="replace what --out holds")
    train.add_argument("--quiet", action="store_true", help="no progress bar")
    sweep = sub.add_parser("sweep", help="train every combination of comma-separated settings on Ray; "
                                         "one JSON line per trial as it ends")
    for name, spec in FIELDS.items():
        sweep.add_argument("--" + name.replace("_", "-"), dest=name, default=None,
                           help=f"{spec.help}: one value or several, comma-separated")
    sweep.add_argument("--steps", default="300", help="training steps per trial")
    sweep.add_argument("--val-every", default="50", help="steps between checks of the solved threshold")
    sweep.add_argument("--threshold", default=None,
                       help="validation metric that counts as solved (default: 90%% of the way from the "
                            "task's baseline to perfect)")
    sweep.add_argument("--address", default=None,
                       help="Ray cluster address (default: $RNN_PLAYGROUND_RAY_ADDRESS, else a local Ray "
                            "on this machine's usable CPUs)")
    sweep.add_argument("--out", default=None, help="also write every trial to this CSV file, one row as each ends")
    bench = sub.add_parser("bench", help="trainer and probe speed against a bare PyTorch loop")
    bench.add_argument("--seconds", default="6",
                       help="seconds of alternating steps per configuration (both loops together)")
    return parser


def cmd_tasks() -> int:
    """Print one line per task: name, topology, metric, defaults."""
    from playground.tasks import TASKS

    for name, cls in TASKS.items():
        task = cls()
        defaults = getattr(cls, "defaults", {}) or {}
        extra = " ".join(f"{k}={v}" for k, v in defaults.items())
        print(f"{name:12s} {task.topology:32s} {task.metric_name:10s} {task.title}"
              + (f"  [{extra}]" if extra else ""))
    return 0


def parse_steps(raw: str) -> int:
    """Steps: a positive integer up to MAX_STEPS."""
    try:
        steps = int(raw)
    except ValueError:
        raise PlaygroundError(f"--steps must be a whole number between 1 and {MAX_STEPS} (got '{clipped(raw)}')") from None
    if not 1 <= steps <= MAX_STEPS:
        raise PlaygroundError(f"--steps must be between 1 and {MAX_STEPS} (got {clipped(steps)})")
    return steps


def parse_seconds(raw: str) -> float:
    """bench --seconds: a finite number above 0, at most MAX_BENCH_SECONDS."""
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_BENCH_SECONDS):
        raise PlaygroundError(f"--seconds must be a number above 0 and at most {MAX_BENCH_SECONDS:g} "
                              f"(got '{clipped(raw)}')")
    return seconds


def check_out(raw: str, force: bool = False) -> Path:
    """--out: a folder (new, empty, or any with ``force``) that can be written; checked before training."""
    if not raw.strip():
        raise PlaygroundError("--out must name a folder (got an empty path)")
    try:
        return _checked_out(raw, force)
    except (OSError, ValueError) as err:
        reason = getattr(err, "strerror", None) or type(err).__name__
        raise PlaygroundError(f"--out {clipped(raw, 80)} cannot be used: {reason}") from None


def _checked_out(raw: str, force: bool) -> Path:
    """The checks of ``check_out`` (which turns an OSError from the file system into one line)."""
    from playground.io.run_files import holds_files

    out = Path(os.path.abspath(raw))
    if out.exists() and not out.is_dir():
        raise PlaygroundError(f"--out {clipped(raw, 80)} is an existing file; give a folder (it will hold "
                              "config.json, history.csv, weights.pt, probe.npz)")
    if holds_files(out) and not force:
        raise PlaygroundError(f"--out {clipped(raw, 80)} is not empty; give --force to replace what it holds")
    parent = out.parent if out.exists() else out
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise PlaygroundError(f"--out {clipped(raw, 80)} is inside {clipped(str(parent), 80)}, which is a file, "
                              "not a folder")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise PlaygroundError(f"--out {clipped(raw, 80)}: the folder {clipped(str(parent), 80)} cannot be written")
    return out


def check_data(raw: str) -> Path:
    """--data: a regular file of at most the upload limit (never a device, a pipe or a folder)."""
    from playground.io.upload_limits import MAX_BYTES

    path = Path(raw)
    try:
        info = os.stat(path)
    except OSError as err:
        raise DataError(f"cannot read {clipped(raw, 80)}: {err.strerror or err}") from None
    if not stat.S_ISREG(info.st_mode):
        raise DataError(f"--data {clipped(raw, 80)} is not a regular file (a folder, device or pipe); give a "
                        ".csv or .txt file")
    if info.st_size > MAX_BYTES:
        raise DataError(f"--data {clipped(raw, 80)} is {info.st_size / 2**20:.1f} MB; the limit is "
                        f"{MAX_BYTES // 2**20} MB")
    return path


def cmd_train(args) -> int:
    """Check every flag, train, print the JSON summary; write the run to --out if given."""
    given = {name: getattr(args, name) for name in FIELDS if getattr(args, name) is not None}
    if args.data is not None:
        given["task"] = CUSTOM_TASK
    config = from_mapping(given, RunConfig())
    if config.task == CUSTOM_TASK and args.data is None:
        raise PlaygroundError("--task custom needs --data (a .csv time series or a .txt text)")
    steps = parse_steps(args.steps)
    out = check_out(args.out, args.force) if args.out is not None else None
    data = check_data(args.data) if args.data is not None else None

    import torch
    from tqdm import tqdm

    from playground.io.run_files import write_run
    from playground.engine.trainer import Trainer

    torch.set_num_threads(1)
    task = load_data_task(data, config.seq_len) if data is not None else None
    trainer = Trainer(config, task)
    start = time.perf_counter()
    with tqdm(total=steps, disable=args.quiet, file=sys.stderr, mininterval=0.5) as bar:
        def report(row):
            bar.update(1)
            if row["step"] % 50 == 0:
                bar.set_postfix(loss=f"{row['loss']:.4f}")
        trainer.train(steps, report)
    summary = trainer.summary()
    summary["seconds"] = round(time.perf_counter() - start, 2)
    if out is not None:
        try:
            write_run(out, trainer, replace=args.force)
        except OSError as err:
            raise PlaygroundError(f"cannot write the run to {clipped(str(out), 80)}: "
                                  f"{err.strerror or type(err).__name__}") from None
    print(json.dumps(summary))
    return 0


def cmd_sweep(args) -> int:
    """Check the grid, run it on Ray, print one JSON line per trial; a summary line on stderr."""
    from playground.sweeps.grid import spec_from_strings

    spec = spec_from_strings({name: getattr(args, name) for name in FIELDS}, args.steps, args.val_every,
                             args.threshold)
    out = Path(args.out) if args.out is not None else None
    if out is not None and (out.is_dir() or not os.access(out.parent if str(out.parent) else Path("."), os.W_OK)):
        raise PlaygroundError(f"--out {clipped(args.out, 80)} must be a CSV file in a folder that can be written")

    from playground.backends.ray_cluster import cluster_cpus, connect
    from playground.sweeps.runner import start_sweep

    connect(args.address)                     # an unreachable address is one line and status 2, here
    print(f"sweep: {spec.size()} trials of {spec.steps} steps on {cluster_cpus()} Ray CPUs", file=sys.stderr)
    with open(out, "w", newline="") if out is not None else contextlib.nullcontext() as table:
        run = start_sweep(spec, args.address, cpu_share=1.0)      # the whole cluster: no live runs share it
        shown = 0
        try:
            while not run.join(0.5) or shown < len(run.progress().results):
                results = run.progress().results
                for result in results[shown:]:
                    print(json.dumps(result.row()), flush=True)
                    if table is not None:
                        write_trial_row(table, result, header=shown == 0)
                    shown += 1
        except KeyboardInterrupt:
            run.cancel()
            run.join()
            raise
    progress = run.progress()
    minutes = progress.elapsed / 60
    print(f"sweep: {progress.done} trials in {progress.elapsed:.1f} s "
          f"({progress.done / minutes if minutes else 0:.1f} per minute), {progress.failed} failed", file=sys.stderr)
    return 0 if progress.failed == 0 and progress.cancelled == 0 else 1


def write_trial_row(table, result, header: bool) -> None:
    """Append one finished trial to the sweep's CSV (the header before the first) and flush it to disk."""
    from playground.sweeps.results import results_frame

    results_frame([result]).to_csv(table, header=header, index=False)
    table.flush()
    os.fsync(table.fileno())


def load_data_task(path: Path, seq_len: int):
    """A task from a user's file: .txt -> character model, anything else -> CSV time series."""
    from playground.io import user_data
    from playground.io.upload_limits import MAX_BYTES, MAX_SERIES_COLUMNS

    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_BYTES + 1)    # bounded even if the file grows meanwhile
    except OSError as err:
        raise DataError(f"cannot read {clipped(str(path), 80)}: {err.strerror or err}") from None
    title = user_data.safe_name(path.name)
    if path.suffix.lower() == ".txt":
        text, _ = user_data.corpus_text(data)
        return user_data.text_task(text, title, seq_len)
    frame = user_data.read_table(data)
    columns = user_data.numeric_columns(frame)
    if not columns:
        raise DataError(f"{path.name} has no numeric column to forecast")
    values, _ = user_data.series_values(frame, columns[:MAX_SERIES_COLUMNS])
    return user_data.series_task(values, title, seq_len)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        if args.command == "tasks":
            return cmd_tasks()
        if args.command == "train":
            return cmd_train(args)
        if args.command == "sweep":
            return cmd_sweep(args)
        from playground.bench import run_bench
        return run_bench(parse_seconds(args.seconds))
    except PlaygroundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except OSError as err:               # the file system refused something the checks could not foresee
        print(f"error: {err.strerror or type(err).__name__}"
              + (f": {clipped(str(err.filename), 80)}" if err.filename else ""), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("error: interrupted", file=sys.stderr)
        return 130
