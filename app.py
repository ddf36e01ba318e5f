"""LSTM Lab entry point: page config and navigation, nothing else.

The page scripts live in ``app_pages/``, not ``pages/``: Streamlit still treats a ``pages/`` folder
beside the entry script as a legacy multipage app, so a bookmarked URL such as ``/forecast`` opened
on a fresh server would run the page without this file (no navigation, no page config).
"""

import os

# Imported here, before any page runs: Plotly looks pandas up in sys.modules without waiting for
# an import in progress, so sessions opening at the same moment on a cold server could otherwise
# see a half-imported pandas ("partially initialized module 'pandas'").
import pandas  # noqa: F401
import plotly.graph_objects  # noqa: F401
import streamlit as st

from ui import style

# One server serves many sessions: each TensorFlow op on one thread keeps concurrent trainings from
# crowding out the threads that answer page loads (read by TensorFlow when it first starts).
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "1")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")
# and batch scoring of reviews on one thread too, for the same reason (read by core.sentiment)
os.environ.setdefault("LSTM_LAB_SCORING_THREADS", "1")

st.set_page_config(page_title="LSTM Lab", page_icon="🧪", layout="wide")
style.contrast_fixes()

navigation = st.navigation(
    [
        st.Page("app_pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("app_pages/sentiment.py", title="Review sentiment", icon=":material/reviews:"),
        st.Page("app_pages/forecast.py", title="Stock forecast", icon=":material/show_chart:"),
    ]
)
navigation.run()
