"""Small rendered pages with known Japanese text for the extraction tests (IPAex fonts)."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")

HORIZONTAL = [
    "住民票の写し等の交付申請書",
    "令和6年4月1日",
    "申請者の住所は神戸市中央区加納町六丁目5番1号です。",
    "下記のとおり申請します。",
]
VERTICAL = [
    "令和六年四月一日",
    "市民課長様",
    "下記のとおり通知します。",
    "文書番号は総第百二十三号です。",
]


def render(
    lines: list[str],
    *,
    vertical: bool = False,
    size: tuple[int, int] = (1240, 1000),
    font_size: int = 40,
    skew: float = 0.0,
    turn: int = 0,
) -> Image.Image:
    """A white 8-bit page with ``lines`` in black; ``skew``/``turn`` rotate it afterwards."""
    font = ImageFont.truetype(str(FONT), font_size)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    step = int(font_size * 1.8)
    if vertical:
        x = size[0] - 120 - font_size
        for line in lines:
            y = 100
            for char in line:
                draw.text((x, y), char, font=font, fill=0)
                y += int(font_size * 1.15)
            x -= step
    else:
        y = 100
        for line in lines:
            draw.text((100, y), line, font=font, fill=0)
            y += step
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    if turn:
        image = image.rotate(turn, expand=True)
    return image


def encode(image: Image.Image, fmt: str = "PNG", **kw) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, dpi=(300, 300), **kw)
    return out.getvalue()


def squeeze(text: str) -> str:
    return "".join(text.split())


def cer(expected: str, got: str) -> float:
    """Character error rate (Levenshtein distance / length), whitespace removed."""
    a, b = squeeze(expected), squeeze(got)
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1] / max(1, len(a))
