"""Typed errors the core raises and the UI turns into plain messages."""


class PlaygroundError(Exception):
    """Base class: every error the app shows to a user as a one-line message."""


class ConfigError(PlaygroundError, ValueError):
    """A setting is unknown, out of range or not a number."""


class DataError(PlaygroundError, ValueError):
    """A data file or upload is missing, malformed or unusable."""


class DivergenceError(PlaygroundError, ArithmeticError):
    """The loss or a gradient became NaN/Inf; the last finite weights are kept."""


class AdmissionError(PlaygroundError):
    """A run is too costly for this server, or the server is full; the message names what to lower."""


class TrainerLostError(PlaygroundError):
    """The worker process training a run stopped; the session keeps its last published state."""
