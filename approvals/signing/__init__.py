"""Signatures on decision PDFs: staff keys behind PKCS#11, the 日付印 appearance, PAdES
signatures with RFC 3161 timestamps, pending signatures applied in route order, and
their verification. See docs/signing.md."""
