"""Huge images: a tiled TIFF quantized tile by tile, with bounded memory everywhere.

The colour histogram is built tile by tile (on the workers when a Dask runner is given) and
merged pairwise; the palette is fitted on it; then every tile is mapped to the palette and
streamed, in order and with a few tiles in flight, into a tiled, indexed (palette) TIFF.
No step holds more than a few tiles and the histogram, whatever the image's size. Reading
and writing use tifffile (the ``dask`` extra).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import ImageReadError, InvalidParameterError, require
from ..files.atomic import write_atomically
from ..image.formats import TIFF_SUFFIXES
from ..image.histogram import ColorHistogram, histogram_of_codes, pack_rgb, unpack_rgb
from ..image.nearest import nearest_colors
from ..params import InstanceOf, Integral, Interval, Options, validated
from ..tasks.palette import DEFAULT_COLOR_SPACE, PALETTE_CONSTRAINTS, Palette, fit_palette
from .runner import Runner

IN_FLIGHT_PER_WORKER = 2


@dataclass(frozen=True)
class TiffLayout:
    """Size and tiling of the first page of a tiled TIFF."""

    path: str
    height: int
    width: int
    tile_height: int
    tile_width: int

    @property
    def tiles_down(self) -> int:
        return -(-self.height // self.tile_height)

    @property
    def tiles_across(self) -> int:
        return -(-self.width // self.tile_width)

    @property
    def n_tiles(self) -> int:
        return self.tiles_down * self.tiles_across


def _tifffile():
    return require("tifffile", "dask", "Reading and writing tiled TIFFs")


def tiff_layout(path) -> TiffLayout:
    """The layout of a tiled RGB(A) or grey 8-bit TIFF, or a clear error."""
    tifffile = _tifffile()
    try:
        with tifffile.TiffFile(_regular(path)) as tif:
            page = tif.pages[0]
            shape, tiled = page.shape, page.is_tiled
            samples, dtype = page.samplesperpixel, page.dtype
            tile = (page.tilelength, page.tilewidth)
            contiguous = page.planarconfig == 1 or samples == 1
            n_tiles = len(page.dataoffsets)
    except Exception as exc:  # tifffile reports a damaged file with many exception types
        if isinstance(exc, ImageReadError):
            raise
        msg = f"{path}: not a readable TIFF ({exc or type(exc).__name__})"
        raise ImageReadError(msg) from None
    if not tiled:
        msg = (f"{path}: the TIFF is stored in strips, not tiles; re-save it tiled (e.g. "
               f"`vips tiffsave in.tif out.tif --tile`) or quantize it to a .png in memory")
        raise InvalidParameterError(msg)
    if dtype != np.uint8 or samples not in (1, 3, 4) or not contiguous:
        msg = (f"{path}: tiled TIFFs must be 8-bit grey, RGB or RGBA with interleaved "
               f"samples; got {samples} samples of {dtype}")
        raise InvalidParameterError(msg)
    layout = TiffLayout(str(path), int(shape[0]), int(shape[1]), int(tile[0]), int(tile[1]))
    if min(layout.tile_height, layout.tile_width) < 1 or n_tiles != layout.n_tiles:
        msg = (f"{path}: corrupt TIFF: {n_tiles} tiles listed for {layout.n_tiles} of "
               f"{layout.tile_width}×{layout.tile_height}")
        raise ImageReadError(msg)
    return layout


def _regular(path) -> str:
    """``path``, once it is known to be a regular file (tifffile would wait on a pipe)."""
    import stat

    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        msg = f"{path}: cannot be read ({exc.strerror or exc})"
        raise ImageReadError(msg) from None
    if not stat.S_ISREG(mode):
        msg = f"{path}: not a regular file"
        raise ImageReadError(msg)
    return str(path)


def read_tile(layout: TiffLayout, index: int) -> tuple[np.ndarray, np.ndarray | None]:
    """Tile ``index`` (row-major) as RGB ``uint8`` cropped to the image, and its opaque mask
    (``None`` without alpha)."""
    tifffile = _tifffile()
    try:
        with tifffile.TiffFile(layout.path) as tif:
            page = tif.pages[0]
            tif.filehandle.seek(page.dataoffsets[index])
            data = tif.filehandle.read(page.databytecounts[index])
            tile = page.decode(data, index, jpegtables=page.jpegtables)[0]
        tile = np.asarray(tile).reshape(layout.tile_height, layout.tile_width, -1)
    except Exception as exc:  # zlib.error, TiffFileError, a short read, ...: a damaged tile
        msg = f"{layout.path}: tile {index} is corrupt or truncated ({exc or type(exc).__name__})"
        raise ImageReadError(msg) from None
    if tile.dtype != np.uint8 or tile.shape[2] not in (1, 3, 4):
        msg = f"{layout.path}: tile {index} is corrupt (it decodes to {tile.dtype} {tile.shape})"
        raise ImageReadError(msg)
    ty, tx = divmod(index, layout.tiles_across)
    h = min(layout.tile_height, layout.height - ty * layout.tile_height)
    w = min(layout.tile_width, layout.width - tx * layout.tile_width)
    tile = tile[:h, :w]
    if tile.shape[2] == 1:
        return np.repeat(tile, 3, axis=2), None
    mask = tile[..., 3] >= 128 if tile.shape[2] == 4 else None
    return np.ascontiguousarray(tile[..., :3]), mask


def tile_histogram(task) -> ColorHistogram:
    """The colour counts of one tile (opaque pixels only)."""
    layout, index = task
    rgb, mask = read_tile(layout, index)
    codes = pack_rgb(rgb) if mask is None else pack_rgb(rgb)[mask.ravel()]
    return histogram_of_codes(codes)


def tile_labels(task, colors: np.ndarray, color_space: str) -> np.ndarray:
    """Palette index of every pixel of one tile, padded to the full tile size."""
    layout, index = task
    rgb, _ = read_tile(layout, index)
    codes, inverse = np.unique(pack_rgb(rgb), return_inverse=True)
    nearest = nearest_colors(unpack_rgb(codes), colors, color_space).astype(np.uint8)
    out = np.zeros((layout.tile_height, layout.tile_width), dtype=np.uint8)
    out[:rgb.shape[0], :rgb.shape[1]] = nearest[inverse.ravel()].reshape(rgb.shape[:2])
    return out


def _reporting(tiles, total: int, progress):
    for done, tile in enumerate(tiles, 1):
        progress(done, total, 0)  # before handing it over: the writer stops at the last one
        yield tile


@dataclass(frozen=True)
class TiledQuantized:
    """The result of :func:`quantize_tiff`."""

    palette: Palette
    path: Path
    layout: TiffLayout


def tiff_histogram(layout: TiffLayout, runner: Runner | None = None) -> ColorHistogram:
    """The exact colour histogram of a tiled TIFF, built tile by tile."""
    runner = runner or Runner()
    return runner.tree_reduce(tile_histogram, [(layout, i) for i in range(layout.n_tiles)],
                              ColorHistogram.merge)


@validated({**PALETTE_CONSTRAINTS, "n_colors": [Interval(Integral, 1, 256)],
            "palette": [InstanceOf(Palette), Options((None,))]})
def quantize_tiff(source, target, n_colors: int = 16, *, palette: Palette | None = None,
                  runner: Runner | None = None, color_space: str = DEFAULT_COLOR_SPACE,
                  random_state=0, overwrite: bool = False,
                  progress: Callable[[int, int, int], None] | None = None) -> TiledQuantized:
    """Quantize a tiled TIFF of any size to a tiled, indexed TIFF, tile by tile.

    Parameters
    ----------
    source : path
        A tiled 8-bit TIFF (grey, RGB or RGBA; transparent pixels do not count towards the
        palette, and are drawn with their nearest colour, as indexed TIFFs have no alpha).
    target : path
        The ``.tif`` to write (same tiling; zlib-compressed, one byte a pixel).
    n_colors : int, default 16
        At most 256.
    palette : Palette, optional
        Use these colours instead of fitting them.
    runner : Runner, optional
        Where the tiles are processed (see :func:`pixelmeans.runner.open_runner`).
    progress : callable, optional
        Called as ``progress(done, total, 0)`` as each tile is handed to the writer.

    Examples
    --------
    >>> import tempfile, pathlib, tifffile
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> img = np.zeros((40, 50, 3), np.uint8); img[:, 25:] = 255
    >>> tifffile.imwrite(d / "in.tif", img, tile=(16, 16), photometric="rgb")
    >>> result = quantize_tiff(d / "in.tif", d / "out.tif", 2)
    >>> result.palette.hex, tifffile.imread(d / "out.tif")[0, 20:30].tolist()
    (['#000000', '#ffffff'], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1])
    """
    if Path(target).suffix.lower() not in TIFF_SUFFIXES:
        msg = f"{target}: a tiled image is written as a .tif"
        raise InvalidParameterError(msg)
    runner = runner or Runner()
    layout = tiff_layout(source)
    if palette is None:
        palette = fit_palette(tiff_histogram(layout, runner), n_colors, color_space,
                              random_state, str(source))
    tasks = [(layout, i) for i in range(layout.n_tiles)]
    window = IN_FLIGHT_PER_WORKER * runner.n_workers
    tiles = runner.map_ordered(tile_labels, tasks, palette.colors, color_space, window=window)
    if progress is not None:
        tiles = _reporting(tiles, layout.n_tiles, progress)
    colormap = np.zeros((3, 256), dtype=np.uint16)
    colormap[:, :len(palette)] = palette.colors.T.astype(np.uint16) * 257

    def write(tmp: Path) -> None:
        tifffile = _tifffile()
        with tifffile.TiffWriter(tmp) as tif:
            tif.write(tiles, shape=(layout.height, layout.width), dtype=np.uint8,
                      tile=(layout.tile_height, layout.tile_width), photometric="palette",
                      colormap=colormap, compression="zlib")

    path = write_atomically(target, write, overwrite=overwrite)
    return TiledQuantized(palette, path, layout)
