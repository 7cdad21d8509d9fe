"""Real time series: next-step forecasting on windows of one long series, split in time.

``SeriesTask`` is the generic machinery (any (N,) or (N, C) array, e.g. a user's CSV);
``TemperatureTask`` is a thin instance of it on Seattle's hourly temperature, 2010.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import torch

from playground.errors import DataError
from playground.tasks.base import Batch
from playground.tasks.forecast import ForecastTask

TRAIN_FRACTION = 0.8   # the first 80% of the series trains, the last 20% validates


def clean_values(values) -> np.ndarray:
    """(N,) or (N, C) numbers -> float32 (N, C) with NaN/Inf filled in time.

    Gaps are filled by linear interpolation between the neighbouring valid points; gaps at
    either end take the nearest valid value. A column with no finite value is a DataError.
    """
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise DataError("the series must hold numbers only") from None
    if arr.ndim == 1:
        arr = arr[:, None]
    if arr.ndim != 2 or arr.shape[0] == 0 or arr.shape[1] == 0:
        raise DataError(f"the series must be a 1-D or 2-D array of numbers (got shape {arr.shape})")
    arr = arr.copy()
    index = np.arange(arr.shape[0])
    for c in range(arr.shape[1]):
        good = np.isfinite(arr[:, c])
        if not good.any():
            raise DataError(f"column {c} of the series has no numeric values (all missing or NaN)")
        if not good.all():
            arr[:, c] = np.interp(index, index[good], arr[good, c])
    return arr.astype(np.float32)


@dataclass
class SeriesTask(ForecastTask):
    """Next-step forecasting on one long (possibly multichannel) series, split in time.

    Encoding, seq_len T=3, a window of T+1 consecutive points v_s..v_{s+3} (normalised)::

        x = v_s    v_s+1  v_s+2     (B, T, C)
        y = v_s+1  v_s+2  v_s+3     (B, T, C)   the next value of every channel

    Split in time: the first 80% of the points train, the last 20% validate; window starts are
    drawn uniformly inside a split, so no validation point is ever trained on. Values are
    z-scored with the TRAIN part's mean and std per channel, and the MSE is in those units.
    NaN/Inf are filled by linear interpolation in time (see ``clean_values``).
    Topology: many-to-many (synchronised); MSE at every step.
    Baseline: persistence (predict the last value), over every step of the validation split.
    """

    values: np.ndarray | None = field(default=None, repr=False, compare=False)
    name = "series"
    title = "Forecast a series"

    explain = ("Forecast the next point of a real series from the window before it. The MSE is in "
               "standard deviations squared; persistence is a strong baseline for smooth data.")
    defaults = {"seq_len": 48}

    @classmethod
    def from_array(cls, values: np.ndarray, name: str = "series", title: str = "Uploaded series",
                   seq_len: int = 50) -> "SeriesTask":
        """A forecasting task on a user's (N,) or (N, C) array (DataError when unusable)."""
        task = cls(seq_len=seq_len, values=values)
        task.name, task.title = name, title
        return task

    def __post_init__(self) -> None:
        if self.values is None:
            self.values = self.load()
        data = clean_values(self.values)                                # (N, C)
        n, n_train = len(data), int(len(data) * TRAIN_FRACTION)
        need = self.seq_len + 1
        if n_train < need or n - n_train < need:
            raise DataError(f"series too short: {n} points give {n_train} for training and {n - n_train} for "
                            f"validation, but seq_len={self.seq_len} needs at least {need} in each; "
                            "lower seq_len or use a longer series")
        mean, std = data[:n_train].mean(0), data[:n_train].std(0)
        std = np.where(std > 0, std, 1.0)                                # a constant channel stays 0
        self.mean, self.std = mean, std
        self.data = torch.from_numpy((data - mean) / std)                # (N, C), z-scores
        self.bounds = {"train": (0, n_train), "val": (n_train, n)}
        self.input_size = self.output_size = data.shape[1]
        self._offsets = torch.arange(self.seq_len + 1)

    def load(self) -> np.ndarray:
        """The built-in series; the generic class has none (use ``from_array``)."""
        raise DataError("no series given: build the task with SeriesTask.from_array(values)")

    def split_bounds(self, split: str) -> tuple[int, int]:
        """[start, stop) indices of the points of ``split`` in the series."""
        return self.bounds["val" if split == "val" else "train"]

    def sample(self, batch_size: int, generator: torch.Generator, split: str = "train") -> Batch:
        """Windows of T+1 points at uniform random starts inside the split."""
        lo, hi = self.split_bounds(split)
        starts = torch.randint(lo, hi - self.seq_len, (batch_size, 1), generator=generator)
        return self.next_step(self.data[starts + self._offsets])        # window (B, T+1, C)

    def compute_baseline(self) -> float:
        """Persistence MSE over every consecutive pair of the validation split."""
        lo, hi = self.split_bounds("val")
        val = self.data[lo:hi]
        return torch.mean((val[1:] - val[:-1]) ** 2).item()

    def baseline_name(self) -> str:
        """The naive forecast, measured on the validation split."""
        return "persistence: predict the last value (validation split)"


@lru_cache(maxsize=1)
def seattle_temperature() -> np.ndarray:
    """Seattle hourly temperature (°F) in 2010, 8,759 points, from vega_datasets (NOAA, public domain)."""
    from vega_datasets import data

    return data.seattle_temps()["temp"].to_numpy(dtype=np.float32)


@dataclass
class TemperatureTask(SeriesTask):
    """Seattle hourly temperature, 2010 (NOAA, public domain; shipped in vega_datasets).

    8,759 hourly points; the first 80% (January to mid-October) train, the rest validate.
    Example, seq_len T=3, the first hours of 2010: 39.4 39.2 39.0 38.9 °F, z-scored with the
    training mean 54.0 °F and std 9.6 °F: x = -1.53 -1.55 -1.57, y = -1.55 -1.57 -1.58.
    Everything else as SeriesTask: many-to-many (synchronised), MSE in z-score units,
    baseline persistence on the validation split.
    """

    name = "temperature"
    title = "Seattle hourly temperature 2010 (NOAA)"

    explain = ("Forecast the next hour's temperature in Seattle (real NOAA data, 2010), validated on "
               "the last 20% of the year. Persistence is hard to beat: look for the daily cycle.")
    defaults = {"seq_len": 48}

    def load(self) -> np.ndarray:
        """The hourly temperatures."""
        return seattle_temperature()
