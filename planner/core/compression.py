"""Compressed responses: pages, JSON, scripts and styles go out gzipped to browsers that accept
it (every browser does), so a plan page and its charts arrive in a fraction of their size.

Static files (the plotly bundle above all) are compressed once and kept, keyed by path and ETag;
pages and JSON are compressed per response (a few milliseconds for a plan page).
"""

from __future__ import annotations

import gzip
import threading

from flask import Flask, Response, request

COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/csv",
    "text/plain",
    "text/javascript",
    "application/javascript",
    "application/json",
    "image/svg+xml",
)
SMALLEST = 1024  # below this, compressing saves less than it costs
LEVEL = 6
_STATIC: dict[tuple[str, str], bytes] = {}
_STATIC_LOCK = threading.Lock()


def init_app(app: Flask) -> None:
    app.before_request(_plain_etags_asked_for)
    app.after_request(compress)


def _plain_etags_asked_for() -> None:
    """A browser revalidates with the compressed body's tag; the views compare plain ones."""
    asked = request.environ.get("HTTP_IF_NONE_MATCH", "")
    if '-gzip"' in asked:
        request.environ["HTTP_IF_NONE_MATCH"] = asked.replace('-gzip"', '"')


def compress(response: Response) -> Response:
    if not _worth_compressing(response):
        return response
    if response.direct_passthrough:  # a file sent as is: compress it once, keep the result
        key = (request.path, response.headers.get("ETag", ""))
        with _STATIC_LOCK:
            body = _STATIC.get(key)
        if body is None:
            response.direct_passthrough = False
            body = gzip.compress(response.get_data(), LEVEL)
            if key[1]:
                with _STATIC_LOCK:
                    _STATIC[key] = body
        response.direct_passthrough = False
        response.set_data(body)
    else:
        response.set_data(gzip.compress(response.get_data(), LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    etag = response.headers.get("ETag")
    if etag and not etag.endswith('-gzip"'):
        # A different body needs a different tag (caches keep both forms apart).
        response.headers["ETag"] = etag[:-1] + '-gzip"' if etag.endswith('"') else etag
    return response


def _worth_compressing(response: Response) -> bool:
    if response.status_code != 200 or "Content-Encoding" in response.headers:
        return False
    if response.mimetype not in COMPRESSIBLE or request.method == "HEAD":
        return False
    if request.accept_encodings.quality("gzip") <= 0:
        return False
    length = response.content_length
    return length is None or length >= SMALLEST
