"""The errors of ``extract`` for a document as a whole; a page's own failure is a ``PageError``."""

from __future__ import annotations


class ExtractionError(Exception):
    """The document as a whole cannot be extracted."""


class PasswordProtectedError(ExtractionError):
    def __init__(self) -> None:
        super().__init__("パスワード保護されたPDFです (password-protected PDF)")


class UnsupportedMediaTypeError(ExtractionError):
    pass


class PageLimitExceededError(ExtractionError):
    pass


class ImageTooLargeError(ExtractionError):
    """Raised only by :func:`check_image_size`; inside a document it is a page error."""
