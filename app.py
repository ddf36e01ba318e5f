"""LSTM Lab entry point: page config and navigation, nothing else."""

import streamlit as st

st.set_page_config(page_title="LSTM Lab", page_icon="🧪", layout="wide")

navigation = st.navigation(
    [
        st.Page("pages/home.py", title="Home", icon=":material/home:", default=True),
        st.Page("pages/sentiment.py", title="Review sentiment", icon=":material/reviews:"),
        st.Page("pages/forecast.py", title="Stock forecast", icon=":material/show_chart:"),
    ]
)
navigation.run()
