"""Recalculating a workbook as Excel would: LibreOffice headless opens it, works out every
formula and saves a copy whose cells hold the results, which openpyxl then reads."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl

from tests.conftest import missing_system_package

NEEDS_LIBREOFFICE = (
    "recalculating the workbook needs LibreOffice: install Debian's libreoffice-calc-nogui "
    "(apt-get install libreoffice-calc-nogui)"
)


def soffice() -> str:
    """LibreOffice's command, or skip the test saying which package to install."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        missing_system_package(NEEDS_LIBREOFFICE)
    return found


def convert(content: bytes, folder: Path, to: str = "xlsx") -> Path:
    """Save `content` through LibreOffice as `to` (xlsx or pdf); returns the converted file."""
    source = folder / "in" / "plan.xlsx"
    source.parent.mkdir(parents=True, exist_ok=True)
    source.write_bytes(content)
    out = folder / "out"
    subprocess.run(
        [
            soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--convert-to",
            to,
            "--outdir",
            str(out),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return out / f"plan.{to}"


def recalculate(content: bytes, folder: Path) -> openpyxl.Workbook:
    """The workbook with every formula's result, as LibreOffice worked it out."""
    return openpyxl.load_workbook(convert(content, folder), data_only=True)


def recalculate_all(contents: dict[str, bytes], folder: Path) -> dict[str, openpyxl.Workbook]:
    """Several workbooks recalculated by one LibreOffice run (starting it is most of the time),
    by the names given."""
    sources = folder / "in"
    sources.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        (sources / f"{name}.xlsx").write_bytes(content)
    out = folder / "out"
    subprocess.run(
        [
            soffice(),
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{folder / 'profile'}",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(out),
            *(str(sources / f"{name}.xlsx") for name in contents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {name: openpyxl.load_workbook(out / f"{name}.xlsx", data_only=True) for name in contents}
