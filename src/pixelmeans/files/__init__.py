"""Bytes in and out, safely: bounded reads of regular files and streams, one downloader,
and atomic writes of files and folders. Knows nothing about images."""
