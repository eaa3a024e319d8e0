"""Which files an upload accepts: what a file is comes from ``ocr.media`` (its first bytes,
never its name), the same judgement extraction makes; here only what ingest adds to it."""

from ocr.media import JPEG, PDF, PNG, SNIFF_BYTES, TIFF, sniff

__all__ = [
    "EXTENSIONS",
    "SNIFF_BYTES",
    "UNSUPPORTED_MESSAGE",
    "UNSUPPORTED_MESSAGE_EN",
    "named_as",
    "sniff",
]

# Every type ocr.media.sniff recognises is accepted; the original is stored and spooled
# under this suffix.
EXTENSIONS = {PDF: ".pdf", TIFF: ".tif", JPEG: ".jpg", PNG: ".png"}
# Suffixes a file of each type may already have in its name.
_USUAL_SUFFIXES = {
    PDF: (".pdf",),
    TIFF: (".tif", ".tiff"),
    JPEG: (".jpg", ".jpeg", ".jpe", ".jfif"),
    PNG: (".png",),
}
UNSUPPORTED_MESSAGE = (
    "対応していないファイル形式です。PDF、TIFF、JPEG、PNG のいずれかを送ってください。"
)
UNSUPPORTED_MESSAGE_EN = "Unsupported file type. Please send a PDF, TIFF, JPEG or PNG file."


def named_as(filename: str, media_type: str) -> str:
    """``filename`` with a suffix that says what the file is: a PDF sent as ``申請書.html``
    is saved by whoever downloads it as ``申請書.html.pdf``, never opened as a web page."""
    if filename.lower().endswith(_USUAL_SUFFIXES[media_type]):
        return filename
    return filename + EXTENSIONS[media_type]
