"""The task registry: ``TASKS`` (name -> Task subclass, in display order) and ``make_task``.

    from playground.tasks import TASKS, make_task
    task = make_task(RunConfig(task="copy", seq_len=30, lag=10))
    batch = task.sample(32, torch.Generator().manual_seed(0))
"""
from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from playground.errors import ConfigError
from playground.tasks.arithmetic import AddingTask, CountingTask, ParityTask
from playground.tasks.base import TOPOLOGIES, Batch, Task
from playground.tasks.chartext import CharLMTask, CharTextTask
from playground.tasks.recall import CopyTask, ReverseTask
from playground.tasks.series import SeriesTask, TemperatureTask
from playground.tasks.textclass import SentimentTask, TextClassTask
from playground.tasks.waves import SineGenTask, SineTask

if TYPE_CHECKING:
    from playground.config import RunConfig

CUSTOM_TASK = "custom"   # the session's uploaded data (built on the Your data page, not in TASKS)

TASKS: dict[str, type[Task]] = {
    "adding": AddingTask,
    "copy": CopyTask,
    "parity": ParityTask,
    "counting": CountingTask,
    "sine": SineTask,
    "sinegen": SineGenTask,
    "temperature": TemperatureTask,
    "charlm": CharLMTask,
    "sentiment": SentimentTask,
    "reverse": ReverseTask,
}

def task_arguments(cls: type[Task], config: RunConfig) -> dict:
    """The RunConfig fields that the task's dataclass declares as constructor arguments."""
    settings = {f.name for f in fields(config)}
    return {f.name: getattr(config, f.name) for f in fields(cls) if f.init and f.name in settings}


def make_task(config: RunConfig) -> Task:
    """The task ``config.task``, built from the config; ConfigError for a bad combination."""
    if config.task == CUSTOM_TASK:      # built from the session's upload (playground.io.user_data), not here
        raise ConfigError("no uploaded data in this session — upload it on the Your data page")
    cls = TASKS.get(config.task)
    if cls is None:
        raise ConfigError(f"unknown task '{config.task}'; choose one of {', '.join(TASKS)}")
    return cls(**task_arguments(cls, config))


__all__ = ["CUSTOM_TASK", "TASKS", "TOPOLOGIES", "Batch", "Task", "make_task", "task_arguments", "AddingTask", "CopyTask",
           "ParityTask", "CountingTask", "SineTask", "SineGenTask", "SeriesTask", "TemperatureTask",
           "CharTextTask", "CharLMTask", "TextClassTask", "SentimentTask", "ReverseTask"]
