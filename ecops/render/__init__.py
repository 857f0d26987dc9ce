"""Renderer-side helpers of page views: words in one language (:mod:`~ecops.render.words`), the HTML
renderer (:mod:`~ecops.render.html`) and JSON (:mod:`~ecops.render.serialise`). The Streamlit
renderer is :mod:`ecops.ui.render` (the only place streamlit is imported)."""

__all__: list[str] = []
