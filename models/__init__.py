"""Recurrent cells written from their equations, and the sequence network built on them."""
from models.gru_cell import GRUCell, gru_step
from models.lstm_cell import LSTMCell, lstm_step
from models.rnn_cell import RNNCell, rnn_step

CELLS = {"rnn": RNNCell, "gru": GRUCell, "lstm": LSTMCell}

# Gates a UI shows per architecture (the hidden state "h" is shown on its own).
GATES = {"rnn": ("pre",), "gru": ("r", "z", "n"), "lstm": ("i", "f", "g", "o", "c")}

__all__ = ["CELLS", "GATES", "RNNCell", "GRUCell", "LSTMCell", "rnn_step", "gru_step", "lstm_step"]
