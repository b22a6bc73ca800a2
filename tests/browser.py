"""Headless Chromium for tests: load a page as a person's browser would, and read back its DOM and console."""

import shutil
import subprocess
import tempfile

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000"]

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")


def dump_dom(url: str, width: int = 1280) -> tuple[str, list[str]]:
    """The page's DOM after its scripts ran, and the console messages that are errors."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},2000",
                               "--dump-dom", url], capture_output=True, text=True, timeout=600, check=False)
    errors = [line for line in done.stderr.splitlines()
              if "CONSOLE" in line and ("Error" in line or "Uncaught" in line)]
    return done.stdout, errors


def print_to_pdf(url: str, pdf: str) -> None:
    """The page as a person's browser prints it (print media, so @media print applies)."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}", "--no-pdf-header-footer",
                        url], capture_output=True, timeout=600, check=True)
