"""QR codes as PNG (one pixel a module, scaled by Pillow): every size decodes back to its text."""

import io

import pytest
import zxingcpp
from PIL import Image

from store.qr import qr_png


@pytest.mark.parametrize("screen", [True, False])
@pytest.mark.parametrize(
    "data",
    [
        "x",
        "https://t.me/VitrineBot?start=pickup-AbCdEf0123456789xyzw",
        "https://wa.me/33600000000?text=" + "commande " * 40,
    ],
)
def test_a_code_decodes_to_its_text_at_the_size_asked(data, screen):
    png = qr_png(data, box_size=7, border=3, screen=screen)  # 7: rows that are not whole bytes
    image = Image.open(io.BytesIO(png))
    image.load()  # a broken checksum or stream fails here
    assert image.mode == "1" and image.size[0] == image.size[1]
    modules = image.size[0] // 7
    assert image.size[0] == modules * 7 and (modules - 6 - 21) % 4 == 0  # version 1 is 21
    assert image.getpixel((0, 0)) == 255  # the border is white
    assert image.getpixel((3 * 7, 3 * 7)) == 0  # the finder pattern starts after it
    [found] = zxingcpp.read_barcodes(image)
    assert found.text == data
