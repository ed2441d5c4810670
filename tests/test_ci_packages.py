"""CI_REQUIRE_SYSTEM_PACKAGES=1 turns a skip for a missing Chromium or LibreOffice into a
failure, so CI cannot pass with those tests silently skipped."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

NEEDS_A_PACKAGE = """
from tests.conftest import missing_system_package

def test_needs_a_missing_package():
    missing_system_package("needs Debian's example-package")
"""


def run_pytest(tmp_path: Path, required: str | None) -> subprocess.CompletedProcess[str]:
    test_file = tmp_path / "test_needs_package.py"
    test_file.write_text(NEEDS_A_PACKAGE)
    environment = {**os.environ, "PYTHONPATH": str(REPO)}
    environment.pop("CI_REQUIRE_SYSTEM_PACKAGES", None)
    if required is not None:
        environment["CI_REQUIRE_SYSTEM_PACKAGES"] = required
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rs", str(test_file)],
        capture_output=True,
        text=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


def test_missing_package_skips_outside_ci(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, None)
    assert result.returncode == 0, result.stdout
    assert "1 skipped" in result.stdout
    assert "needs Debian's example-package" in result.stdout


def test_missing_package_fails_when_ci_requires_it(tmp_path: Path) -> None:
    result = run_pytest(tmp_path, "1")
    assert result.returncode == 1, result.stdout
    assert "1 failed" in result.stdout
    assert "needs Debian's example-package (CI_REQUIRE_SYSTEM_PACKAGES=1)" in result.stdout
