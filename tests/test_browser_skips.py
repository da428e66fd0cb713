"""Without Chromium the browser tests are skipped, each with the reason (not errors); CI
(``TPBOT_REQUIRE_CHROMIUM=1`` in ``.ci/run``) turns the missing browser into a failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _run_browser_tests(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "TPBOT_REQUIRE_CHROMIUM"}
    environ.update(TPBOT_CHROMIUM=str(tmp_path / "no-chromium-here"), **env)
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-rs",
            "-p",
            "no:cacheprovider",
            "tests/test_console_browser.py",
        ],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_without_chromium_the_browser_tests_are_skipped_with_the_reason(tmp_path: Path) -> None:
    done = _run_browser_tests(tmp_path)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "error" not in out.lower().replace("errors=", ""), out
    assert " skipped" in out and " passed" not in out, out
    assert f"Chromium not found at {tmp_path / 'no-chromium-here'}" in out, out
    assert "apt-get install chromium" in out, out


def test_ci_requires_chromium(tmp_path: Path) -> None:
    done = _run_browser_tests(tmp_path, TPBOT_REQUIRE_CHROMIUM="1")
    assert done.returncode != 0, done.stdout
    assert "Chromium not found" in done.stdout, done.stdout
    assert "TPBOT_REQUIRE_CHROMIUM=1" in (ROOT / ".ci" / "run").read_text()
