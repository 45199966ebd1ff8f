"""Serving the built site on 127.0.0.1 and driving Debian's Chromium: shared by the browser
tests, the benchmark and `make pdf`, so each uses the same launch flags."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import subprocess
import sys
import threading
from pathlib import Path

from . import paths

# Debian's Chromium here; CI on GitHub points $CHROMIUM at the runner's Chrome.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# No sandbox (root in CI), and nothing that phones home: the network here is closed.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


# Written into the HTML folder only after a strict, from-scratch build succeeded.
STRICT_STAMP = ".strict-build"
# Everything a build reads: a change to any of these makes a stamped build stale.
SOURCES = ("_config.yml", "_toc.yml", "CITATION.cff", "CHANGELOG.md", "book", "data", "figures", "ldnreview")


def build(output: Path | None = None, builder: str = "html", fresh: bool = True) -> Path:
    """Strict Jupyter Book build (every warning is an error); returns the output folder.
    fresh: re-read every page, so a warning from an earlier failed build cannot hide in a saved environment."""
    cmd = [str(Path(sys.executable).parent / "jupyter-book"), "build", str(paths.root()), "-W", "-n", "--keep-going", "--builder", builder]
    if fresh:
        cmd.append("--all")
    if output is not None:
        cmd += ["--path-output", str(output)]
    out = (output or paths.root()) / "_build" / builder
    (out / STRICT_STAMP).unlink(missing_ok=True)
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"strict build failed ({builder}):\n{result.stdout[-6000:]}\n{result.stderr[-6000:]}")
    if fresh:
        (out / STRICT_STAMP).touch()
    return out


def newest_source(root: Path | None = None) -> float:
    root = root or paths.root()
    newest = 0.0
    for name in SOURCES:
        path = root / name
        files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        newest = max([newest, *(p.stat().st_mtime for p in files)])
    return newest


def is_current(html: Path) -> bool:
    """A stamped strict build newer than every source: safe to test instead of rebuilding."""
    stamp = html / STRICT_STAMP
    return stamp.exists() and stamp.stat().st_mtime >= newest_source()


def current_build() -> Path:
    """_build/html as `make book` left it when still current, else a fresh strict build there.
    A lock keeps two test workers from building at once."""
    import fcntl

    html = paths.root() / "_build" / "html"
    html.parent.mkdir(exist_ok=True)
    with open(html.parent / ".build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_current(html):
            build()
    return html


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a browser closing a connection early is not a site error


@contextlib.contextmanager
def serve(directory: Path):
    """Serve a folder on 127.0.0.1 at a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def print_pdf(url: str, out: Path, chromium=None) -> Path:
    """Print a page to PDF with Chromium (no TeX needed); figures are waited for before printing.
    Pass a running browser to reuse it."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with (contextlib.nullcontext(chromium) if chromium else browser()) as running:
        page = running.new_page()
        page.goto(url, wait_until="load")
        load_all_images(page)
        page.emulate_media(media="print")
        page.pdf(path=str(out), format="A4", print_background=True,
                 margin={"top": "18mm", "bottom": "18mm", "left": "15mm", "right": "15mm"})
        page.close()
    return out


def load_all_images(page) -> None:
    # Images below the fold load lazily; make them all load (or fail) before anything is measured.
    page.evaluate("""() => Promise.all(Array.from(document.images).map(img => {
        img.loading = 'eager';
        return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
    }))""")


def pdf_page_count(pdf: Path) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))

