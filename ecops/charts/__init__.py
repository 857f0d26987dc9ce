"""Plotly figure builders: result dataclasses in, figures out. No streamlit here."""

__all__: list[str] = []
