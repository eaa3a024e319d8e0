"""Generated benchmark corpus: Japanese municipal documents with known text.

``python -m benchmarks.corpus`` writes born-digital PDFs (IPAex embedded, real text layer,
horizontal and vertical) and degraded scans of them (300 and 200 dpi, skew ±2°, blur,
noise, JPEG) with their ground truth to ``var/bench/corpus/`` (gitignored).
"""
