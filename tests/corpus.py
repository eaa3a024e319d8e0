"""The shared corpus of real Japanese public-sector PDFs, beside the checkout (../shared)."""

from pathlib import Path

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "public-pdfs"
