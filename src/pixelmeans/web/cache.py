"""Uploads kept between requests: least recently used first out, bounded by bytes.

An upload keeps its encoded file (for full-resolution downloads), the exact colour
histogram of every pixel (built once; each slider move clusters it again), and a small
preview with its own pixel colours (what the page shows). The decoded full image is not
kept: a download decodes it again, which costs less memory than holding it.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..image.histogram import ColorHistogram
from ..image.load import RGBImage
from ..tasks.quantize import PixelColors

MEMO_ENTRIES = 128  # small results (palettes, reports) remembered per upload
HEAVY_ENTRIES = 2  # large ones (a preview's segmentation) remembered per upload


@dataclass
class Upload:
    """One uploaded photo and what every request about it starts from.

    Attributes
    ----------
    id : str
        Random hexadecimal name (the only handle on it).
    name : str
        File name or URL it came from, for messages and download names.
    data : bytes
        The encoded file as received.
    width, height : int
        Full-resolution size.
    histogram : ColorHistogram
        Exact colour counts of every counted pixel at full resolution.
    preview : RGBImage
        The photo scaled down to the server's preview size.
    preview_colors : PixelColors
        The preview's packed pixel colours and histogram.
    """

    id: str
    name: str
    data: bytes
    width: int
    height: int
    histogram: ColorHistogram
    preview: RGBImage
    preview_colors: PixelColors
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    computing: dict = field(default_factory=dict, repr=False)  # a lock per key being computed
    memo: OrderedDict = field(default_factory=OrderedDict, repr=False)
    heavy: OrderedDict = field(default_factory=OrderedDict, repr=False)

    @property
    def nbytes(self) -> int:
        """Memory held, roughly: the arrays and the file."""
        arrays: list[np.ndarray | None] = [
            self.histogram.colors, self.histogram.counts, self.histogram.codes,
            self.preview.pixels, self.preview.mask, self.preview_colors.index,
            self.preview_colors.hist.colors, self.preview_colors.hist.counts,
        ]
        preview = self.preview.pixels.nbytes
        # remembered results: small ones, and up to HEAVY_ENTRIES preview-sized ones
        remembered = MEMO_ENTRIES * 2048 + HEAVY_ENTRIES * 3 * preview
        return len(self.data) + sum(a.nbytes for a in arrays if a is not None) + remembered

    def remembered(self, key: tuple, compute, *, heavy: bool = False) -> Any:
        """``compute()``, once per ``key`` (the most recent ``MEMO_ENTRIES`` are kept, or
        ``HEAVY_ENTRIES`` of the ``heavy`` ones). Two requests for the same key wait for one
        computation; different keys compute in parallel."""
        memo, size = (self.heavy, HEAVY_ENTRIES) if heavy else (self.memo, MEMO_ENTRIES)
        with self.lock:
            if key in memo:
                memo.move_to_end(key)
                return memo[key]
            key_lock = self.computing.setdefault(key, threading.Lock())
        with key_lock:
            with self.lock:
                if key in memo:  # computed while this request waited
                    return memo[key]
            value = compute()
            with self.lock:
                memo[key] = value
                if len(memo) > size:
                    memo.popitem(last=False)
                self.computing.pop(key, None)
            return value


def new_upload_id() -> str:
    """32 random hexadecimal digits.

    Examples
    --------
    >>> len(new_upload_id())
    32
    """
    return secrets.token_hex(16)


class UploadCache:
    """Uploads by id, at most ``max_bytes`` of them; the least recently used go first.

    Thread-safe. An upload larger than the whole cache is still kept alone (the cache
    never refuses the newest), and dropped by the next one.

    Examples
    --------
    >>> cache = UploadCache(max_bytes=1)
    >>> len(cache), cache.get("nope")
    (0, None)
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[str, Upload] = OrderedDict()
        self._lock = threading.Lock()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def nbytes(self) -> int:
        """Bytes held now."""
        return self._bytes

    def add(self, upload: Upload) -> None:
        """Keep ``upload``, dropping the least recently used ones beyond the limit."""
        with self._lock:
            self._entries[upload.id] = upload
            self._bytes += upload.nbytes
            while self._bytes > self.max_bytes and len(self._entries) > 1:
                _, dropped = self._entries.popitem(last=False)
                self._bytes -= dropped.nbytes

    def get(self, upload_id: str) -> Upload | None:
        """The upload, now the most recently used; ``None`` if unknown or dropped."""
        with self._lock:
            upload = self._entries.get(upload_id)
            if upload is not None:
                self._entries.move_to_end(upload_id)
            return upload

    def remove(self, upload_id: str) -> bool:
        """Forget an upload; whether it was there."""
        with self._lock:
            upload = self._entries.pop(upload_id, None)
            if upload is not None:
                self._bytes -= upload.nbytes
            return upload is not None
