"""Pictures for the demo town, drawn locally with Pillow: a colour and a motif per category.

Each picture is a soft background in the category's colour (shifted a little per name, so
no two items look alike), a simple motif, and the name written underneath.
"""

import colorsys
import hashlib
import io
import textwrap
import unicodedata
from collections.abc import Callable
from functools import cache

from PIL import Image, ImageDraw, ImageFont

SIZE = (480, 360)
Draw = ImageDraw.ImageDraw
Box = tuple[int, int, int, int]

# Hue (0-1) of each category's background.
HUES = {
    "lingerie": 0.93,
    "chocolate": 0.07,
    "jewellery": 0.13,
    "toys": 0.55,
    "clothes": 0.75,
    "creperie": 0.10,
    "books": 0.60,
    "flowers": 0.88,
    "bakery": 0.11,
    "cheese": 0.15,
    "wine": 0.97,
    "gifts": 0.45,
}


def _rgb(hue: float, saturation: float, value: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(hue % 1.0, saturation, value)
    return int(r * 255), int(g * 255), int(b * 255)


def _heart(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    mid, r = (x0 + x1) // 2, (x1 - x0) // 4
    draw.ellipse((x0, y0, mid, y0 + 2 * r), fill=ink)
    draw.ellipse((mid, y0, x1, y0 + 2 * r), fill=ink)
    draw.polygon([(x0 + 3, y0 + r + 8), (x1 - 3, y0 + r + 8), (mid, y1)], fill=ink)


def _bar(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    draw.rounded_rectangle(box, radius=10, fill=ink)
    step_x, step_y = (x1 - x0) // 3, (y1 - y0) // 4
    for i in range(1, 3):
        draw.line((x0 + i * step_x, y0 + 6, x0 + i * step_x, y1 - 6), fill="white", width=3)
    for j in range(1, 4):
        draw.line((x0 + 6, y0 + j * step_y, x1 - 6, y0 + j * step_y), fill="white", width=3)


def _ring(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    mid = (x0 + x1) // 2
    draw.ellipse((x0 + 10, y0 + 30, x1 - 10, y1), outline=ink, width=12)
    draw.polygon([(mid - 22, y0 + 30), (mid, y0), (mid + 22, y0 + 30), (mid, y0 + 50)], fill=ink)


def _blocks(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    half = (x1 - x0) // 2
    draw.rectangle((x0, y1 - half, x0 + half - 4, y1), fill=ink)
    draw.rectangle((x0 + half + 4, y1 - half, x1, y1), fill=_rgb(0.08, 0.7, 0.9))
    draw.rectangle((x0 + half // 2, y0, x0 + half // 2 + half - 4, y0 + half - 4), fill="white")


def _shirt(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    w = x1 - x0
    draw.polygon(
        [
            (x0 + w * 0.3, y0), (x0 + w * 0.7, y0), (x1, y0 + w * 0.25),
            (x1 - w * 0.12, y0 + w * 0.42), (x0 + w * 0.78, y0 + w * 0.32),
            (x0 + w * 0.78, y1), (x0 + w * 0.22, y1), (x0 + w * 0.22, y0 + w * 0.32),
            (x0 + w * 0.12, y0 + w * 0.42), (x0, y0 + w * 0.25),
        ],
        fill=ink,
    )  # fmt: skip


def _crepe(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    draw.ellipse(box, fill=_rgb(0.11, 0.45, 0.95), outline=ink, width=6)
    draw.polygon([((x0 + x1) // 2, (y0 + y1) // 2), (x1, y0 + 10), (x1, y1 - 10)], fill=ink)


def _book(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    mid = (x0 + x1) // 2
    draw.polygon([(x0, y0 + 10), (mid, y0 + 20), (mid, y1), (x0, y1 - 10)], fill="white")
    draw.polygon([(mid, y0 + 20), (x1, y0 + 10), (x1, y1 - 10), (mid, y1)], fill="white")
    draw.line((mid, y0 + 20, mid, y1), fill=ink, width=5)
    for k in range(3):
        y = y0 + 40 + k * 16
        draw.line((x0 + 10, y, mid - 10, y + 4), fill=ink, width=3)
        draw.line((mid + 10, y + 4, x1 - 10, y), fill=ink, width=3)


def _flower(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    cx, cy, r = (x0 + x1) // 2, (y0 + y1) // 2, (x1 - x0) // 5
    for dx, dy in (
        (0, -1),
        (1, 0),
        (0, 1),
        (-1, 0),
        (0.7, 0.7),
        (-0.7, -0.7),
        (0.7, -0.7),
        (-0.7, 0.7),
    ):
        px, py = cx + dx * r * 1.4, cy + dy * r * 1.4
        draw.ellipse((px - r, py - r, px + r, py + r), fill=ink)
    draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill=_rgb(0.14, 0.8, 1.0))


def _bread(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    draw.ellipse((x0 - 20, y0 + 30, x1 + 20, y1 - 30), fill=ink)
    for k in range(4):
        x = x0 + 5 + k * (x1 - x0) // 4
        draw.line((x, y0 + 60, x + 30, y0 + 45), fill="white", width=5)


def _cheese(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    draw.polygon([(x0, y1), (x1, y1), (x1, y0 + 30)], fill=ink)
    for cx, cy, r in ((x1 - 30, y1 - 25, 10), (x1 - 60, y1 - 15, 7), (x1 - 20, y1 - 60, 8)):
        draw.ellipse((cx - r, cy - r, cx + r, cy + r), fill="white")


def _bottle(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    mid = (x0 + x1) // 2
    draw.rectangle((mid - 10, y0, mid + 10, y0 + 40), fill=ink)
    draw.rounded_rectangle((mid - 32, y0 + 35, mid + 32, y1), radius=18, fill=ink)
    draw.rectangle((mid - 24, y0 + 70, mid + 24, y0 + 100), fill="white")


def _star(draw: Draw, box: Box, ink: tuple[int, int, int]) -> None:
    x0, y0, x1, y1 = box
    cx, cy, r = (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2
    points = [(0.0, -1.0), (0.22, -0.3), (0.95, -0.31), (0.36, 0.12), (0.59, 0.81),
              (0.0, 0.38), (-0.59, 0.81), (-0.36, 0.12), (-0.95, -0.31), (-0.22, -0.3)]  # fmt: skip
    draw.polygon([(cx + x * r, cy + y * r) for x, y in points], fill=ink)


MOTIFS: dict[str, Callable[[Draw, Box, tuple[int, int, int]], None]] = {
    "lingerie": _heart,
    "chocolate": _bar,
    "jewellery": _ring,
    "toys": _blocks,
    "clothes": _shirt,
    "creperie": _crepe,
    "books": _book,
    "flowers": _flower,
    "bakery": _bread,
    "cheese": _cheese,
    "wine": _bottle,
    "gifts": _star,
}


@cache
def _font(size: int) -> tuple[ImageFont.FreeTypeFont | ImageFont.ImageFont, bool]:
    """A system font with accents (DejaVu) if there is one, else Pillow's; and whether to fold."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size), False
    except OSError:
        # Pillow's built-in font has no accented letters: write "Creme" rather than "Cr?me".
        return ImageFont.load_default(size=size), True


def _write(draw: Draw, y: int, text: str, size: int, fill: tuple[int, int, int]) -> None:
    font, ascii_only = _font(size)
    draw.text(
        (SIZE[0] // 2, y),
        fold_case(text) if ascii_only else text,
        font=font,
        fill=fill,
        anchor="mt",
    )


def fold_case(text: str) -> str:
    """Accents dropped, case kept."""
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "OE"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@cache
def picture(category: str, title: str, subtitle: str = "") -> bytes:
    """An uncompressed picture for `title` in `category`'s colours; the media store makes the JPEG.

    Cached: the demo is loaded by every test.
    """
    seed = int.from_bytes(hashlib.sha256(title.encode()).digest()[:2], "big") / 65535
    hue = HUES.get(category, seed) + (seed - 0.5) * 0.06
    img = Image.new("RGB", SIZE, _rgb(hue, 0.18, 0.98))
    draw = ImageDraw.Draw(img)
    draw.rectangle((0, 0, SIZE[0], 14), fill=_rgb(hue, 0.55, 0.85))
    ink = _rgb(hue, 0.65, 0.72)
    left = 160 + int((seed - 0.5) * 60)
    MOTIFS.get(category, _star)(draw, (left, 40, left + 150, 190), ink)
    lines = textwrap.wrap(title, width=26)[:2]
    y = 220 if len(lines) > 1 else 238
    for line in lines:
        _write(draw, y, line, 28, _rgb(hue, 0.6, 0.35))
        y += 38
    if subtitle:
        _write(draw, 322, subtitle, 17, (90, 90, 90))
    out = io.BytesIO()
    img.save(out, "BMP")  # lossless and quick; `MediaStore.put_image` encodes it once, as a photo
    return out.getvalue()
