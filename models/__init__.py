"""Recurrent cells written from their equations, the architecture table, and the sequence network."""
from models.architectures import ARCH_NAMES, ARCHITECTURES, Architecture, architecture
from models.gru_cell import GRUCell, gru_step
from models.lstm_cell import LSTMCell, lstm_step
from models.rnn_cell import RNNCell, rnn_step

__all__ = ["ARCHITECTURES", "ARCH_NAMES", "Architecture", "architecture", "RNNCell", "GRUCell", "LSTMCell",
           "rnn_step", "gru_step", "lstm_step"]
