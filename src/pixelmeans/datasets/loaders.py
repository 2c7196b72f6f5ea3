"""Image data sets for clustering: IDX files (MNIST), image folders, ``.npz`` and digits.

Every loader returns a :class:`Dataset` of uint8 images (and labels when known). Nothing here
needs the network unless asked: :func:`load_mnist` downloads only with ``download=True``, over
HTTPS with a timeout, and verifies each file's SHA-256 before using it.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import math
import os
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DatasetError, ImageReadError, InvalidParameterError
from ..files.atomic import write_atomically
from ..files.download import download
from ..files.read import DEFAULT_MAX_FILE_BYTES, read_regular_file
from ..image.load import load_image

# Type codes of the IDX format (LeCun et al.): numpy dtype, big-endian.
_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}

MNIST_FILES = {
    "train-images": ("train-images-idx3-ubyte",
                     "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db"),
    "train-labels": ("train-labels-idx1-ubyte",
                     "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"),
    "test-images": ("t10k-images-idx3-ubyte",
                    "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"),
    "test-labels": ("t10k-labels-idx1-ubyte",
                    "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"),
}
MNIST_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"


@dataclass(frozen=True)
class Dataset:
    """Images with optional labels.

    Attributes
    ----------
    images : ndarray of shape (n, h, w) or (n, h, w, 3), uint8
    labels : ndarray of shape (n,), int64, or None
    name : str
    class_names : tuple of str or None
        Name of each label value, when the source names them (image folders).
    """

    images: np.ndarray
    labels: np.ndarray | None
    name: str
    class_names: tuple[str, ...] | None = None

    def __len__(self) -> int:
        return int(self.images.shape[0])

    @property
    def image_shape(self) -> tuple[int, ...]:
        """Shape of one image."""
        return tuple(self.images.shape[1:])

    @property
    def X(self) -> np.ndarray:
        """Images as float32 rows in [0, 1], shape ``(n, h·w[·3])``."""
        return (self.images.reshape(len(self), -1) / np.float32(255)).astype(np.float32)


def read_idx(path) -> np.ndarray:
    """Read one IDX file (raw or ``.gz``), checking its header and length.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "x.idx"
    >>> _ = p.write_bytes(bytes([0, 0, 8, 1, 0, 0, 0, 3, 7, 8, 9]))
    >>> read_idx(p).tolist()
    [7, 8, 9]
    """
    raw = read_regular_file(path, error=DatasetError)
    return parse_idx(_gunzipped(raw, str(path)), str(path))


def _gunzipped(raw: bytes, name: str, max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> bytes:
    """``raw`` decompressed when it is gzip data (at most ``max_bytes`` of it: no gzip
    bomb fills the memory), else as it is."""
    if raw[:2] != b"\x1f\x8b":
        return raw
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(raw)) as stream:
            data = stream.read(max_bytes + 1)
    except (OSError, EOFError, zlib.error) as exc:
        msg = f"{name}: corrupt gzip data ({exc})"
        raise DatasetError(msg) from None
    if len(data) > max_bytes:
        msg = f"{name}: decompresses to over the limit of {max_bytes:,} bytes"
        raise DatasetError(msg)
    return data


def parse_idx(data: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse the bytes of an IDX file."""
    if len(data) < 4 or data[0] != 0 or data[1] != 0 or data[2] not in _IDX_TYPES:
        msg = f"{name}: not an IDX file (bad magic number {data[:4].hex() or 'none'})"
        raise DatasetError(msg)
    ndim = data[3]
    header = 4 + 4 * ndim
    if ndim == 0 or len(data) < header:
        msg = f"{name}: truncated IDX header ({ndim} dimensions)"
        raise DatasetError(msg)
    shape = tuple(int.from_bytes(data[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = np.dtype(_IDX_TYPES[data[2]])
    expected = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    if len(data) - header != expected:
        problem = "truncated" if len(data) - header < expected else "longer than its header says"
        msg = (f"{name}: IDX data is {problem}: header {shape} needs {expected} bytes, "
               f"found {len(data) - header}")
        raise DatasetError(msg)
    return np.frombuffer(data, dtype=dtype, offset=header).reshape(shape).astype(
        dtype.newbyteorder("="))


def load_idx(images_path, labels_path=None, *, name: str | None = None) -> Dataset:
    """Images (and labels) from IDX files, checked for consistency."""
    images = read_idx(images_path)
    if images.ndim not in (3, 4) or images.dtype != np.uint8:
        msg = f"{images_path}: expected uint8 images of shape (n, h, w); got {images.dtype} " \
              f"{images.shape}"
        raise DatasetError(msg)
    labels = None
    if labels_path is not None:
        labels = read_idx(labels_path).astype(np.int64)
        if labels.ndim != 1 or labels.shape[0] != images.shape[0]:
            msg = f"{labels_path}: {labels.shape[0]} labels for {images.shape[0]} images"
            raise DatasetError(msg)
    return Dataset(images, labels, name or Path(images_path).name)


def resolve_data_home(data_home=None) -> Path:
    """Where data sets live: ``data_home``, else ``$PIXELMEANS_DATA``, else the user cache."""
    if data_home is not None:
        return Path(data_home)
    if os.environ.get("PIXELMEANS_DATA"):
        return Path(os.environ["PIXELMEANS_DATA"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "pixelmeans"


def _find(folder: Path, stem: str) -> Path | None:
    for candidate in (folder / stem, folder / f"{stem}.gz", folder / "mnist" / stem,
                      folder / "mnist" / f"{stem}.gz"):
        if candidate.exists():
            return candidate
    return None


def _download(url: str, target: Path, sha256: str, timeout: float) -> Path:
    """Fetch ``url`` (gzip), check the SHA-256 of its content, and store it at ``target``."""
    content = _gunzipped(download(url, error=DatasetError, timeout=timeout), url)
    digest = hashlib.sha256(content).hexdigest()
    if digest != sha256:
        msg = f"{url}: SHA-256 {digest} does not match the expected {sha256}; not used"
        raise DatasetError(msg)
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(target, lambda tmp: tmp.write_bytes(content), overwrite=True)
    return target


def load_mnist(data_home=None, *, download: bool = False, base_url: str = MNIST_URL,
               timeout: float = 30.0) -> tuple[Dataset, Dataset]:
    """The MNIST digits: ``(train, test)`` with 60,000 and 10,000 images of 28×28.

    Looks in ``data_home``, ``$PIXELMEANS_DATA`` or the user cache folder for the four IDX files
    (raw or ``.gz``). With ``download=True`` missing files are fetched from ``base_url`` and
    kept only if their SHA-256 matches the canonical files.
    """
    folder = resolve_data_home(data_home)
    found = {}
    for key, (stem, digest) in MNIST_FILES.items():
        where = _find(folder, stem)
        if where is None and download:
            where = _download(f"{base_url.rstrip('/')}/{stem}.gz", folder / stem, digest,
                              timeout)
        if where is None:
            msg = (f"MNIST file {stem} not found in {folder}; pass download=True "
                   "(--download) or point PIXELMEANS_DATA at a folder that has it")
            raise DatasetError(msg)
        found[key] = where
    train = load_idx(found["train-images"], found["train-labels"], name="mnist-train")
    test = load_idx(found["test-images"], found["test-labels"], name="mnist-test")
    return train, test


def load_digits() -> Dataset:
    """scikit-learn's bundled 8×8 digits (1,797 images), scaled to uint8."""
    from sklearn.datasets import load_digits as sk_digits

    bunch = sk_digits()
    images = np.rint(bunch.images * (255 / 16)).astype(np.uint8)
    return Dataset(images, bunch.target.astype(np.int64), "digits")


def load_npz(path) -> Dataset:
    """Images from an ``.npz`` with an array ``X`` (``(n, h, w)``, ``(n, h, w, 3)`` or
    ``(n, d)``) and optionally ``y``."""
    raw = read_regular_file(path, error=DatasetError)  # never a device or a pipe
    try:
        with np.load(io.BytesIO(raw), allow_pickle=False) as archive:
            if "X" not in archive:
                msg = f"{path}: no array named 'X' (found {', '.join(archive.files) or 'none'})"
                raise DatasetError(msg)
            X, y = archive["X"], archive["y"] if "y" in archive else None
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
        if isinstance(exc, DatasetError):
            raise
        msg = f"{path}: not a readable .npz file ({exc or type(exc).__name__})"
        raise DatasetError(msg) from None
    images = _as_uint8_images(X, str(path))
    return Dataset(images, _labels(y, len(images), str(path)), Path(path).stem)


def _labels(y: np.ndarray | None, n: int, name: str) -> np.ndarray | None:
    """``y`` as int64 labels, checked: one whole number per image."""
    if y is None:
        return None
    if y.ndim != 1 or len(y) != n:
        msg = f"{name}: y has shape {y.shape}; expected ({n},)"
        raise DatasetError(msg)
    whole = np.issubdtype(y.dtype, np.integer) or y.dtype == np.bool_ or (
        np.issubdtype(y.dtype, np.floating) and bool(np.all(np.isfinite(y)))
        and bool(np.all(y == np.round(y))))
    if not whole:
        msg = f"{name}: y must hold whole-number labels; got {y.dtype}"
        raise DatasetError(msg)
    return y.astype(np.int64)


def _as_uint8_images(X: np.ndarray, name: str) -> np.ndarray:
    if X.ndim >= 1 and (X.shape[0] == 0 or X.size == 0):
        msg = f"{name}: X has shape {X.shape}; it holds no images (or no pixels)"
        raise DatasetError(msg)
    if X.ndim == 2:
        side = math.isqrt(X.shape[1])
        X = X.reshape(len(X), side, side) if side * side == X.shape[1] else X[:, None, :]
    if X.ndim not in (3, 4) or (X.ndim == 4 and X.shape[3] != 3):
        msg = f"{name}: X has shape {X.shape}; expected (n, d), (n, h, w) or (n, h, w, 3)"
        raise DatasetError(msg)
    if X.dtype == np.uint8:
        return X
    if np.issubdtype(X.dtype, np.floating) and X.size and 0 <= X.min() and X.max() <= 1:
        return np.rint(X * 255).astype(np.uint8)
    if np.issubdtype(X.dtype, np.integer) and X.size and 0 <= X.min() and X.max() <= 255:
        return X.astype(np.uint8)
    msg = f"{name}: X must be uint8, integers in [0, 255] or floats in [0, 1]"
    raise DatasetError(msg)


def load_image_folder(path, *, size: tuple[int, int] | None = None,
                      grayscale: bool | None = None) -> Dataset:
    """One sub-folder per label, any image format; images resized to ``size`` (w, h).

    Without ``size`` all images must share one size. ``grayscale`` defaults to whether every
    image is grey.
    """
    root = Path(path)
    if not root.is_dir():
        msg = f"{root}: not a folder"
        raise DatasetError(msg)
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if not classes:
        msg = f"{root}: no sub-folders (one per label) found"
        raise DatasetError(msg)
    images: list[np.ndarray] = []
    labels: list[int] = []
    for label, name in enumerate(classes):
        for file in sorted(p for p in (root / name).iterdir() if p.is_file()):
            if file.name.startswith("."):
                continue
            try:
                pixels = load_image(file).pixels
            except ImageReadError as exc:
                raise DatasetError(str(exc)) from None
            images.append(_resized(pixels, size, file, images[0].shape if images else None))
            labels.append(label)
    if not images:
        msg = f"{root}: the label folders hold no images"
        raise DatasetError(msg)
    stack = np.stack(images)
    grey = bool(np.all(stack[..., 0] == stack[..., 1]) and np.all(stack[..., 1] == stack[..., 2]))
    if grayscale if grayscale is not None else grey:
        stack = np.rint(stack.astype(np.float32) @ np.array([0.299, 0.587, 0.114],
                                                            np.float32)).astype(np.uint8)
    return Dataset(stack, np.array(labels, dtype=np.int64), root.name, tuple(classes))


def _resized(pixels: np.ndarray, size, file: Path, first_shape) -> np.ndarray:
    if size is not None:
        from PIL import Image

        return np.asarray(Image.fromarray(pixels).resize(tuple(size), Image.Resampling.LANCZOS))
    if first_shape is not None and pixels.shape != first_shape:
        msg = (f"{file}: {pixels.shape[1]}×{pixels.shape[0]} differs from the first image "
               f"({first_shape[1]}×{first_shape[0]}); pass size=(w, h) (--size W,H)")
        raise DatasetError(msg)
    return pixels


def load_dataset(spec: str, labels: str | None = None, *, data_path=None,
                 download: bool = False, size: tuple[int, int] | None = None
                 ) -> tuple[Dataset, Dataset | None]:
    """``(train, test)`` from a name the command line accepts.

    ``spec`` is ``mnist``, ``digits``, a folder, an ``.npz`` file, or an IDX images file
    (with ``labels`` the IDX labels file). ``test`` is ``None`` except for MNIST. ``size``
    (w, h) resizes the images of a folder.
    """
    if size is not None and not Path(spec).is_dir():
        msg = f"{spec}: a size (--size W,H) applies to a folder of images only"
        raise InvalidParameterError(msg)
    if spec == "mnist":
        return load_mnist(data_path, download=download)
    if spec == "digits":
        return load_digits(), None
    path = Path(spec)
    if path.is_dir():
        return load_image_folder(path, size=size), None
    if path.suffix == ".npz":
        return load_npz(path), None
    if path.exists():
        return load_idx(path, labels), None
    msg = f"{spec}: not a data set (expected mnist, digits, a folder, an .npz or IDX files)"
    raise InvalidParameterError(msg)
