"""Home: what the lab is, one card per tool, each with its unrolled-network picture."""

import streamlit as st

from core import diagrams

st.title("LSTM Lab")
st.markdown(
    "An LSTM (Long Short-Term Memory network) reads a sequence one step at a time and keeps a "
    "small memory of what it has seen. Try the two classic shapes with real data: one that reads a "
    "whole review and gives **one** score, and one that reads days of prices and predicts at "
    "**every** step."
)

left, right = st.columns(2, gap="large")
with left, st.container(border=True):
    st.subheader("Review sentiment")
    st.markdown("**Many-to-one:** words go in one per step; one score comes out at the end.")
    st.plotly_chart(
        diagrams.many_to_one_example(), key="home_many_to_one", config={"displayModeBar": False}
    )
    st.markdown(
        "Type one review or many and get a positive/negative score at once, from an LSTM trained "
        "on real movie reviews and rated phrases. Watch its memory word by word, and see the same "
        "words in another order (“a mess, but glorious”) get the opposite verdict."
    )
    st.page_link("app_pages/sentiment.py", label="Open review sentiment", icon=":material/reviews:")
with right, st.container(border=True):
    st.subheader("Stock forecast")
    st.markdown("**Many-to-many:** a window of days goes in; a prediction comes out at every step.")
    st.plotly_chart(
        diagrams.many_to_many_example(), key="home_many_to_many", config={"displayModeBar": False}
    )
    st.markdown(
        "Upload stock prices as a CSV or Excel file, paste rows from a spreadsheet, or use a "
        "bundled sample; pick how many past days the model "
        "reads, train an LSTM in your browser session and compare it with the honest "
        "“tomorrow = today” baseline."
    )
    st.page_link("app_pages/forecast.py", label="Open stock forecast", icon=":material/show_chart:")

st.caption("Hover over a step in either picture to see what it holds.")
