"""Writing direction and skew from projection profiles (no Tesseract involved)."""

import pytest

from ocr import imageprep
from tests.ocr.pages import HORIZONTAL, VERTICAL, render

LINE_SETS = [(0, 1), (0, 2), (2, 4), (1, 3), (0, 4)]


@pytest.mark.parametrize(("start", "end"), LINE_SETS)
@pytest.mark.parametrize("skew", [0.0, 1.5, -2.0])
def test_horizontal_lines_are_horizontal_and_the_skew_is_measured(start, end, skew):
    layout = imageprep.analyse(render(HORIZONTAL[start:end], skew=skew))
    assert layout.direction == "horizontal"
    assert layout.skew == pytest.approx(-skew, abs=0.4 if end - start > 2 else 1.0)


@pytest.mark.parametrize(("start", "end"), LINE_SETS)
@pytest.mark.parametrize("skew", [0.0, 1.5, -2.0])
def test_vertical_columns_are_vertical_and_the_skew_is_measured(start, end, skew):
    page = render(VERTICAL[start:end], vertical=True, size=(1000, 1240), skew=skew)
    layout = imageprep.analyse(page)
    assert layout.direction == "vertical"
    # one or two short columns give little to measure a skew by
    assert layout.skew == pytest.approx(-skew, abs=0.4 if end - start > 2 else 1.0)


def test_a_full_page_of_text():
    lines = HORIZONTAL * 5
    assert imageprep.analyse(render(lines, size=(2480, 3508))).direction == "horizontal"
    columns = VERTICAL * 5
    page = render(columns, vertical=True, size=(2480, 3508))
    assert imageprep.analyse(page).direction == "vertical"


def test_a_blank_page_has_no_ink():
    layout = imageprep.analyse(render([]))
    assert layout.ink < imageprep.BLANK_INK


def _with_specks(page, points):
    from PIL import ImageDraw

    draw = ImageDraw.Draw(page)
    for x, y in points:
        draw.ellipse((x - 2, y - 2, x + 2, y + 2), fill=40)
    return page


def test_the_text_box_leaves_out_specks_in_the_margins():
    page = render(HORIZONTAL, size=(2480, 3508), font_size=44)
    page = _with_specks(page, [(60, 3400), (2400, 3300), (1200, 3000), (2420, 60)])
    box = imageprep.analyse(page).text_box
    assert box is not None
    left, top, right, bottom = (box[0] * 2480, box[1] * 3508, box[2] * 2480, box[3] * 3508)
    # the four lines start at (100, 100), 79 px apart; the longest is ~1100 px wide
    assert left == pytest.approx(100, abs=30) and top == pytest.approx(100, abs=30)
    assert 1000 < right < 1400 and 300 < bottom < 500


def test_a_long_line_is_inside_the_text_box_to_its_last_character():
    lines = ["短い行", "これは非常に長い一行で、ページの右端近くまで続きます。終わり"]
    page = render(lines, size=(2480, 3508), font_size=60)
    box = imageprep.analyse(page).text_box
    ink_right = page.point(lambda v: 255 if v < 128 else 0).getbbox()[2]
    assert box[2] * 2480 >= ink_right - 4


@pytest.mark.parametrize("angle", [1.3, -2.0])
def test_deskewing_the_text_area_only_matches_rotating_the_whole_page_there(angle):
    from PIL import ImageChops

    page = render(HORIZONTAL, size=(2480, 3508), font_size=44, skew=-angle)
    page = _with_specks(page, [(60, 3400), (2400, 3300)])
    layout = imageprep.analyse(page)
    whole = imageprep.rotate_page(page, angle)
    part = imageprep.rotate_page(page, angle, layout.text_box)
    region = imageprep._rotated_region(page.size, angle, layout.text_box)
    assert region is not None and region[3] < 1000  # a small part of the page resampled
    # the same pixels there (the warp's fixed-point coordinates may round one grey level)
    assert ImageChops.difference(whole.crop(region), part.crop(region)).getextrema()[1] <= 2
    # outside it the page is as scanned: the specks stay where they were
    assert part.getpixel((60, 3400)) < 100 and part.getpixel((2400, 3300)) < 100
    # and the text reads level afterwards
    assert imageprep.analyse(part.crop(region)).skew == pytest.approx(0, abs=0.3)
