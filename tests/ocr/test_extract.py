"""ocr.extract on real PDFs from the shared corpus and on rendered pages, with real Tesseract.

No mocks: the OCR tests run the tesseract binary (``tests.services.require``); the
"hanging page" test runs a real slow subprocess through the ``tesseract_cmd`` option.
"""

from __future__ import annotations

import io
import stat
import time

import pdfplumber
import pikepdf
import pytest
from PIL import Image

import ocr
from ocr import ExtractOptions, extract
from tests import services
from tests.corpus import CORPUS
from tests.ocr.pages import HORIZONTAL, VERTICAL, cer, encode, render, squeeze

PDF = "application/pdf"
NAT23 = CORPUS / "nat23_courts_hanrei-092891_keiji.pdf"
NAT10 = CORPUS / "nat10_mlit-kanto_r6-tokyo-kokudo-kaichiku-hozen_nyusatsu-setsumeisho.pdf"
JO = CORPUS / "extra_miyazawa-haru-to-shura-jo_vertical.pdf"
PDFJS_VERTICAL = CORPUS / "extra_pdfjs-vertical-test.pdf"


def _first_pages(path, count: int) -> bytes:
    with pikepdf.open(path) as pdf:
        del pdf.pages[count:]
        out = io.BytesIO()
        pdf.save(out)
        return out.getvalue()


# --- born-digital ---------------------------------------------------------------------------


def test_born_digital_pdf_is_read_from_its_text_layer_and_is_its_own_archive():
    seen = []
    result = extract(NAT23, PDF, options=ExtractOptions(on_page=lambda p: seen.append(p.number)))
    assert seen == [1, 2, 3]  # progress, page by page
    assert [p.source for p in result.pages] == ["text_layer"] * 3
    assert result.errors == ()
    assert result.language == "ja"
    first = result.pages[0]
    assert first.unit == "pt" and first.width == pytest.approx(595.32, abs=0.1)
    assert "令和６年３月２７日" in first.raw_text  # raw text as the PDF has it
    assert "令和6年3月27日" in first.text  # normalised: full-width digits folded
    assert "宣告日令和6年3月27日" in first.text  # the layout's spaces inside Japanese removed
    assert first.words and all(w.confidence == 100.0 for w in first.words)
    assert result.metadata.document_date is not None
    assert result.archive_is_original and result.archive_pdf is None
    assert not result.archive_pdfa


def test_full_width_letters_and_digits_are_normalised_for_search():
    result = extract(_first_pages(NAT10, 2), PDF)
    assert "Ｒ６東京国道" in result.raw_text
    assert "R6東京国道" in result.text


def test_vertical_pdf_with_identity_v_font_is_read_in_columns_right_to_left():
    result = extract(JO, PDF)
    page = result.pages[0]
    assert page.source == "text_layer" and page.writing_direction == "vertical"
    lines = [line for line in page.text.splitlines() if line.strip()]
    assert lines[0] == "序"
    assert lines[1] == "わたくしといふ現象は"
    assert lines[2] == "假定された有機交流電燈の"
    assert lines[3] == "ひとつの青い照明です"


@pytest.mark.tesseract
def test_vertical_pdf_with_embedded_font_and_blank_pages():
    services.require("tesseract")
    result = extract(PDFJS_VERTICAL, PDF)
    first = result.pages[0]
    assert first.writing_direction == "vertical"
    assert first.text.splitlines() == ["あいうえお", "日本語"]
    # pages 2 and 3 have no text layer: they go to OCR, which finds a blank page
    assert [p.source for p in result.pages[1:]] == ["ocr", "ocr"]
    assert result.errors == ()
    assert result.archive_is_original and result.archive_pdf is None  # nothing was added


def test_encrypted_pdf_raises_a_clear_error():
    with pikepdf.open(NAT23) as pdf:
        out = io.BytesIO()
        pdf.save(out, encryption=pikepdf.Encryption(user="secret", owner="owner"))
    with pytest.raises(ocr.PasswordProtectedError) as info:
        extract(out.getvalue(), PDF)
    assert str(info.value) == "パスワード保護されたPDFです (password-protected PDF)"
    assert isinstance(info.value, ocr.ExtractionError)


def test_page_limit_is_enforced_before_any_work():
    with pytest.raises(ocr.PageLimitExceededError):
        extract(NAT23, PDF, options=ExtractOptions(max_pages=2))


def test_unsupported_media_type():
    with pytest.raises(ocr.UnsupportedMediaTypeError):
        extract(b"hello, world", "text/plain")


@pytest.mark.tesseract
def test_corrupt_page_is_listed_and_the_others_are_still_extracted():
    services.require("tesseract")
    with pikepdf.open(NAT23) as pdf:
        # page 2 refers to a Type0 font without its descendant font: pdfminer fails on it
        font = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type0)
        pdf.pages[1].obj.Resources = pikepdf.Dictionary(Font=pikepdf.Dictionary(F1=font))
        out = io.BytesIO()
        pdf.save(out)
    result = extract(out.getvalue(), PDF, options=ExtractOptions(archive=False))
    assert [e.page for e in result.errors] == [2]
    assert result.errors[0].code == "corrupt_page"
    assert result.pages[0].source == result.pages[2].source == "text_layer"
    assert "令和6年3月27日" in result.pages[0].text


@pytest.mark.tesseract
def test_page_with_an_undecodable_content_stream_is_listed():
    services.require("tesseract")
    with pikepdf.open(NAT23) as pdf:
        broken = pikepdf.Stream(pdf, b"not zlib data" * 20)
        broken.Filter = pikepdf.Name.FlateDecode
        pdf.pages[2].obj.Contents = broken
        out = io.BytesIO()
        pdf.save(out)
    result = extract(out.getvalue(), PDF, options=ExtractOptions(archive=False))
    assert [(e.page, e.code) for e in result.errors] == [(3, "corrupt_page")]
    assert [p.source for p in result.pages[:2]] == ["text_layer", "text_layer"]


# --- scanned input ---------------------------------------------------------------------------


@pytest.mark.tesseract
def test_scanned_png_horizontal_with_words_and_pdfa_archive():
    services.require("tesseract")
    result = extract(encode(render(HORIZONTAL)), "image/png")
    page = result.pages[0]
    assert page.source == "ocr" and page.writing_direction == "horizontal"
    assert page.unit == "px" and (page.width, page.height) == (1240, 1000) and page.dpi == 300
    assert cer("".join(HORIZONTAL), page.text) < 0.05
    assert "令和6年4月1日" in page.text  # no spaces between the characters any more
    assert page.confidence and page.confidence > 70
    word = next(w for w in page.words if "申" in w.text)
    assert 90 <= word.x0 < word.x1 <= 1240 and 90 <= word.y0 < word.y1 < 1000
    assert result.metadata.document_date is not None
    assert result.metadata.document_date.isoformat() == "2024-04-01"
    # archive: the original image with an invisible text layer, declared PDF/A-2b
    assert not result.archive_is_original and result.archive_pdfa
    with pikepdf.open(io.BytesIO(result.archive_pdf)) as pdf:
        assert len(pdf.pages) == 1
        assert str(pdf.open_metadata()["pdfaid:part"]) == "2"
        assert "/OutputIntents" in pdf.Root
    with pdfplumber.open(io.BytesIO(result.archive_pdf)) as pdf:
        archived = pdf.pages[0]
        assert archived.width == pytest.approx(1240 * 72 / 300, abs=0.01)
        assert len(archived.images) == 1
        assert cer("".join(HORIZONTAL), archived.extract_text()) < 0.1


@pytest.mark.tesseract
def test_scanned_vertical_page_uses_jpn_vert():
    services.require("tesseract")
    result = extract(encode(render(VERTICAL, vertical=True, size=(1000, 1240))), "image/png")
    page = result.pages[0]
    assert page.writing_direction == "vertical"
    assert cer("".join(VERTICAL), page.text) < 0.1
    assert "令和六年四月一日" in page.text
    assert result.metadata.document_date.isoformat() == "2024-04-01"


@pytest.mark.tesseract
def test_skewed_scan_is_deskewed_and_the_text_layer_follows_the_original_image():
    services.require("tesseract")
    image = render(HORIZONTAL, skew=2.0)
    result = extract(encode(image, "JPEG", quality=85), "image/jpeg")
    page = result.pages[0]
    assert page.skew == pytest.approx(-2.0, abs=0.3)
    assert cer("".join(HORIZONTAL), page.text) < 0.05
    with pikepdf.open(io.BytesIO(result.archive_pdf)) as pdf:
        images = list(pdf.pages[0].get_images().values())
        assert images[0].Filter == "/DCTDecode"  # the JPEG is embedded as it was scanned
    with pdfplumber.open(io.BytesIO(result.archive_pdf)) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"] == "住"]
    # "住" is the first character of the first line, drawn at (100, 100) px before the
    # 2° counter-clockwise skew moved it down by ~ (620-100) * sin 2° = 18 px
    assert chars and abs(chars[0]["x0"] * 300 / 72 - 100) < 25
    assert abs(chars[0]["top"] * 300 / 72 - 118) < 25


@pytest.mark.tesseract
def test_upside_down_scan_is_turned_by_orientation_detection():
    services.require("tesseract")
    result = extract(encode(render(HORIZONTAL, turn=180)), "image/png")
    page = result.pages[0]
    assert page.rotation == 180
    assert cer("".join(HORIZONTAL), page.text) < 0.1


@pytest.mark.tesseract
def test_multi_page_tiff_from_a_file_object():
    services.require("tesseract")
    first, second = render(HORIZONTAL[:2]), render(VERTICAL[:2], vertical=True, size=(1000, 1240))
    out = io.BytesIO()
    first.save(out, "TIFF", save_all=True, append_images=[second], dpi=(300, 300))
    out.seek(0)
    result = extract(out, "image/tiff", options=ExtractOptions(archive=False))
    assert [p.writing_direction for p in result.pages] == ["horizontal", "vertical"]
    assert "令和6年4月1日" in result.pages[0].text
    assert "市民課長様" in squeeze(result.pages[1].text)
    assert result.archive_pdf is None


@pytest.mark.tesseract
def test_bilevel_group4_tiff_from_a_scanner():
    services.require("tesseract")
    out = io.BytesIO()
    render(HORIZONTAL).convert("1").save(out, "TIFF", compression="group4", dpi=(300, 300))
    result = extract(out.getvalue(), "image/tiff")
    assert result.errors == ()
    assert cer("".join(HORIZONTAL), result.pages[0].text) < 0.1
    with pikepdf.open(io.BytesIO(result.archive_pdf)) as pdf:
        image = next(iter(pdf.pages[0].get_images().values()))
        assert image.BitsPerComponent == 1  # archived bilevel, as scanned


@pytest.mark.tesseract
def test_scanned_pdf_keeps_its_page_images_and_gains_a_text_layer(tmp_path):
    services.require("tesseract")
    scan = tmp_path / "scan.pdf"
    render(HORIZONTAL).convert("RGB").save(scan, "PDF", resolution=300.0)
    archive = tmp_path / "archive.pdf"
    result = extract(scan, PDF, options=ExtractOptions(archive_to=archive))
    assert result.pages[0].source == "ocr" and result.archive_written
    assert cer("".join(HORIZONTAL), result.text) < 0.05
    with pikepdf.open(scan) as original, pikepdf.open(archive) as searchable:
        before = next(iter(original.pages[0].get_images().values())).read_raw_bytes()
        after = [i.read_raw_bytes() for i in searchable.pages[0].get_images().values()]
        assert before in after  # the scanned image, untouched
    with pdfplumber.open(archive) as pdf:
        assert cer("".join(HORIZONTAL), pdf.pages[0].extract_text()) < 0.1


@pytest.mark.tesseract
def test_mixed_pdf_comes_out_whole():
    services.require("tesseract")
    scan = io.BytesIO()
    render(HORIZONTAL).convert("RGB").save(scan, "PDF", resolution=300.0)
    with pikepdf.open(NAT23) as pdf, pikepdf.open(io.BytesIO(scan.getvalue())) as scanned:
        del pdf.pages[1:]
        pdf.pages.extend(scanned.pages)
        mixed = io.BytesIO()
        pdf.save(mixed)
    result = extract(mixed.getvalue(), PDF)
    assert [p.source for p in result.pages] == ["text_layer", "ocr"]
    assert "令和6年3月27日" in result.pages[0].text
    assert "住民票の写し" in result.pages[1].text
    assert not result.archive_is_original and result.archive_pdf
    with pdfplumber.open(io.BytesIO(result.archive_pdf)) as pdf:
        assert len(pdf.pages) == 2
        assert "住民票" in squeeze(pdf.pages[1].extract_text())


def _glyph_runs(archive_pdf: bytes, words) -> list[tuple[object, list[dict]]]:
    """Each OCR word with the text layer's glyphs that spell it (content order, spaces
    left out), positions converted to the page image's pixels (300 dpi)."""
    with pdfplumber.open(io.BytesIO(archive_pdf)) as pdf:
        chars = [c for c in pdf.pages[0].chars if c["text"].strip()]
    scale = 300 / 72
    runs, position = [], 0
    for word in words:
        glyphs = chars[position : position + len(word.text)]
        position += len(word.text)
        assert "".join(g["text"] for g in glyphs) == word.text  # the same words, in order
        runs.append(
            (word, [{k: g[k] * scale for k in ("x0", "x1", "top", "bottom")} for g in glyphs])
        )
    assert position == len(chars)  # every glyph belongs to a word
    return runs


@pytest.mark.tesseract
@pytest.mark.parametrize("vertical", [False, True], ids=["horizontal", "vertical"])
def test_text_layer_glyphs_cover_each_word_box_along_the_line(vertical):
    """A viewer highlights a hit by its glyphs: they must span the scanned word, not the
    part of it that Tesseract's renderer leaves them beside the trailing space."""
    services.require("tesseract")
    image = render(VERTICAL, vertical=True, size=(1000, 1240)) if vertical else render(HORIZONTAL)
    result = extract(encode(image), "image/png")
    page = result.pages[0]
    assert page.skew == 0 and page.rotation == 0  # text layer pixels = image pixels
    runs = _glyph_runs(result.archive_pdf, page.words)
    assert len(runs) >= 10
    tolerance = 4  # px at 300 dpi, a third of a millimetre
    for word, glyphs in runs:
        if vertical:  # along the column
            start, end = min(g["top"] for g in glyphs), max(g["bottom"] for g in glyphs)
            box = (word.y0, word.y1)
        else:
            start, end = min(g["x0"] for g in glyphs), max(g["x1"] for g in glyphs)
            box = (word.x0, word.x1)
        assert abs(start - box[0]) <= tolerance, (word, start, end)
        assert abs(end - box[1]) <= tolerance, (word, start, end)
        # and across the line the glyphs (as high or wide as the line) overlap the word
        for g in glyphs:
            if vertical:
                assert g["x0"] < word.x1 and g["x1"] > word.x0, (word, g)
            else:
                assert g["top"] < word.y1 and g["bottom"] > word.y0, (word, g)


# --- bad input ----------------------------------------------------------------------------


def test_image_over_the_pixel_limit_is_refused_without_decoding():
    image = Image.new("L", (3000, 3000), 255)
    result = extract(encode(image), "image/png", options=ExtractOptions(max_pixels=1_000_000))
    assert [e.code for e in result.errors] == ["image_too_large"]
    assert result.pages[0].source == "none"
    assert result.archive_pdf is None


def test_too_many_tiff_pages():
    out = io.BytesIO()
    frames = [Image.new("L", (100, 100), 255) for _ in range(3)]
    frames[0].save(out, "TIFF", save_all=True, append_images=frames[1:])
    with pytest.raises(ocr.PageLimitExceededError):
        extract(out.getvalue(), "image/tiff", options=ExtractOptions(max_pages=2))


@pytest.mark.tesseract
def test_a_hanging_page_fails_alone(tmp_path):
    tesseract = services.require("tesseract")
    # A real tesseract, except on the 1500 px wide page (the one uncompressed image over
    # 1.4 MB: the others are 1240 x 1000), where it hangs.
    fake = tmp_path / "tesseract"
    fake.write_text(
        "#!/bin/sh\n"
        'if [ "$(stat -c %s "$1")" -gt 1400000 ]; then sleep 60; fi\n'
        f'exec {tesseract} "$@"\n'
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    pages = [render(HORIZONTAL[:2]), render(HORIZONTAL[:2], size=(1500, 1000))]
    pages.append(render(HORIZONTAL[2:]))
    out = io.BytesIO()
    pages[0].save(out, "TIFF", save_all=True, append_images=pages[1:], dpi=(300, 300))
    options = ExtractOptions(tesseract_cmd=str(fake), page_timeout=3, archive=False)
    started = time.monotonic()
    result = extract(out.getvalue(), "image/tiff", options=options)
    assert time.monotonic() - started < 30
    assert [(e.page, e.code) for e in result.errors] == [(2, "ocr_timeout")]
    assert "令和6年4月1日" in result.pages[0].text
    assert "神戸市中央区" in result.pages[2].text
