"""Palette files designers' tools read, and reading any palette file back.

Writers (bytes): Adobe Swatch Exchange ``.ase``, Procreate ``.swatches`` and Sketch
``.sketchpalette``. The text formats (JSON, CSS, GIMP ``.gpl``, hex, SCSS, Tailwind) are
in :mod:`.palette_formats`. :func:`read_palette` reads every one of them back, so a saved
palette can be given wherever a palette is taken.

Adobe Swatch Exchange, as documented by the format's readers (e.g. the ``swatch`` package):
big-endian; ``b"ASEF"``, version ``1, 0`` (two uint16), the number of blocks (uint32); each
colour a block of type ``0x0001``, its length (uint32), the name's length in UTF-16 code units
with the final NUL (uint16), the name in UTF-16BE with the NUL, the model ``b"RGB "``, three
float32 in [0, 1] and the colour type (uint16: 0 global, 1 spot, 2 normal).

Procreate: a zip holding ``Swatches.json``, a list with one ``{"name", "swatches"}``
object whose swatches are ``{"hue", "saturation", "brightness", "alpha", "colorSpace"}``
(HSB in [0, 1]); Procreate shows at most 30.

Sketch (the Sketch Palettes plugin, format 2.0): JSON ``{"compatibleVersion": "2.0",
"pluginVersion", "colors": [{"name", "red", "green", "blue", "alpha"}]}`` in [0, 1].
"""

from __future__ import annotations

import colorsys
import io
import json
import re
import struct
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ..errors import InvalidParameterError

ASE_SIGNATURE = b"ASEF"
ASE_COLOR_BLOCK = 0x0001
ASE_GROUP_START, ASE_GROUP_END = 0xC001, 0xC002
ASE_NORMAL = 2
PROCREATE_MAX_COLORS = 30
SKETCH_VERSION = "2.0"
BINARY_FORMATS = {"ase": ".ase", "swatches": ".swatches", "sketch": ".sketchpalette"}
# Suffixes that name a palette file rather than an image.
PALETTE_SUFFIXES = (".gpl", ".json", ".txt", ".hex", ".ase", ".swatches", ".sketchpalette",
                    ".css", ".scss")
_HEX_CODE = re.compile(r"#([0-9a-fA-F]{6})\b")
# Swatches.json inside a .swatches zip: read at most this much (a zip bomb stops there).
MAX_SWATCHES_JSON_BYTES = 1 << 22
MAX_JSON_DEPTH = 8  # our palettes nest 3 deep; a deeper document is not a palette


class _NotAPalette(ValueError):
    """A palette file whose content is not what its format holds."""


def to_ase(colors: np.ndarray, names: Sequence[str]) -> bytes:
    """The colours as an Adobe Swatch Exchange file: one named RGB colour (type normal) each.

    Examples
    --------
    >>> data = to_ase(np.array([[255, 0, 0]], np.uint8), ["red"])
    >>> data[:12].hex()  # "ASEF", version 1.0, one block
    '415345460001000000000001'
    """
    blocks = []
    for rgb, name in zip(np.asarray(colors), names, strict=True):
        text = (name + "\0").encode("utf-16-be")
        body = struct.pack(">H", len(text) // 2) + text + b"RGB " \
            + struct.pack(">3fH", *(float(v) / 255 for v in rgb), ASE_NORMAL)
        blocks.append(struct.pack(">HI", ASE_COLOR_BLOCK, len(body)) + body)
    return ASE_SIGNATURE + struct.pack(">HHI", 1, 0, len(blocks)) + b"".join(blocks)


def to_procreate(colors: np.ndarray, name: str) -> bytes:
    """The colours as a Procreate ``.swatches`` file (a zip holding ``Swatches.json``).

    Examples
    --------
    >>> data = to_procreate(np.array([[255, 0, 0]], np.uint8), "mine")
    >>> zipfile.ZipFile(io.BytesIO(data)).namelist()
    ['Swatches.json']
    """
    if len(colors) > PROCREATE_MAX_COLORS:
        msg = (f"Procreate palettes hold at most {PROCREATE_MAX_COLORS} colours; this one has "
               f"{len(colors)} (ask for fewer colours)")
        raise InvalidParameterError(msg)
    swatches = []
    for rgb in np.asarray(colors):
        h, s, v = colorsys.rgb_to_hsv(*(float(c) / 255 for c in rgb))
        swatches.append({"hue": h, "saturation": s, "brightness": v, "alpha": 1,
                         "colorSpace": 0})
    document = json.dumps([{"name": name, "swatches": swatches}])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        # A fixed date keeps the bytes the same from run to run.
        archive.writestr(zipfile.ZipInfo("Swatches.json", (1980, 1, 1, 0, 0, 0)), document)
    return buffer.getvalue()


def to_sketch(colors: np.ndarray, names: Sequence[str]) -> bytes:
    """The colours as a Sketch Palettes ``.sketchpalette`` file (JSON).

    Examples
    --------
    >>> json.loads(to_sketch(np.array([[255, 0, 0]], np.uint8), ["red"]))["colors"][0]["red"]
    1.0
    """
    entries = [{"name": name, "red": r / 255, "green": g / 255, "blue": b / 255, "alpha": 1}
               for (r, g, b), name in zip(np.asarray(colors, dtype=int).tolist(), names,
                                          strict=True)]
    document = {"compatibleVersion": SKETCH_VERSION, "pluginVersion": SKETCH_VERSION,
                "colors": entries}
    return (json.dumps(document, indent=2) + "\n").encode()


def palette_bytes(fmt: str, colors: np.ndarray, names: Sequence[str], title: str) -> bytes:
    """The palette in one of the binary formats of :data:`BINARY_FORMATS`."""
    if fmt == "ase":
        return to_ase(colors, names)
    if fmt == "swatches":
        return to_procreate(colors, title)
    return to_sketch(colors, names)


# -- reading ------------------------------------------------------------------------------------
def read_palette(data: bytes, name: str) -> np.ndarray:
    """The colours (``(m, 3)`` uint8) of a palette file, recognised by its content.

    Reads ``.ase`` (RGB and grey colours), Procreate ``.swatches``, ``.sketchpalette``, our
    JSON, GIMP ``.gpl``, and any text holding ``#rrggbb`` codes (hex lists, CSS, SCSS).
    ``name`` is used in messages.

    Examples
    --------
    >>> read_palette(b"#ff0000\\n#00ff00\\n", "pal.txt").tolist()
    [[255, 0, 0], [0, 255, 0]]
    >>> read_palette(to_ase(np.array([[1, 2, 3]], np.uint8), ["a"]), "a.ase").tolist()
    [[1, 2, 3]]
    """
    try:
        colors = _read(data)
    except (ValueError, KeyError, TypeError, IndexError, AttributeError, OverflowError,
            RecursionError, struct.error, zipfile.BadZipFile, UnicodeDecodeError) as exc:
        msg = f"{name}: not a palette file this version can read ({exc})"
        raise InvalidParameterError(msg) from None
    if colors is None or len(colors) == 0:
        msg = (f"{name}: no colours found (expected a palette file: .gpl, .json, .ase, "
               ".swatches, .sketchpalette, or text with #rrggbb codes)")
        raise InvalidParameterError(msg)
    return colors


def _read(data: bytes) -> np.ndarray | None:
    if data.startswith(ASE_SIGNATURE):
        return _read_ase(data)
    if data.startswith(b"PK"):
        return _read_procreate(data)
    text = data.decode("utf-8")
    if text.startswith("GIMP Palette"):
        return _read_gpl(text)
    if text.lstrip().startswith(("{", "[")):
        return _read_json(_json(text))
    codes = _HEX_CODE.findall(text)
    return np.array([[int(c[i:i + 2], 16) for i in (0, 2, 4)] for c in codes], np.uint8) \
        .reshape(-1, 3)


def _json(text: str | bytes):
    """A JSON document no deeper than :data:`MAX_JSON_DEPTH` (a deeper one would exhaust
    the parser's recursion before saying anything useful)."""
    depth = deepest = 0
    for char in text if isinstance(text, str) else text.decode("utf-8"):
        if char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                msg = f"JSON nested more than {MAX_JSON_DEPTH} deep"
                raise _NotAPalette(msg)
        elif char in "]}":
            depth -= 1
    return json.loads(text)


def _read_procreate(data: bytes) -> np.ndarray:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo("Swatches.json")
        if info.file_size > MAX_SWATCHES_JSON_BYTES:
            msg = f"Swatches.json of {info.file_size:,} bytes (a palette is far smaller)"
            raise _NotAPalette(msg)
        with archive.open(info) as member:  # the declared size may lie: read no more
            content = member.read(MAX_SWATCHES_JSON_BYTES + 1)
        if len(content) > MAX_SWATCHES_JSON_BYTES:
            msg = f"Swatches.json over {MAX_SWATCHES_JSON_BYTES:,} bytes"
            raise _NotAPalette(msg)
    document = _json(content)
    if isinstance(document, list) and document:
        document = document[0]
    if not isinstance(document, dict) or not isinstance(document.get("swatches"), list):
        msg = "Swatches.json holds no list of swatches"
        raise _NotAPalette(msg)
    return _units([colorsys.hsv_to_rgb(*(_number(e[c]) for c in ("hue", "saturation",
                                                                  "brightness")))
                   for e in document["swatches"] if e])


def _number(value) -> float:
    """A finite number from a palette file (not a bool, a string or NaN)."""
    if isinstance(value, bool) or not isinstance(value, int | float) or \
            not np.isfinite(value):
        msg = f"{value!r} is not a finite number"
        raise _NotAPalette(msg)
    return float(value)


def _byte(value) -> int:
    """A colour channel given as a whole number 0-255."""
    number = _number(value)
    if number != int(number) or not 0 <= number <= 255:
        msg = f"{value!r} is not a whole number from 0 to 255"
        raise _NotAPalette(msg)
    return int(number)


def _units(values) -> np.ndarray:
    values = np.asarray(values, dtype=np.float64)
    if not np.all(np.isfinite(values)):
        msg = "a colour value that is not a finite number"
        raise _NotAPalette(msg)
    return np.clip(np.rint(np.asarray(values, dtype=np.float64) * 255), 0, 255) \
        .astype(np.uint8).reshape(-1, 3)


def _read_ase(data: bytes) -> np.ndarray:
    (count,) = struct.unpack_from(">I", data, 8)
    offset, found = 12, []
    for _ in range(count):
        kind, length = struct.unpack_from(">HI", data, offset)
        body = data[offset + 6 : offset + 6 + length]
        offset += 6 + length
        if kind != ASE_COLOR_BLOCK:
            continue
        (units,) = struct.unpack_from(">H", body, 0)
        model = body[2 + 2 * units : 6 + 2 * units]
        values = body[6 + 2 * units :]
        if model == b"RGB ":
            found.append(struct.unpack_from(">3f", values))
        elif model == b"Gray":
            (grey,) = struct.unpack_from(">f", values)
            found.append((grey, grey, grey))
        else:
            msg = f"colour model {model.decode('latin-1').strip()} (only RGB and Gray are read)"
            raise ValueError(msg)
    return _units(found)


def _read_gpl(text: str) -> np.ndarray:
    rows = []
    for line in text.splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 3 and all(p.isdigit() for p in parts[:3]):
            rows.append([_byte(int(p)) for p in parts[:3]])
    return np.array(rows, dtype=np.uint8).reshape(-1, 3)


def _read_json(document) -> np.ndarray:
    if isinstance(document, dict) and "colors" in document:  # ours, or Sketch's
        entries = document["colors"]
    else:
        entries = document
    if not isinstance(entries, list):
        msg = "expected a list of colours"
        raise _NotAPalette(msg)
    rows = []
    for entry in entries:
        if isinstance(entry, str):
            rows.append(_hex(entry))
        elif isinstance(entry, dict) and "hex" in entry:
            rows.append(_hex(entry["hex"]))
        elif isinstance(entry, dict) and "red" in entry:
            rows.append(_units([[_number(entry[c]) for c in ("red", "green", "blue")]])[0])
        elif isinstance(entry, list) and len(entry) in (3, 4):  # RGB or RGBA, 0-255
            rows.append([_byte(v) for v in entry[:3]])
        else:
            msg = f"{json.dumps(entry)[:40]} is not a colour"
            raise _NotAPalette(msg)
    return np.array(rows, dtype=np.uint8).reshape(-1, 3)


def _hex(text: str) -> list[int]:
    if not isinstance(text, str):
        msg = f"{text!r} is not a hex colour"
        raise _NotAPalette(msg)
    digits = text.strip().removeprefix("#")
    if re.fullmatch(r"[0-9a-fA-F]{3}", digits):
        digits = "".join(d * 2 for d in digits)
    if not re.fullmatch(r"[0-9a-fA-F]{6}", digits):
        msg = f"{text!r} is not a hex colour (#rrggbb or #rgb)"
        raise _NotAPalette(msg)
    return [int(digits[i : i + 2], 16) for i in (0, 2, 4)]


def is_palette_file(path: str) -> bool:
    """True when ``path`` names a palette file by its suffix (not an image)."""
    return Path(path).suffix.lower() in PALETTE_SUFFIXES
