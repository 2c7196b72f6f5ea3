"""The served page and HTTP API (``pixelmeans serve``; the ``web`` extra).

Modules, from the bottom up: ``settings`` (limits and switches), ``cache`` (uploads kept
with their colour histogram, least recently used first out, bounded by bytes), ``urls``
(fetching a URL source without reaching private addresses), ``jobs`` (a bound on
concurrent work), ``work`` (each request's computation, calling the library), ``app`` and
``routes`` (FastAPI), and ``static/`` (the page: plain HTML, CSS and JavaScript).

Only ``app`` and ``routes`` import the web framework, and only when an app is created, so
this package imports without the extra::

    >>> from pixelmeans.web.settings import ServerSettings
    >>> ServerSettings().host
    '127.0.0.1'
"""
