"""What a file is, judged by its first bytes (never by its name)."""

PDF = "application/pdf"
TIFF = "image/tiff"
JPEG = "image/jpeg"
PNG = "image/png"
ACCEPTED = (PDF, TIFF, JPEG, PNG)
SNIFF_BYTES = 1024

EXTENSIONS = {PDF: ".pdf", TIFF: ".tif", JPEG: ".jpg", PNG: ".png"}
UNSUPPORTED_MESSAGE = (
    "対応していないファイル形式です。PDF、TIFF、JPEG、PNG のいずれかを送ってください。"
)
UNSUPPORTED_MESSAGE_EN = "Unsupported file type. Please send a PDF, TIFF, JPEG or PNG file."


def sniff(head: bytes) -> str | None:
    """The accepted media type that ``head`` (the file's first bytes) starts, or None."""
    # PDF readers accept a header anywhere in the first 1024 bytes; so do we.
    if b"%PDF-" in head[:SNIFF_BYTES]:
        return PDF
    if head.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return TIFF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    return None
