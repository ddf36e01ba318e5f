"""Streamlit building blocks shared by the pages (rendering only; logic lives in core)."""
