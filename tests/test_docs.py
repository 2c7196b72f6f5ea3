"""The README's pictures: each one it shows is in docs/ (and tracked, not ignored), and
each picture in docs/ is shown."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_every_readme_picture_exists_and_every_picture_is_shown():
    readme = (ROOT / "README.md").read_text()
    shown = set(re.findall(r"!\[[^\]]*\]\((docs/[^)]+\.png)\)", readme))
    on_disk = {f"docs/{p.name}" for p in (ROOT / "docs").glob("*.png")}
    assert shown == on_disk


def test_readme_pictures_are_not_ignored_by_git():
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    pictures = [f"docs/{p.name}" for p in (ROOT / "docs").glob("*.png")]
    ignored = subprocess.run(["git", "check-ignore", *pictures], cwd=ROOT,
                             capture_output=True, text=True).stdout.split()
    assert ignored == []
