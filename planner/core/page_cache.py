"""Pages rendered once and kept: the agreed plan, a plan's page, a place page and a plan's API
answer are rendered for the first reader of each role and kept, already compressed, until the
partnership's data changes.

A kept page is keyed by what it shows and who may see it: the page, its subject (a plan or a
place), the reader's role (navigation and buttons depend on it) and the data generation
(planner.core.generation), which every committed change raises, so a change makes every kept
page out of date in every process at once. Access checks run before a kept page is looked up:
a place lead is refused another place's page whether or not it is kept.

The only parts of a page that belong to one person, the signed-in name and the form token, are
rendered as holes and filled in as each page is sent, so one person's name or token never
reaches another. A page is kept as its text between the holes, each piece also deflated on its
own, so sending it compressed is a matter of joining the pieces with the filled holes (deflated
on the spot, a few dozen bytes each) inside one gzip stream: no page is rendered or compressed
per request. Pages are kept in each process (the newest KEPT_IN_MEMORY) and written to the
instance folder, so the web server's worker processes share them; a page shown with a one-off
notice (a flashed message) is rendered as before and not kept.

Each reader's copy has its own ETag (the page, the reader and their form token), so a browser
that has the page already gets 304 Not Modified.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import struct
import threading
import time
import uuid
import zlib
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, Response, current_app, g, make_response, request, session
from flask.typing import ResponseReturnValue
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import escape
from werkzeug.wrappers import Response as BaseResponse

from planner.core.generation import request_generation
from planner.db import get_session

KEPT_IN_MEMORY = 64
# Files in the instance folder from other subjects' older generations are removed when a page
# replaces them; past this many the oldest go too.
KEPT_ON_DISK = 2000
FOLDER = "page-cache"
LEVEL = 6
# A reader's filled copy of a page is sent again for a minute at most: its form token stays
# valid far longer (the session's token, signed when filled), and in a minute it costs little
# to fill again.
FILLED_SECONDS = 60
FILLED_BYTES = 32 * 1024 * 1024
# The holes a page's per-person parts leave, and how each is filled in when the page is sent.
HOLES = ("csrf", "name")
_GZIP_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # no name, no time, unknown OS
_FINAL_BLOCK = zlib.compressobj(LEVEL, zlib.DEFLATED, -15).flush()  # an empty last block


def _deflated(piece: bytes, level: int = LEVEL) -> bytes:
    """A piece as raw deflate blocks that end on a byte boundary without ending the stream:
    such pieces joined one after another are one valid stream (none refers back into another)."""
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(piece) + compressor.flush(zlib.Z_SYNC_FLUSH)


@dataclass(frozen=True)
class KeptPage:
    """A rendered page: its text between the holes, the same pieces deflated, and which hole
    comes after each piece but the last."""

    pieces: tuple[bytes, ...]
    deflated: tuple[bytes, ...]
    holes: tuple[str, ...]
    mimetype: str
    digest: str

    @classmethod
    def of(cls, text: str | bytes, mimetype: str, marker: str = "") -> KeptPage:
        body = text.encode() if isinstance(text, str) else text
        if marker:
            split = re.split(rf"{marker}({'|'.join(HOLES)})".encode(), body)
            pieces, holes = tuple(split[0::2]), tuple(hole.decode() for hole in split[1::2])
        else:
            pieces, holes = (body,), ()
        digest = hashlib.sha256(b"\0".join((*pieces, *(h.encode() for h in holes)))).hexdigest()
        return cls(pieces, tuple(_deflated(p) for p in pieces), holes, mimetype, digest[:32])

    def body(self, fills: dict[str, bytes]) -> bytes:
        return b"".join(self._parts(self.pieces, fills))

    def gzipped(self, fills: dict[str, bytes]) -> bytes:
        """The page with its holes filled, as a gzip stream (RFC 1952)."""
        crc = size = 0
        for part in self._parts(self.pieces, fills):
            crc = zlib.crc32(part, crc)
            size += len(part)
        deflated_fills = {hole: _deflated(fills[hole], 1) for hole in set(self.holes)}
        stream = b"".join(self._parts(self.deflated, deflated_fills))
        return b"".join(
            (_GZIP_HEADER, stream, _FINAL_BLOCK, struct.pack("<II", crc, size & 0xFFFFFFFF))
        )

    def _parts(self, pieces: tuple[bytes, ...], fills: dict[str, bytes]) -> Iterator[bytes]:
        for index, piece in enumerate(pieces):
            yield piece
            if index < len(self.holes):
                yield fills[self.holes[index]]

    def to_bytes(self) -> bytes:
        header = json.dumps(
            {
                "pieces": [len(p) for p in self.pieces],
                "deflated": [len(p) for p in self.deflated],
                "holes": list(self.holes),
                "mimetype": self.mimetype,
                "digest": self.digest,
            }
        ).encode()
        return b"".join((struct.pack("<I", len(header)), header, *self.pieces, *self.deflated))

    @classmethod
    def from_bytes(cls, stored: bytes) -> KeptPage:
        (length,) = struct.unpack_from("<I", stored)
        header = json.loads(stored[4 : 4 + length])
        position = 4 + length
        read: dict[str, tuple[bytes, ...]] = {}
        for name in ("pieces", "deflated"):
            parts = []
            for size in header[name]:
                parts.append(stored[position : position + size])
                position += size
            read[name] = tuple(parts)
        if position != len(stored):
            raise ValueError("a kept page's file is not the length its header says")
        return cls(
            read["pieces"],
            read["deflated"],
            tuple(header["holes"]),
            header["mimetype"],
            header["digest"],
        )


@dataclass(frozen=True)
class PageKey:
    page: str
    subject: int
    role: str
    generation: int

    def file_prefix(self) -> str:
        return f"{self.page}-{self.subject}-{self.role or 'any'}-"


class PageCache:
    """Kept pages of one app: the newest in memory, all in the instance folder."""

    def __init__(self, folder: Path, epoch: str) -> None:
        self.folder = folder
        # A new app (a restart, a new release) never reads pages an older one kept.
        self.epoch = epoch
        self._memory: OrderedDict[PageKey, KeptPage] = OrderedDict()
        self._lock = threading.Lock()
        self._rendering: dict[PageKey, threading.Lock] = {}
        # Readers' filled copies, by tag: (when filled, body); at most FILLED_BYTES in all.
        self._filled: OrderedDict[str, tuple[float, bytes]] = OrderedDict()
        self._filled_bytes = 0

    def _path(self, key: PageKey) -> Path:
        return self.folder / f"{key.file_prefix()}{self.epoch}-{key.generation}.page"

    def get(self, key: PageKey) -> KeptPage | None:
        with self._lock:
            page = self._memory.get(key)
            if page is not None:
                self._memory.move_to_end(key)
                return page
        try:
            page = KeptPage.from_bytes(self._path(key).read_bytes())
        except (OSError, ValueError):  # not kept by any process yet, or being replaced
            return None
        self._remember(key, page)
        return page

    def put(self, key: PageKey, page: KeptPage) -> None:
        self._remember(key, page)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            path = self._path(key)
            partial = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
            partial.write_bytes(page.to_bytes())
            os.replace(partial, path)  # readers see the whole file or none
            self._prune(key, path)
        except OSError as error:  # a full or read-only disk: pages are still kept in memory
            current_app.logger.warning("could not keep a page in %s: %s", self.folder, error)

    def _remember(self, key: PageKey, page: KeptPage) -> None:
        with self._lock:
            self._memory[key] = page
            self._memory.move_to_end(key)
            while len(self._memory) > KEPT_IN_MEMORY:
                self._memory.popitem(last=False)

    def _prune(self, key: PageKey, kept: Path) -> None:
        for older in self.folder.glob(f"{key.file_prefix()}*.page"):
            if older != kept:
                older.unlink(missing_ok=True)
        files = list(self.folder.glob("*.page"))
        if len(files) > KEPT_ON_DISK:
            files.sort(key=lambda path: path.stat().st_mtime if path.exists() else 0)
            for path in files[: len(files) - KEPT_ON_DISK]:
                path.unlink(missing_ok=True)

    def filled(self, tag: str) -> bytes | None:
        with self._lock:
            found = self._filled.get(tag)
            if found is None:
                return None
            if time.monotonic() - found[0] > FILLED_SECONDS:
                self._drop_filled(tag)
                return None
            self._filled.move_to_end(tag)
            return found[1]

    def keep_filled(self, tag: str, body: bytes) -> None:
        with self._lock:
            if tag in self._filled:
                self._drop_filled(tag)
            self._filled[tag] = (time.monotonic(), body)
            self._filled_bytes += len(body)
            while self._filled_bytes > FILLED_BYTES and self._filled:
                self._drop_filled(next(iter(self._filled)))

    def _drop_filled(self, tag: str) -> None:
        _when, body = self._filled.pop(tag)
        self._filled_bytes -= len(body)

    @contextmanager
    def rendering(self, key: PageKey) -> Iterator[None]:
        """One thread of this process renders a page at a time: the others wait for it and
        then find it kept, rather than all rendering it at once."""
        with self._lock:
            lock = self._rendering.setdefault(key, threading.Lock())
        with lock:
            yield
        with self._lock:
            if not lock.locked():
                self._rendering.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._memory.clear()
            self._filled.clear()
            self._filled_bytes = 0
        for path in self.folder.glob("*.page"):
            path.unlink(missing_ok=True)


def init_app(app: Flask) -> None:
    folder = Path(app.instance_path) / FOLDER
    app.extensions["page_cache"] = PageCache(folder, uuid.uuid4().hex[:12])


def page_cache() -> PageCache:
    cache: PageCache = current_app.extensions["page_cache"]
    return cache


def clear_kept_pages(app: Flask) -> None:
    """Forget every kept page (the server does this as it starts: its code may be new)."""
    cache: PageCache = app.extensions["page_cache"]
    cache.clear()


Render = Callable[[], "str | bytes | BaseResponse"]


def kept_page(page: str, subject: int, render: Render) -> ResponseReturnValue:
    """The page for the signed-in reader, from the kept copy if there is one, rendered and kept
    otherwise. `render` returns the page's HTML, or a response to send as it is and not keep (a
    redirect); it runs only once the caller has checked the reader may see the page."""
    if session.get("_flashes"):  # a one-off notice is shown once, on a page of its own
        return render()
    key = _key(page, subject, str(current_user.role.value))
    if key is None:
        return render()
    kept = _kept_or_rendered(key, lambda: _render_with_holes(render))
    if isinstance(kept, BaseResponse):
        return kept
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if not session.get(token_field):
        generate_csrf()  # the page's forms need the session's token: it gets one now
    tag = etag_of(kept.digest, current_user.get_id(), current_user.name, session[token_field])

    def fills() -> dict[str, bytes]:
        return {
            "csrf": str(escape(generate_csrf())).encode(),
            "name": str(escape(current_user.name)).encode(),
        }

    return _send(kept, tag, fills)


def kept_answer(page: str, subject: int, render: Render, mimetype: str) -> ResponseReturnValue:
    """An answer that is the same for every reader allowed it (an API answer), kept as
    `kept_page` keeps pages."""

    def rendered() -> KeptPage | BaseResponse:
        answer = render()
        return answer if isinstance(answer, BaseResponse) else KeptPage.of(answer, mimetype)

    key = _key(page, subject, "")
    if key is None:
        fresh = rendered()
        return fresh if isinstance(fresh, BaseResponse) else _send(fresh, fresh.digest, dict)

    kept = _kept_or_rendered(key, rendered)
    if isinstance(kept, BaseResponse):
        return kept
    return _send(kept, kept.digest, dict)


def _key(page: str, subject: int, role: str) -> PageKey | None:
    generation = request_generation(get_session())
    if generation is None:  # no counter to tell when a kept page is out of date: keep nothing
        return None
    return PageKey(page, subject, role, generation)


def _kept_or_rendered(
    key: PageKey, render: Callable[[], KeptPage | BaseResponse]
) -> KeptPage | BaseResponse:
    cache = page_cache()
    kept = cache.get(key)
    if kept is not None:
        return kept
    with cache.rendering(key):
        kept = cache.get(key)
        if kept is not None:
            return kept
        fresh = render()
        if isinstance(fresh, KeptPage):
            cache.put(key, fresh)
        return fresh


def _render_with_holes(render: Render) -> KeptPage | BaseResponse:
    """Render the page with a marker where the form token and the reader's name go."""
    marker = f"pagecache{uuid.uuid4().hex}"
    token_field = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = g.pop(token_field, None)
    reader = current_user._get_current_object()
    # generate_csrf answers with the request's token once it has one; Flask-Login's
    # current_user is the request's user: both become markers for the render.
    setattr(g, token_field, f"{marker}csrf")
    stand_in = copy.copy(reader)
    stand_in.name = f"{marker}name"
    g._login_user = stand_in
    try:
        answer = render()
    finally:
        g.pop(token_field, None)
        if token is not None:
            setattr(g, token_field, token)
        g._login_user = reader
    if isinstance(answer, BaseResponse):
        return answer
    return KeptPage.of(answer, "text/html", marker)


def _send(kept: KeptPage, tag: str, fills: Callable[[], dict[str, bytes]]) -> Response:
    """The page with its holes filled: the same reader's copy of this page, if sent lately,
    is sent again as it was (its tag names the page, the reader and their form token)."""
    compressed = request.accept_encodings.quality("gzip") > 0
    # The compressed body has a tag of its own, as planner.core.compression gives it; that
    # module turns it back into the plain tag in a browser's If-None-Match before views see it.
    sent_tag = f"{tag}-gzip" if compressed else tag
    if tag in request.if_none_match or sent_tag in request.if_none_match:
        response = make_response("", 304)
    else:
        cache = page_cache()
        body = cache.filled(sent_tag)
        if body is None:
            body = kept.gzipped(fills()) if compressed else kept.body(fills())
            cache.keep_filled(sent_tag, body)
        response = Response(body, mimetype=kept.mimetype)
        if compressed:
            response.headers["Content-Encoding"] = "gzip"
    response.vary.add("Accept-Encoding")
    response.set_etag(sent_tag)
    response.headers["Cache-Control"] = "private, no-cache"
    return response


def etag_of(*parts: object) -> str:
    """A short tag for what the parts say (a page's digest and its reader, a plan's answer)."""
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:32]
