"""Which files an upload accepts: what a file is comes from ``ocr.media`` (its first bytes,
never its name), the same judgement extraction makes; here only what ingest adds to it."""

from ocr.media import JPEG, PDF, PNG, SNIFF_BYTES, TIFF, sniff

__all__ = [
    "EXTENSIONS",
    "SNIFF_BYTES",
    "UNSUPPORTED_MESSAGE",
    "UNSUPPORTED_MESSAGE_EN",
    "sniff",
]

# Every type ocr.media.sniff recognises is accepted; the original is spooled under this suffix.
EXTENSIONS = {PDF: ".pdf", TIFF: ".tif", JPEG: ".jpg", PNG: ".png"}
UNSUPPORTED_MESSAGE = (
    "対応していないファイル形式です。PDF、TIFF、JPEG、PNG のいずれかを送ってください。"
)
UNSUPPORTED_MESSAGE_EN = "Unsupported file type. Please send a PDF, TIFF, JPEG or PNG file."
