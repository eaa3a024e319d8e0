"""Multipart uploads streamed straight into the object store.

Django's multipart parser *pushes* chunks to an upload handler; the object store *pulls*
from a stream. A bounded pipe between them, with the store's ``put`` running in a thread,
keeps memory flat (a few chunks) whatever the file size, and writes no temporary file.

Most files are small: a part that ends within ``HELD_BYTES`` is held in memory and stored
from the parser's own thread, its length known, in one put. No thread, no pipe: handing
chunks between two threads costs a small upload more than the bytes do (each hand-over
waits for the GIL). The store reads that much into memory for its first part anyway.
"""

from __future__ import annotations

import io
import queue
import threading

from django.core.files.uploadhandler import FileUploadHandler, StopFutureHandlers
from django.http import QueryDict
from django.http.multipartparser import MultiPartParser as DjangoMultiPartParser
from django.http.multipartparser import MultiPartParserError
from django.utils.datastructures import MultiValueDict
from django.utils.http import parse_header_parameters
from rest_framework.exceptions import ParseError
from rest_framework.parsers import BaseParser, DataAndFiles, MultiPartParser

from dms.documents.ingest import IngestError, StoredOriginal, discard, store_original
from dms.errors import ApiError

CHUNK_SIZE = 1024 * 1024
PIPE_CHUNKS = 4  # at most this many chunks wait between the parser and the store
HELD_BYTES = 4 * CHUNK_SIZE  # parts up to this size are stored after they end, in one put


class _Aborted(Exception):
    pass


class _Pipe:
    """A bounded byte pipe: ``write`` from the parser thread, ``read(n)`` from the store's."""

    _EOF = object()
    _ABORT = object()

    def __init__(self) -> None:
        self._queue: queue.Queue = queue.Queue(maxsize=PIPE_CHUNKS)
        self._buffer = b""
        self._ended = False
        self.reader_gone = threading.Event()

    # writer side
    def write(self, data: bytes) -> None:
        while not self.reader_gone.is_set():
            try:
                self._queue.put(data, timeout=0.5)
                return
            except queue.Full:
                continue

    def close(self) -> None:
        self.write(self._EOF)

    def abort(self) -> None:
        self.write(self._ABORT)

    # reader side
    def read(self, n: int = -1) -> bytes:
        # Collect whole chunks and join once, splitting only the chunk that overshoots:
        # every byte is copied once here (appending to one bytes object, or slicing the
        # joined result, would copy it again).
        parts, have = ([self._buffer], len(self._buffer)) if self._buffer else ([], 0)
        self._buffer = b""
        while not self._ended and (n < 0 or have < n):
            item = self._queue.get()
            if item is self._EOF:
                self._ended = True
            elif item is self._ABORT:
                self._ended = True
                raise _Aborted("upload interrupted")
            else:
                parts.append(item)
                have += len(item)
        if 0 <= n < have:
            last = parts[-1]
            keep = len(last) - (have - n)
            parts[-1], self._buffer = last[:keep], last[keep:]
        return parts[0] if len(parts) == 1 else b"".join(parts)


class StoredUpload:
    """What the parser puts in ``request.FILES``: the stored original, or why it failed.

    ``gate_refused``: the view refused the part before any byte was stored.
    """

    def __init__(
        self,
        name: str,
        stored: StoredOriginal | None,
        error: Exception | None,
        gate_refused: bool = False,
    ):
        self.name = name
        self.stored = stored
        self.error = error
        self.gate_refused = gate_refused

    def close(self) -> None:
        """Django closes the parsed files when parsing fails; the parser discards ours."""


class StoreUploadHandler(FileUploadHandler):
    """Streams each file part to the store, once the view's gate lets it through.

    ``gate(field_name, fields_so_far, files_before)`` returns why a part must not be stored
    (an exception the view raises later) or None; ``files_before`` counts the parts let
    through earlier. A refused part's bytes are read and dropped. ``stored`` lists every
    object this handler wrote, so that all of them can be discarded if the request fails.
    """

    chunk_size = CHUNK_SIZE

    def __init__(self, request=None, gate=None, fields_so_far=None):
        super().__init__(request)
        self._gate = gate
        self._fields_so_far = fields_so_far or (lambda: {})
        self._in_flight = False
        self._let_through = 0
        self.stored: list[StoredOriginal] = []

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self._refusal = (
            self._gate(field_name, self._fields_so_far(), self._let_through) if self._gate else None
        )
        if self._refusal is not None:
            raise StopFutureHandlers()  # claimed, so no other handler keeps the bytes
        self._let_through += 1
        self._held: list[bytes] = []
        self._held_size = 0
        self._pipe: _Pipe | None = None
        self._stored: StoredOriginal | None = None
        self._error: Exception | None = None
        self._in_flight = True
        raise StopFutureHandlers()

    def _stream_from_here_on(self) -> None:
        """The part outgrew ``HELD_BYTES``: store it from a thread, fed through the pipe."""
        self._pipe = _Pipe()
        self._thread = threading.Thread(
            target=self._store, args=(self._pipe,), daemon=True, name="upload-to-store"
        )
        self._thread.start()
        held, self._held = self._held, []
        for chunk in held:
            self._pipe.write(chunk)

    def _store(self, stream, length: int | None = None) -> None:
        try:
            self._stored = store_original(stream, filename=self.file_name or "", length=length)
        except (IngestError, _Aborted) as exc:
            self._error = exc
        except Exception as exc:  # reported to the client as a clean error by the view
            self._error = exc
        finally:
            if self._pipe is not None:
                self._pipe.reader_gone.set()  # the parser must never block on a dead reader

    def _end(self, *, abort: bool) -> None:
        """Store a held part, or let the store thread finish the part in flight (or abort
        it), and keep the result."""
        if not self._in_flight:
            return
        self._in_flight = False
        if self._pipe is None:
            held, self._held = self._held, []
            if not abort:
                data = b"".join(held)
                self._store(io.BytesIO(data), length=len(data))
        else:
            self._pipe.abort() if abort else self._pipe.close()
            self._thread.join()
        if self._stored is not None:
            self.stored.append(self._stored)

    def receive_data_chunk(self, raw_data, start):
        if self._refusal is not None:
            return None
        if self._pipe is not None:
            self._pipe.write(raw_data)
            return None
        self._held.append(raw_data)
        self._held_size += len(raw_data)
        if self._held_size > HELD_BYTES:
            self._stream_from_here_on()
        return None

    def file_complete(self, file_size):
        if self._refusal is not None:
            return StoredUpload(self.file_name or "", None, self._refusal, gate_refused=True)
        self._end(abort=False)
        return StoredUpload(self.file_name or "", self._stored, self._error)

    def upload_interrupted(self):
        self._end(abort=True)

    def discard_all(self) -> None:
        """The request failed: stop the part in flight and remove every object stored."""
        self._end(abort=True)
        for stored in self.stored:
            discard(stored)
        self.stored = []


class StreamingMultiPartParser(MultiPartParser):
    """DRF's multipart parser, with files streamed to the object store as they arrive.

    The view's ``upload_gate`` (if it has one) decides for each file part, before its bytes
    are stored, whether to store it; a view without one accepts no file at all. If any part
    is refused, or parsing fails half-way, every part already stored is discarded and the
    request fails: a request either hands the view all its stored files, or none.
    """

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        meta = request.META.copy()
        meta["CONTENT_TYPE"] = media_type
        gate = getattr(parser_context.get("view"), "upload_gate", None) or _refuse_every_file
        parser = None
        handler = StoreUploadHandler(
            request,
            gate=gate,
            # The fields read before the file part. Django keeps them in ``_post`` while it
            # parses; tests/documents/test_uploads.py fails if that ever changes.
            fields_so_far=lambda: parser._post,
        )
        try:
            parser = DjangoMultiPartParser(meta, stream, [handler], parser_context.get("encoding"))
            data, files = parser.parse()
        except BaseException as exc:
            handler.discard_all()
            if isinstance(exc, MultiPartParserError):
                raise ParseError(f"マルチパートの解析に失敗しました: {exc}") from exc
            raise
        refused = next((part for part in _parts(files) if part.gate_refused), None)
        if refused is not None:
            handler.discard_all()
            raise refused.error
        return DataAndFiles(data, files)


def _parts(files) -> list[StoredUpload]:
    return [part for name in files for part in files.getlist(name)]


UNEXPECTED_FILE = ApiError(
    "unexpected_file",
    "ここではファイルを受け付けません (file 欄に1つだけ指定してください)。",
    "No file is accepted here (send one file, in the field named file).",
)


def _refuse_every_file(field_name, fields, files_before):
    return UNEXPECTED_FILE


class RawFileParser(BaseParser):
    """One file as the whole request body, for scanners, scripts and the web app.

    ``POST /api/documents/`` with the file's own ``Content-Type`` (``application/pdf``,
    ``image/tiff`` … or ``application/octet-stream``), its name in ``Content-Disposition``
    (``attachment; filename*=UTF-8''…``) and the upload options (``department``, ``title``,
    ``document_type``, ``document_date``) as query parameters. Every option is known before
    the first byte of the body, so the view's gate decides before anything is stored, and
    the file goes from the socket to the store with its length known: no multipart parse,
    no pipe and no second thread (benchmarks/upload.py measures both paths).

    Listed after the JSON and multipart parsers, it takes every other content type; what is
    not a supported file is then refused by the media check, as a multipart part would be.
    """

    media_type = "*/*"

    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        request = parser_context["request"]
        gate = getattr(parser_context.get("view"), "upload_gate", None) or _refuse_every_file
        options = request.query_params
        refusal = gate("file", options, 0)
        if refusal is not None:
            raise refusal  # nothing read, nothing stored
        filename = _filename(request.META.get("HTTP_CONTENT_DISPOSITION", ""))
        length = request.META.get("CONTENT_LENGTH")
        length = int(length) if length and length.isdigit() else None
        try:
            stored = store_original(stream or io.BytesIO(), filename=filename, length=length)
            upload = StoredUpload(filename, stored, None)
        except IngestError as exc:
            upload = StoredUpload(filename, None, exc)
        data = QueryDict(mutable=True)
        data.update(options)
        return DataAndFiles(data, MultiValueDict({"file": [upload]}))


def _filename(disposition: str) -> str:
    """The file name of a ``Content-Disposition`` header (``filename*`` wins, RFC 6266)."""
    if not disposition:
        return ""
    _, params = parse_header_parameters(disposition)
    return params.get("filename*") or params.get("filename") or ""
