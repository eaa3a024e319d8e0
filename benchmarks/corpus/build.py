"""Lay the generated documents out, write born-digital PDFs, render and degrade scans.

Everything is deterministic for a seed: the text, the layout, the skew, blur, noise and
JPEG quality of every scan (noise comes from ``random.Random``, not from Pillow's
unseeded ``effect_noise``).
"""

from __future__ import annotations

import io
import json
import random
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pypdfium2
from PIL import Image, ImageDraw, ImageFilter

from benchmarks.corpus.documents import Document, documents
from benchmarks.corpus.pdfwriter import PAGE_SIZE, CidFontWriter, Run, write_pdf

FONT = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 70.0, 80.0, 80.0


@dataclass(frozen=True)
class LaidOut:
    runs: list[Run]
    lines: list[str]  # ground truth, in reading order


def _wrap(text: str, fits) -> list[str]:
    lines, current = [], ""
    for char in text:
        if current and not fits(current + char):
            lines.append(current)
            current = ""
        current += char
    return [*lines, current] if current else lines


def layout_page(lines: list[str], vertical: bool, measure: CidFontWriter) -> LaidOut:
    runs: list[Run] = []
    truth: list[str] = []
    if vertical:
        size, pitch = 12.0, 24.0
        per_column = int((PAGE_SIZE[1] - MARGIN_TOP - MARGIN_BOTTOM) / size)
        x = PAGE_SIZE[0] - MARGIN_X - size / 2
        for index, line in enumerate(lines):
            for column in _wrap(line, lambda s: len(s) <= per_column):
                runs.append(Run(column, x, MARGIN_TOP, size, vertical=True))
                truth.append(column)
                x -= pitch
            if index == 0:
                x -= pitch / 2
    else:
        width = PAGE_SIZE[0] - 2 * MARGIN_X
        y = MARGIN_TOP
        for index, line in enumerate(lines):
            size = 16.0 if index == 0 else 11.0
            for part in _wrap(line, lambda s, size=size: measure.text_width(s, size) <= width):
                runs.append(Run(part, MARGIN_X, y, size))
                truth.append(part)
                y += size * 1.9
    return LaidOut(runs, truth)


def degrade(image: Image.Image, rng: random.Random) -> tuple[Image.Image, dict]:
    """Skew ±2°, paper tone, blur, speckle and grain; returns the image and what was done."""
    skew = round(rng.uniform(-2.0, 2.0), 2)
    blur = round(rng.uniform(0.3, 0.9), 2)
    grain = round(rng.uniform(0.03, 0.08), 3)
    paper = rng.randint(225, 248)
    image = image.point(lambda v, paper=paper: v * paper // 255)
    image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=paper)
    image = image.filter(ImageFilter.GaussianBlur(blur))
    noise = Image.frombytes("L", image.size, rng.randbytes(image.width * image.height))
    image = Image.blend(image, noise, grain)
    # sparse dust: a few hundred dark specks of 1-3 px
    draw = ImageDraw.Draw(image)
    for _ in range(int(image.width * image.height * 0.00003)):
        x, y, r = rng.randrange(image.width), rng.randrange(image.height), rng.uniform(0.5, 1.5)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(30, 90))
    quality = rng.randint(55, 80)
    return image, {"skew": skew, "blur": blur, "grain": grain, "paper": paper, "jpeg": quality}


def image_only_pdf(jpegs: list[tuple[bytes, int, int, int]], path: Path) -> None:
    """A scanned PDF: each page one grayscale JPEG (bytes passed through), at its dpi."""
    with pikepdf.new() as pdf:
        for data, width, height, dpi in jpegs:
            w, h = width * 72 / dpi, height * 72 / dpi
            pdf.add_blank_page(page_size=(w, h))
            page = pdf.pages[-1]
            image = pikepdf.Stream(pdf, data)
            image.Type, image.Subtype = pikepdf.Name.XObject, pikepdf.Name.Image
            image.Width, image.Height, image.BitsPerComponent = width, height, 8
            image.ColorSpace, image.Filter = pikepdf.Name.DeviceGray, pikepdf.Name.DCTDecode
            page.obj.Resources = pikepdf.Dictionary(XObject=pikepdf.Dictionary(Im0=image))
            page.obj.Contents = pdf.make_stream(f"q {w:.3f} 0 0 {h:.3f} 0 0 cm /Im0 Do Q".encode())
        pdf.save(path, deterministic_id=True)


def build(out: Path, *, seed: int, count: int, dpis: tuple[int, ...] = (300, 200)) -> dict:
    out.mkdir(parents=True, exist_ok=True)
    (out / "born").mkdir(exist_ok=True)
    for dpi in dpis:
        (out / f"scan{dpi}").mkdir(exist_ok=True)
    measure = CidFontWriter(FONT)
    manifest: dict = {"seed": seed, "documents": []}
    for document in documents(seed, count):
        manifest["documents"].append(_build_document(out, document, measure, seed, dpis))
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
    return manifest


def _build_document(
    out: Path, document: Document, measure: CidFontWriter, seed: int, dpis: tuple[int, ...]
) -> dict:
    vertical = document.direction == "vertical"
    laid = [layout_page(lines, vertical, measure) for lines in document.pages]
    born = out / "born" / f"{document.id}.pdf"
    write_pdf([page.runs for page in laid], born, FONT, f"{document.kind} {document.id}")
    entry = {
        "id": document.id,
        "kind": document.kind,
        "direction": document.direction,
        "born": str(born.relative_to(out)),
        "pages": [{"truth": "\n".join(page.lines)} for page in laid],
    }
    rng = random.Random(f"{seed}:{document.id}")
    pdf = pypdfium2.PdfDocument(str(born))
    try:
        for dpi in dpis:
            jpegs = []
            for index in range(len(pdf)):
                page = pdf[index]
                bitmap = page.render(scale=dpi / 72, grayscale=True)
                clean = bitmap.to_pil().convert("L")
                bitmap.close()
                page.close()
                scan, how = degrade(clean, rng)
                buffer = io.BytesIO()
                scan.save(buffer, "JPEG", quality=how["jpeg"], dpi=(dpi, dpi))
                name = f"scan{dpi}/{document.id}-{index + 1}.jpg"
                (out / name).write_bytes(buffer.getvalue())
                entry["pages"][index][f"scan{dpi}"] = name
                entry["pages"][index][f"scan{dpi}_degradation"] = how
                jpegs.append((buffer.getvalue(), scan.width, scan.height, dpi))
            scanned = out / f"scan{dpi}" / f"{document.id}.pdf"
            image_only_pdf(jpegs, scanned)
            entry[f"scan{dpi}_pdf"] = str(scanned.relative_to(out))
    finally:
        pdf.close()
    return entry
