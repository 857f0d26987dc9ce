"""``streamlit run`` as a real server, driven by Debian's headless Chromium through Playwright.

Playwright's own browser download is not used (CI has no network for it): ``launch_chromium`` points
Playwright at the system ``chromium`` binary. Screenshots go to ``tests/artifacts/screenshots/``
(gitignored), so a CI run leaves pictures of every page behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import warnings
import weakref
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from . import free_port, missing_dependency

__all__ = [
    "CHROMIUM_ARGS",
    "REPO_ROOT",
    "SCREENSHOT_DIR",
    "StreamlitServer",
    "assert_no_exception",
    "expect_script_run",
    "find_chromium",
    "launch_chromium",
    "screenshot",
    "start_streamlit",
    "track_script_runs",
    "upload_input",
    "upload_on_data_page",
    "wait_for_streamlit",
    "wait_for_uploaded_chip",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT_DIR = REPO_ROOT / "tests" / "artifacts" / "screenshots"

CHROMIUM_ARGS = (
    "--no-sandbox",  # CI runs as root, where Chromium's sandbox cannot start
    "--disable-gpu",
    "--disable-dev-shm-usage",  # containers often have a 64 MB /dev/shm, too small for a renderer
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)

_HEALTH_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class StreamlitServer:
    """A running ``streamlit run``; ``url`` is its root page (no trailing slash)."""

    url: str
    port: int
    pid: int
    log_path: Path

    def log_tail(self, lines: int = 60) -> str:
        """Last lines of the server's stdout + stderr, for failure messages."""
        return _tail(self.log_path, lines)


@contextlib.contextmanager
def start_streamlit(
    app_path: str | os.PathLike,
    port: int | None = None,
    env: Mapping[str, str] | None = None,
    args: Sequence[str] = (),
) -> Iterator[StreamlitServer]:
    """Run ``python -m streamlit run app_path`` from the repo root on 127.0.0.1; stop it on exit.

    Returns once ``/_stcore/health`` answers ``ok``. The repo's ``.streamlit/config.toml`` applies
    (cwd is the repo root); ``args`` come last, so they override the defaults set here. ``env`` is
    added to the current environment. Raises with the server's output when it does not come up.
    """
    app = Path(app_path)
    if not app.is_absolute():
        app = REPO_ROOT / app
    log_dir = Path(tempfile.mkdtemp(prefix="ecops-streamlit-"))
    log_path = log_dir / "server.log"
    full_env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    attempts = 1 if port is not None else 3
    for attempt in range(attempts):
        chosen = port if port is not None else free_port()
        cmd = [
            sys.executable, "-m", "streamlit", "run", str(app),
            "--server.headless", "true",
            "--server.port", str(chosen),
            "--server.address", "127.0.0.1",
            "--browser.gatherUsageStats", "false",
            # Other people edit the tree while tests run: a file watcher would rerun the app under our feet.
            "--server.fileWatcherType", "none",
            "--server.runOnSave", "false",
            *args,
        ]
        with open(log_path, "ab") as log:
            # Own process group, so teardown reaches any child the app spawns too.
            proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=full_env, stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        server = StreamlitServer(url=f"http://127.0.0.1:{chosen}", port=chosen, pid=proc.pid, log_path=log_path)
        try:
            if _wait_healthy(server, proc):
                break
            log = server.log_tail()
            port_taken = "is not available" in log or "already in use" in log
            if not port_taken or attempt == attempts - 1:
                raise RuntimeError(f"streamlit run {app} exited with code {proc.returncode} before it became "
                                   f"healthy:\n{log}")
        except BaseException:
            _stop(proc)
            shutil.rmtree(log_dir, ignore_errors=True)
            raise
    try:
        yield server
    finally:
        _stop(proc)
        shutil.rmtree(log_dir, ignore_errors=True)


def find_chromium() -> str | None:
    """Path of the system Chromium (env ``ECOPS_CHROMIUM`` first), or None."""
    for candidate in (os.environ.get("ECOPS_CHROMIUM"), shutil.which("chromium"), "/usr/bin/chromium",
                      shutil.which("chromium-browser")):
        if candidate and os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def launch_chromium(playwright, **kwargs):
    """Launch headless system Chromium through a started ``sync_playwright()``; returns a Browser.

    Skips the test when Chromium is not installed, raises in CI. ``kwargs`` go to ``chromium.launch``.
    """
    executable = find_chromium()
    if executable is None:
        missing_dependency("Chromium", "apt-get install chromium fonts-noto-cjk")
    options = {"executable_path": executable, "headless": True, "args": list(CHROMIUM_ARGS)}
    options.update(kwargs)
    return playwright.chromium.launch(**options)


def wait_for_streamlit(page, timeout_ms: float = 60_000) -> None:
    """Wait until the page is connected and its script run has finished, after ``page.goto``.

    Uses the attributes Streamlit puts on ``stApp`` for its own end-to-end tests: the script state is
    ``initial`` until the first run has happened and ``notRunning`` once it finished, so this is exact
    for a freshly loaded page. After a click or any other interaction it is not: the old page still
    says ``notRunning`` until the server has started the rerun. Wrap interactions in
    ``expect_script_run`` instead.
    """
    page.wait_for_selector('[data-testid="stApp"][data-test-connection-state="CONNECTED"]', timeout=timeout_ms)
    page.wait_for_function(
        """() => {
            const app = document.querySelector('[data-testid="stApp"]');
            if (!app || app.getAttribute('data-test-script-state') !== 'notRunning') return false;
            if (document.querySelector('[data-testid="stStatusWidget"] [data-testid$="Icon"]')) return false;
            return document.querySelectorAll('[data-stale="true"]').length === 0;
        }""",
        timeout=timeout_ms,
        polling=100,
    )


class _RunCounter:
    """Counts completed script runs of one page by reading Streamlit's websocket messages."""

    def __init__(self) -> None:
        self.completed = 0

    def on_websocket(self, websocket) -> None:
        websocket.on("framereceived", self.on_frame)

    def on_frame(self, payload) -> None:
        if isinstance(payload, str):
            return
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        message = ForwardMsg()
        try:
            message.ParseFromString(bytes(payload))
        except Exception:  # not a ForwardMsg (some other socket): nothing to count
            return
        # A run cut short by a newer rerun is not the end of anything: the newer run will finish.
        if (message.WhichOneof("type") == "script_finished"
                and message.script_finished != ForwardMsg.ScriptFinishedStatus.FINISHED_EARLY_FOR_RERUN):
            self.completed += 1


_RUN_COUNTERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def track_script_runs(page) -> None:
    """Start counting the page's finished script runs; call once, before the first ``page.goto``."""
    if page not in _RUN_COUNTERS:
        counter = _RUN_COUNTERS[page] = _RunCounter()
        page.on("websocket", counter.on_websocket)


@contextlib.contextmanager
def expect_script_run(page, timeout_ms: float = 60_000) -> Iterator[None]:
    """Wrap an interaction that makes the app rerun; on exit, wait until that rerun has finished.

    ``with expect_script_run(page): page.get_by_role("button", name="Go").click()``. Needs
    ``track_script_runs(page)`` before the page was opened. An interaction that triggers no rerun
    times out here, which is a finding too.
    """
    counter = _RUN_COUNTERS.get(page)
    if counter is None:
        raise RuntimeError("call track_script_runs(page) before page.goto(...) to use expect_script_run")
    before = counter.completed
    yield
    deadline = time.monotonic() + timeout_ms / 1000
    while counter.completed <= before:
        if time.monotonic() > deadline:
            raise TimeoutError(f"no script run finished within {timeout_ms / 1000:.0f} s on {page.url}")
        page.wait_for_timeout(50)  # Playwright delivers websocket events only while it is called
    # The message has reached the browser; give its handlers a moment to render it.
    page.wait_for_timeout(100)
    wait_for_streamlit(page, timeout_ms)


def upload_on_data_page(page, server: StreamlitServer, path: Path, timeout_ms: float = 120_000) -> None:
    """Open the Data page in English, upload ``path`` and load it; returns once the session shows it.

    The page must have been set up with ``track_script_runs`` before.
    """
    page.goto(f"{server.url}/data?lang=en")
    wait_for_streamlit(page)
    upload_input(page, path).set_input_files(str(path))
    # The uploader lists the file once its bytes reached the server (long names are shortened there).
    wait_for_uploaded_chip(page, server, path)
    with expect_script_run(page, timeout_ms=timeout_ms):
        page.get_by_role("button", name="Load", exact=True).click()
    page.wait_for_function("() => document.body.innerText.includes('" + path.name + "') && "
                           "document.body.innerText.includes('uploaded files')", timeout=timeout_ms)
    # Once loaded into DuckDB the bytes are dropped: the uploader starts empty again.
    try:
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stFileChip\"]')", timeout=15_000)
    except Exception:
        raise AssertionError("the uploader still holds the file after it was loaded") from None


def upload_input(page, path: Path):
    """The ``<input type=file>`` of the one uploader on the page that accepts ``path``'s extension.

    Never ``stFileUploaderDropzoneInput`` ``.first``: the Data page has three uploaders, the data files'
    (``.csv``, ``.xlsx``, …) and two for a saved mapping (``.json``, one on the hidden "Connect a
    database" tab). Streamlit renders every widget through ``React.lazy`` inside its element's own
    ``Suspense`` boundary (a ``stSkeleton`` until the ``FileUploader`` chunk is loaded and the boundary
    retried), and ``wait_for_streamlit`` returns once the script run is over, while they may still be
    skeletons. The boundaries do not mount in page order: in 4 of 18 fresh loads watched the hidden
    tab's JSON uploader mounted 80-250 ms before the data uploader. ``.first`` taken in that window is
    the JSON uploader; react-dropzone refuses the file against its ``accept``
    ("application/streamlit,.json") and Streamlit's FileUploader chip says "text/csv files are not
    allowed." (``file-invalid-type``, ``streamlit/static/static/js/utils.*.js``) — the intermittent
    failure of loaded CI runs, and the "retry" added the file to the same wrong uploader again.

    So the input is chosen by its ``accept`` list (Streamlit writes ``application/streamlit`` then the
    allowed extensions), waited for until it is attached, and must be the only one on the page.
    """
    ext = Path(path).suffix.lower()
    if not re.fullmatch(r"\.\w+", ext):
        raise ValueError(f"{path} has no plain file extension to match an uploader's accepted types")
    base = '[data-testid="stFileUploaderDropzoneInput"]'
    inputs = page.locator(f'{base}[accept$=",{ext}"], {base}[accept*=",{ext},"]')
    try:
        inputs.first.wait_for(state="attached", timeout=60_000)
        # The other uploaders may still be skeletons: let every lazy widget of the page mount first.
        page.wait_for_function(
            "() => !document.querySelector('[data-testid=\"stMain\"] [data-testid=\"stSkeleton\"]')",
            timeout=30_000, polling=100)
    except Exception:
        accepts = page.locator(base).evaluate_all("els => els.map(e => e.getAttribute('accept'))")
        raise AssertionError(f"no uploader accepting {ext} on {page.url}; uploaders accept {accepts}") from None
    if inputs.count() != 1:
        raise AssertionError(f"{inputs.count()} uploaders accept {ext} on {page.url}: which one is meant?")
    return inputs.first


def wait_for_uploaded_chip(page, server: StreamlitServer, path: Path) -> None:
    """Wait until the uploader shows ``path`` as uploaded.

    When the uploader reports a failed transfer (its chip turns red with Streamlit's own error text),
    the failure is reported as a warning with that text and the server log, and the upload is retried
    once the way a user would, by removing the file and adding it again; a second failure fails the test. CI saw such
    failures only on a loaded 2-core machine, never on a run alone: what the app does after the
    upload is still tested every time.
    """
    for attempt in (1, 2):
        page.wait_for_function(
            """() => { const c = document.querySelector('[data-testid="stFileChip"]');
                       return c && !c.querySelector('[data-testid="stFileChipIconSpinner"]'); }""",
            timeout=60_000, polling=100)
        chip = page.locator('[data-testid="stFileChip"]').first
        if chip.get_attribute("aria-invalid") != "true":
            return
        error = chip.locator("[role=alert]").inner_text()
        report = f"the upload of {path.name} failed in the browser (attempt {attempt}): {error!r}"
        if attempt == 2:
            raise AssertionError(f"{report}\n--- server log ---\n{server.log_tail()}")
        warnings.warn(f"{report}; retrying once. Server log:\n{server.log_tail(20)}", stacklevel=3)
        # st.file_uploader has no retry: a user removes the red chip and adds the file again.
        chip.locator('[data-testid="stFileChipDeleteBtn"] button').dispatch_event("click")
        page.wait_for_function("() => !document.querySelector('[data-testid=\"stFileChip\"]')", timeout=10_000)
        dropzone = upload_input(page, path)
        dropzone.set_input_files([])  # the same file again is no change to the input without this
        dropzone.set_input_files(str(path))


def assert_no_exception(page, server: StreamlitServer | None = None, *, allow_error_messages: bool = False) -> None:
    """Fail when the page shows an exception box, an ``st.error`` message, or has lost its server.

    app.py turns a page's exception into a friendly ``st.error``, so an error message counts as a
    failure unless ``allow_error_messages`` (for tests that feed bad input on purpose). Error details
    are hidden from users (``client.showErrorDetails``): pass ``server`` to get the server log, which
    holds the traceback, into the failure message.
    """
    problems = []
    for what, selector in (("exception box", '[data-testid="stException"]'),
                           ("error message", '[data-testid="stAlertContentError"]')):
        if what == "error message" and allow_error_messages:
            continue
        found = page.locator(selector)
        problems += [f"{what}: {found.nth(i).inner_text()}" for i in range(found.count())]
    state = page.locator('[data-testid="stApp"]').get_attribute("data-test-connection-state")
    if state not in (None, "CONNECTED"):
        problems.append(f"not connected to its server (state {state})")
    if problems:
        message = f"page {page.url} shows:\n" + "\n---\n".join(problems)
        if server is not None:
            message += f"\n--- streamlit server log ---\n{server.log_tail()}"
        raise AssertionError(message)


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG of ``page`` as ``tests/artifacts/screenshots/<name>.png``; returns the path.

    Streamlit scrolls inside its own main container, not the document, so a plain full-page
    screenshot would cut at the window height: the viewport is grown to the content for the shot.
    """
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^\w.-]+", "_", name).strip("_") or "page"  # keeps Chinese page names readable
    path = SCREENSHOT_DIR / f"{stem}.png"
    viewport = page.viewport_size
    content_height = page.evaluate(
        """() => Math.max(0, ...Array.from(document.querySelectorAll(
              '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]'),
              el => el.scrollHeight))"""
    )
    grow = viewport is not None and content_height > viewport["height"]
    if grow:
        page.set_viewport_size({"width": viewport["width"], "height": min(int(content_height), 16_000)})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if grow:
            page.set_viewport_size(viewport)
    return path


# --------------------------------------------------------------------------------------------- internals


def _wait_healthy(server: StreamlitServer, proc: subprocess.Popen) -> bool:
    """True once /_stcore/health says ok; False if the process died; raises on timeout."""
    deadline = time.monotonic() + _HEALTH_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=2) as response:
                if response.status == 200 and response.read().strip() == b"ok":
                    return True
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer {server.url}/_stcore/health within {_HEALTH_TIMEOUT_S:.0f} s:\n"
                       f"{server.log_tail()}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def _tail(path: Path, lines: int) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError as exc:
        return f"(no log at {path}: {exc})"
