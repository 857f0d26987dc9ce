"""Streamlit helpers — the only part of ecops that imports streamlit."""

__all__: list[str] = []
