"""What a path argument names: one file, or several (a folder, or a glob pattern)."""

from __future__ import annotations

from pathlib import Path

from .download import is_url

PATTERN_CHARACTERS = "*?["


def names_several(spec: str) -> bool:
    """True when ``spec`` names a folder, or is a glob pattern and not an existing file
    (``scan[1].png`` that exists is a file, however it is spelled) nor a URL (whose ``?``
    starts a query).

    Examples
    --------
    >>> names_several("/"), names_several("/no/such/*.png"), names_several("/no/such.png")
    (True, True, False)
    >>> names_several("https://example.org/a.png?size=2")
    False
    """
    if is_url(spec) or "://" in spec:
        return False
    path = Path(spec)
    return path.is_dir() or (not path.exists() and any(c in spec for c in PATTERN_CHARACTERS))
