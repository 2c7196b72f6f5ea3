"""`pixelmeans segment PHOTO -k 5 -o FOLDER` as a whole process, file to file, in one run.

    python benchmarks/bench_segment_cli.py [--before SRC] [--runs N] [--photo JPEG]

The photo is a real 12 MP one: the nuthatch wallpaper of Debian's
``lomiri-wallpapers-20.04`` package
(``Kleiber_by_Lukas_Baubkus.jpg``, 6028×3391, a camera photo), its 4000×3000 crop saved once
as JPEG (quality 92). To get it::

    apt-get download lomiri-wallpapers-20.04 && dpkg -x lomiri-wallpapers-20.04_*.deb /tmp/lomiri

(or pass any JPEG with ``--photo``). Without it the benchmark falls back to the astronaut of
bench_images.py (upscaled, with noise) and says so in the table.

``--before SRC`` times another checkout's ``src`` folder in the same run, alternating runs,
so all see the same machine load; this checkout runs with the ``fast`` extra (isal) and as if
it were not installed (zlib only). Reported: median wall time and median CPU time (user +
system of the process and its threads) over the runs, and the output folder's size. Written
to the "segment-cli" section.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, header, table, write_section

WALLPAPER = Path("/tmp/lomiri/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg")
CROP = (600, 195, 4600, 3195)  # left, top, right, bottom: 4000×3000 around the bird
K = 5


def real_photo(folder: Path) -> tuple[Path, str]:
    """The 12 MP JPEG to segment, and how it was made."""
    from PIL import Image

    out = folder / "nuthatch-12mp.jpg"
    if WALLPAPER.exists():
        with Image.open(WALLPAPER) as im:
            im.crop(CROP).save(out, quality=92)
        return out, f"real photo: {WALLPAPER.name} (lomiri-wallpapers-20.04) cropped to 4000×3000"
    from bench_images import twelve_megapixels

    Image.fromarray(twelve_megapixels()).save(out, quality=92)
    return out, "NOT a real photo (lomiri-wallpapers-20.04 absent): astronaut upscaled with noise"


# The command itself, optionally as if the ``fast`` extra (isal) were not installed.
WITH_ISAL = ["-m", "pixelmeans"]
WITHOUT_ISAL = ["-c", "import sys; sys.modules['isal'] = None; from pixelmeans.cli import main; "
                "sys.exit(main())"]


def run_once(src: Path, command: list[str], photo: Path, out: Path) -> tuple[float, float]:
    """Wall and CPU seconds of one whole ``pixelmeans segment`` process."""
    shutil.rmtree(out, ignore_errors=True)
    env = {**os.environ, "PYTHONPATH": str(src)}
    start = time.perf_counter()
    with subprocess.Popen([sys.executable, *command, "segment", str(photo), "-k",
                           str(K), "-o", str(out)], env=env, stdout=subprocess.DEVNULL) as p:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if p.returncode:
        msg = f"segment with {src} failed ({p.returncode})"
        raise RuntimeError(msg)
    return wall, usage.ru_utime + usage.ru_stime


def folder_bytes(folder: Path) -> int:
    return sum(f.stat().st_size for f in folder.rglob("*") if f.is_file())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, help="another checkout's src folder")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--photo", type=Path, help="a JPEG to use instead")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-segment-"))
    photo, made = (args.photo, f"given: {args.photo}") if args.photo else real_photo(work)
    sources = {"this checkout, zlib only": (ROOT / "src", WITHOUT_ISAL),
               "this checkout": (ROOT / "src", WITH_ISAL)}
    if args.before:
        sources = {"before": (args.before.resolve(), WITH_ISAL), **sources}
    seconds: dict[str, list[tuple[float, float]]] = {name: [] for name in sources}
    sizes = {}
    for _ in range(args.runs):
        for name, (src, command) in sources.items():  # alternating: all see the same load
            folder = work / name.replace(" ", "-").replace(",", "")
            seconds[name].append(run_once(src, command, photo, folder))
            sizes[name] = folder_bytes(folder)
    columns = ["checkout", "wall", "CPU (user+sys)", "wall ÷ this", "folder",
               "wall of each run"]
    rows = []
    ours = statistics.median(w for w, _ in seconds["this checkout"])
    for name in sources:
        wall = statistics.median(w for w, _ in seconds[name])
        cpu = statistics.median(c for _, c in seconds[name])
        rows.append(dict(zip(columns, [
            name, f"{wall:.2f} s", f"{cpu:.2f} s", f"{wall / ours:.2f}×",
            f"{sizes[name] / 1e6:.1f} MB", ", ".join(f"{w:.1f}" for w, _ in seconds[name])],
            strict=True)))
    lines = [
        "## `pixelmeans segment` on a 12 MP photo, whole process (`benchmarks/"
        "bench_segment_cli.py`)", "", header("numpy", "Pillow", "scipy", "scikit-image"), "",
        f"`pixelmeans segment PHOTO -k {K} -o FOLDER`, start-up to every file written "
        f"(labels, {K} masks, {K} cut-outs, overlay, sheet, summary); {args.runs} runs each, "
        f"alternating; medians. Photo: {made}.", "",
        table(rows, columns),
    ]
    write_section("segment-cli", "\n".join(lines))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
