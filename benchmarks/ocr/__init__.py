"""OCR and text extraction benchmark (``python -m benchmarks.ocr``); see README.md here."""
