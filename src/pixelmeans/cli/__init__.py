"""The ``pixelmeans`` command line: one module per command, each of which parses its
options, calls one library function and presents the result."""

from .main import main

__all__ = ["main"]
