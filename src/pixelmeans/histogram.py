"""The exact colour histogram of an image: its distinct colours and their pixel counts.

K-means on pixels with their counts as weights is exactly K-means on the pixels, so image
tasks cluster the histogram instead of the pixels. Colours are packed into 24-bit codes and
counted with one ``np.bincount``. It knows nothing about K-means.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .io import as_image

N_CODES = 1 << 24


@dataclass(frozen=True)
class ColorHistogram:
    """Distinct colours of an image and how many (counted) pixels have each.

    Attributes
    ----------
    colors : ndarray of shape (m, 3), uint8
        Distinct sRGB colours, in increasing order of their 24-bit code.
    counts : ndarray of shape (m,), int64
        Pixels of each colour; they sum to the number of counted pixels.
    """

    colors: np.ndarray
    counts: np.ndarray

    @property
    def n_colors(self) -> int:
        """Number of distinct colours."""
        return int(self.counts.size)

    @property
    def n_pixels(self) -> int:
        """Number of counted pixels."""
        return int(self.counts.sum())

    def coarsen(self, bits: int) -> tuple[np.ndarray, np.ndarray]:
        """Merge colours that share their top ``bits`` bits per channel.

        Returns the count-weighted mean colour of each non-empty bin (float64, 0–255) and the
        bin's pixel count. Clustering these with their counts as weights approximates
        clustering the pixels to within the bin width.
        """
        shift = 8 - bits
        c = self.colors >> shift
        bins = (c[:, 0].astype(np.int64) << (2 * bits)) | (c[:, 1].astype(np.int64) << bits) \
            | c[:, 2]
        size = 1 << (3 * bits)
        weights = np.bincount(bins, weights=self.counts, minlength=size)
        used = np.flatnonzero(weights)
        sums = np.stack([np.bincount(bins, weights=self.colors[:, j] * self.counts.astype(float),
                                     minlength=size)[used] for j in range(3)], axis=1)
        return sums / weights[used, None], weights[used].astype(np.int64)


def pack_rgb(pixels: np.ndarray) -> np.ndarray:
    """``(..., 3)`` uint8 colours to flat uint32 codes ``r << 16 | g << 8 | b``.

    Examples
    --------
    >>> pack_rgb(np.array([[1, 2, 3]], dtype=np.uint8)).tolist()
    [66051]
    """
    flat = pixels.reshape(-1, 3)
    codes = flat[:, 0].astype(np.uint32)
    codes <<= 8
    codes |= flat[:, 1]
    codes <<= 8
    codes |= flat[:, 2]
    return codes


def unpack_rgb(codes: np.ndarray) -> np.ndarray:
    """Inverse of :func:`pack_rgb`: codes to ``(m, 3)`` uint8 colours."""
    codes = np.asarray(codes)
    return np.stack([(codes >> 16) & 255, (codes >> 8) & 255, codes & 255],
                    axis=1).astype(np.uint8)


def color_histogram(image) -> ColorHistogram:
    """Count the distinct colours of the pixels that count (the opaque ones).

    Parameters
    ----------
    image : RGBImage or anything :func:`pixelmeans.io.load_image` accepts

    Returns
    -------
    ColorHistogram

    Examples
    --------
    >>> import numpy as np
    >>> img = np.array([[[255, 0, 0], [255, 0, 0], [0, 0, 255]]], dtype=np.uint8)
    >>> h = color_histogram(img)
    >>> h.colors.tolist(), h.counts.tolist()
    ([[0, 0, 255], [255, 0, 0]], [1, 2])
    """
    img = as_image(image)
    return histogram_of_codes(img.counted(pack_rgb(img.pixels)))


def histogram_of_codes(codes: np.ndarray) -> ColorHistogram:
    """The histogram of already packed colour codes (see :func:`pack_rgb`).

    Examples
    --------
    >>> histogram_of_codes(np.array([5, 5, 1], dtype=np.uint32)).counts.tolist()
    [1, 2]
    """
    # np.add.at into a uint32 table is faster than np.bincount here (no int64 copy of the
    # codes, half the table); uint32 cannot overflow below 2**32 pixels.
    counts = np.zeros(N_CODES, dtype=np.uint32 if codes.size < 2**32 else np.int64)
    np.add.at(counts, codes, counts.dtype.type(1))  # a matching scalar keeps the fast path
    present = np.flatnonzero(counts)
    return ColorHistogram(unpack_rgb(present), counts[present].astype(np.int64))
