"""The least an upload endpoint can do: a bare WSGI app that puts the request body to S3.

Used by ``benchmarks.upload`` as a diagnostic "floor": no Django, no multipart, no hashing
of its own, no database; the body goes to ``minio`` ``put_object`` with its length known
(the SDK's defaults, as the baseline). The gap between it and the plain put is what any
Python web front adds on this machine, before doing anything an archive must do.
"""

from __future__ import annotations

import os
import uuid

from benchmarks.upload import s3_client

CLIENT = s3_client(dict(os.environ))  # the baseline's client, the same settings
BUCKET = os.environ["KIROKU_S3_BUCKET"]


def application(environ, start_response):
    if environ["REQUEST_METHOD"] != "PUT":
        start_response("405 Method Not Allowed", [("Content-Length", "0")])
        return [b""]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    key = f"floor/{uuid.uuid4().hex}"
    CLIENT.put_object(BUCKET, key, environ["wsgi.input"], length, content_type="application/pdf")
    body = b'{"key": "%s"}' % key.encode()
    start_response(
        "201 Created", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))]
    )
    return [body]
