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
