"""ecops — e-commerce refined operations: analyses behind the dashboard.

A library first: every analysis here can be called from a notebook, a test or the
command line. Only ``ecops.ui`` imports streamlit.
"""

__all__ = ["__version__"]

__version__ = "0.1.0"
