"""LSTM Lab core: all logic, no Streamlit. TensorFlow is imported lazily inside functions."""

import os

# TensorFlow's C++ start-up chatter means nothing to our users; real errors still surface.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
