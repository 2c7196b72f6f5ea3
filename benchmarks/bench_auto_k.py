"""k chosen for you against one palette at the k it finds: whole commands, file to result.

For each benchmark photo (the bundled ones and the 12 MP photo of bench_images.py, saved as
a JPEG) and each target, ``pixelmeans palette PHOTO -k auto --max-delta-e X`` runs beside
``pixelmeans palette PHOTO -k K`` with the K it chose (alternating, median of a few runs),
and ``quantize -k auto --max-bytes N`` beside ``quantize -k K``. Written to the "auto-k"
section of RESULTS.md.

    python benchmarks/bench_auto_k.py
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ROOT, header, photo, table, write_section

DATA = ROOT / "src" / "pixelmeans" / "data"
TARGETS = (2.0, 3.0, 5.0)
REPEATS = 3
BYTE_BUDGET_SHARE = 0.25  # --max-bytes: a quarter of the photo's 64-colour PNG


def command(*argv: str) -> tuple[float, str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "pixelmeans", *argv], capture_output=True,
                          text=True, env=env, check=True)
    return time.perf_counter() - start, done.stdout, done.stderr


def side_by_side(auto: list[str], plain: list[str]) -> tuple[float, float]:
    auto_s, plain_s = [], []
    for _ in range(REPEATS):
        auto_s.append(command(*auto)[0])
        plain_s.append(command(*plain)[0])
    return statistics.median(auto_s), statistics.median(plain_s)


def photos(folder: Path):
    for path in sorted(DATA.glob("*.jpg")):
        yield path.stem, path
    from PIL import Image

    big = folder / "photo-12mp.jpg"
    Image.fromarray(photo(4000, 3000)).save(big, quality=90)
    yield "12 MP photo", big


def main() -> None:
    rows, bytes_rows = [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for name, path in photos(folder):
            for target in TARGETS:
                _, _, err = command("palette", str(path), "-k", "auto", "--max-delta-e",
                                    str(target), "--format", "hex")
                report = re.search(r"k = (\d+) .*mean ΔE2000 ([\d.]+), p95 ([\d.]+), (\d+) k",
                                   err)
                k, mean, p95, tried = report.groups()
                auto_s, one_s = side_by_side(
                    ["palette", str(path), "-k", "auto", "--max-delta-e", str(target),
                     "--format", "hex"], ["palette", str(path), "-k", k, "--format", "hex"])
                rows.append({"photo": name, "target": f"≤ {target:g}", "k": k,
                             "mean ΔE": mean, "p95 ΔE": p95, "k tried": tried,
                             "auto s": f"{auto_s:.2f}", "one palette s": f"{one_s:.2f}",
                             "ratio": f"{auto_s / one_s:.2f}"})
            out = folder / "q.png"
            command("quantize", str(path), "-k", "64", "-o", str(out), "--force")
            budget = int(out.stat().st_size * BYTE_BUDGET_SHARE)
            _, stdout, err = command("quantize", str(path), "-k", "auto", "--max-bytes",
                                     str(budget), "-o", str(out), "--force")
            k = re.search(r"k = (\d+)", err).group(1)
            size = re.search(r"([\d,]+) bytes", stdout).group(1)
            auto_s, one_s = side_by_side(
                ["quantize", str(path), "-k", "auto", "--max-bytes", str(budget), "-o",
                 str(out), "--force"], ["quantize", str(path), "-k", k, "-o", str(out),
                                        "--force"])
            bytes_rows.append({"photo": name, "budget": f"{budget:,}", "k": k, "PNG": size,
                               "auto s": f"{auto_s:.2f}", "one quantize s": f"{one_s:.2f}",
                               "ratio": f"{auto_s / one_s:.2f}"})
    body = "\n\n".join([
        "## k chosen for you (`benchmarks/bench_auto_k.py`)",
        header("numpy", "Pillow", "scikit-image"),
        "Whole commands (start-up, decode, work, output), median of "
        f"{REPEATS} alternating runs. `palette -k auto --max-delta-e X` against `palette -k "
        "K` at the K it chose; mean and p95 ΔE2000 over every pixel of the decoded image "
        "(large JPEGs decoded at reduced size, as every palette is).",
        table(rows, ["photo", "target", "k", "mean ΔE", "p95 ΔE", "k tried", "auto s",
                     "one palette s", "ratio"]),
        "`quantize -k auto --max-bytes N` (N a quarter of the photo's 64-colour PNG) against "
        "`quantize -k K` at the K it chose: the most colours whose indexed PNG fits.",
        table(bytes_rows, ["photo", "budget", "k", "PNG", "auto s", "one quantize s",
                           "ratio"]),
    ])
    write_section("auto-k", body)


if __name__ == "__main__":
    main()
