"""What importing pixelmeans and running a command load, and the public surface."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import pixelmeans

PHOTO = str(Path(__file__).parents[1] / "src" / "pixelmeans" / "data" / "chelsea.jpg")
HEAVY = {"sklearn", "scipy", "skimage", "matplotlib", "dask", "distributed", "tifffile",
         "tqdm", "pandas"}


def top_level_modules_after(code: str) -> set[str]:
    """The top-level packages loaded by a fresh interpreter that runs ``code``."""
    report = ("import sys, json\n"
              "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))")
    done = subprocess.run([sys.executable, "-c", f"{code}\n{report}"], capture_output=True,
                          text=True, check=True)
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_import_pixelmeans_loads_nothing_heavy():
    loaded = top_level_modules_after("import pixelmeans")
    assert not loaded & (HEAVY | {"numpy", "PIL"})


@pytest.mark.parametrize("argv", [
    ["palette", PHOTO, "-k", "5"],
    ["palette", PHOTO, "--format", "json", "--space", "lab"],
    ["quantize", PHOTO, "-k", "8", "-o", "{tmp}/q.png"],
    ["--version"],
])
def test_commands_load_only_numpy_and_pillow(argv, tmp_path):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    code = ("from pixelmeans.cli import main\n"
            "try:\n"
            f"    main({argv!r})\n"
            "except SystemExit:\n"
            "    pass")
    loaded = top_level_modules_after(code)
    if argv == ["--version"]:
        assert not loaded & {"numpy", "PIL"}  # the version needs none of the library
    else:
        assert {"numpy", "PIL"} <= loaded
    assert not loaded & HEAVY, sorted(loaded & HEAVY)


def test_scikit_learn_comes_with_the_estimators_only():
    loaded = top_level_modules_after("import pixelmeans\npixelmeans.extract_palette")
    assert "sklearn" not in loaded
    assert "sklearn" in top_level_modules_after("import pixelmeans\npixelmeans.KMeans")


def test_every_public_name_resolves_and_is_listed():
    for name in pixelmeans.__all__:
        assert getattr(pixelmeans, name) is not None, name
    assert set(pixelmeans.__all__) <= set(dir(pixelmeans))
    assert pixelmeans.KMeans.__module__ == "pixelmeans.cluster.estimators.kmeans"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        pixelmeans.nope  # noqa: B018
