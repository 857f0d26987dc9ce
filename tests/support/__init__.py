"""Test harness for the real-server suites: a throwaway PostgreSQL cluster and a headless Chromium
driving ``streamlit run``.

Both need system packages (Debian: ``postgresql``, ``chromium``, ``fonts-noto-cjk``) that ``.ci/run``
installs. When one is missing, tests that need it are skipped on a developer machine and fail loudly
in CI (env ``CI`` set), so a broken CI image can never pass by skipping everything.
"""

from __future__ import annotations

import os
import socket

import pytest

__all__ = ["free_port", "in_ci", "missing_dependency"]


def in_ci() -> bool:
    """True when running under CI (env ``CI`` set to anything but an explicit false)."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def missing_dependency(what: str, install_hint: str) -> None:
    """Skip the current test on a developer machine, fail in CI.

    Always raises: ``pytest.skip.Exception`` locally, ``RuntimeError`` in CI.
    """
    message = f"{what} is not available; install it with `{install_hint}` (CI installs it in .ci/run)"
    if in_ci():
        raise RuntimeError(message)
    pytest.skip(message)


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago.

    Another process may grab it before we bind it ourselves, so starters retry on a bind failure.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
