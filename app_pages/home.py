"""Home: what the lab is, one card per tool."""

import streamlit as st

st.title("LSTM Lab")
st.markdown(
    "See what a **Long Short-Term Memory** network does with your own data. "
    "One tool reads a movie review word by word and gives one score at the end (*many-to-one*); "
    "the other reads a window of stock prices day by day and predicts the next day at every step "
    "(*many-to-many*)."
)

left, right = st.columns(2, gap="large")
with left, st.container(border=True):
    st.subheader("Review sentiment")
    st.markdown(
        "Type one review or many and get a positive/negative score at once, from an LSTM trained "
        "on 25,000 real IMDB reviews. See which words pushed the score up or down."
    )
    st.page_link("pages/sentiment.py", label="Open review sentiment", icon=":material/reviews:")
with right, st.container(border=True):
    st.subheader("Stock forecast")
    st.markdown(
        "Upload a stock-price CSV (or use a bundled sample), pick how many past days the model "
        "looks at, train an LSTM in your browser session and compare it with the honest "
        "“tomorrow = today” baseline."
    )
    st.page_link("app_pages/forecast.py", label="Open stock forecast", icon=":material/show_chart:")
