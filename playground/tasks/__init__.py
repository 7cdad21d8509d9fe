"""The task registry: ``TASKS`` (name -> Task subclass, in display order), ``make_task`` and ``task_of``.

    from playground.tasks import TASKS, make_task
    task = make_task(RunConfig(task="copy", seq_len=30, lag=10))
    batch = task.sample(32, torch.Generator().manual_seed(0))

A run's task is built once where the run starts (``task_of``) and handed to whoever needs it: the
page's handle hands it to the backend, a worker process (which cannot share it) builds its own
once, and ``check_task`` validates a config's task settings without building any data.
"""
from __future__ import annotations

from dataclasses import fields
from typing import TYPE_CHECKING

from models.networks import network_shape
from playground.errors import ConfigError
from playground.tasks.arithmetic import AddingTask, CountingTask, ParityTask
from playground.tasks.base import TOPOLOGIES, Batch, Task
from playground.tasks.chartext import CharLMTask, CharTextTask
from playground.tasks.lookahead import LookaheadTask
from playground.tasks.recall import CopyTask, ReverseTask, SortTask
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
    "sort": SortTask,
    "lookahead": LookaheadTask,
}

def task_arguments(cls: type[Task], config: RunConfig) -> dict:
    """The RunConfig fields that the task's dataclass declares as constructor arguments."""
    settings = {f.name for f in fields(config)}
    return {f.name: getattr(config, f.name) for f in fields(cls) if f.init and f.name in settings}


def task_class(config: RunConfig) -> type[Task]:
    """The built-in task class ``config.task`` names; ConfigError for the upload or an unknown name."""
    if config.task == CUSTOM_TASK:      # built from the session's upload (playground.io.user_data), not here
        raise ConfigError("no uploaded data in this session — upload it on the Your data page")
    cls = TASKS.get(config.task)
    if cls is None:
        raise ConfigError(f"unknown task '{config.task}'; choose one of {', '.join(TASKS)}")
    return cls


def check_task(config: RunConfig) -> None:
    """Raise ConfigError when ``config``'s task settings cannot make its task, without building its data."""
    cls = task_class(config)
    cls.check(task_arguments(cls, config))


def check_network(config: RunConfig, task_class: type[Task] | None = None) -> None:
    """ConfigError when the network shape (``models.networks``) cannot train the architecture on the task:
    a built-in task's class, or ``task_class`` (an upload's, known once its task is built, where the run starts)."""
    task_class = task_class or TASKS.get(config.task)
    reason = network_shape(config.network).problem(config.arch, task_class) if task_class is not None else ""
    if reason:
        raise ConfigError(reason)


def make_task(config: RunConfig) -> Task:
    """The task ``config.task``, built from the config; ConfigError for a bad combination."""
    cls = task_class(config)
    return cls(**task_arguments(cls, config))


def task_of(config: RunConfig, task: Task | None = None) -> Task:
    """The task a run of ``config`` trains on: ``task`` when one is handed down (built already, or the
    session's upload), else built here. Where a run starts, this is called once and its answer passed on."""
    return task if task is not None else make_task(config)


__all__ = ["CUSTOM_TASK", "TASKS", "TOPOLOGIES", "Batch", "Task", "make_task", "task_of", "check_task", "check_network", "task_class",
           "task_arguments", "AddingTask", "CopyTask",
           "ParityTask", "CountingTask", "SineTask", "SineGenTask", "SeriesTask", "TemperatureTask",
           "CharTextTask", "CharLMTask", "TextClassTask", "SentimentTask", "ReverseTask", "SortTask", "LookaheadTask"]
