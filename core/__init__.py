"""LSTM Lab core: all logic, no Streamlit. TensorFlow is imported lazily inside functions."""
