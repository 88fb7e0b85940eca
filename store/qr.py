"""QR codes as PNG bytes: pickup links, invites, shop-window posters."""

import io

import qrcode
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M


def qr_png(data: str, *, box_size: int = 8, border: int = 4, screen: bool = False) -> bytes:
    """A black-on-white QR code of `data`, as PNG bytes (medium error correction).

    `screen`: a code shown on a phone (an order's pickup code, made on every order) takes
    the first mask pattern rather than scoring all eight, five times the work; the best
    mask only matters for codes printed small or badly.
    """
    code = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        box_size=box_size,
        border=border,
        mask_pattern=0 if screen else None,
    )
    code.add_data(data)
    code.make(fit=True)
    return _png(code.get_matrix(), box_size)


def _png(matrix: list[list[bool]], box: int) -> bytes:
    """The modules (True: dark, border included) as a 1-bit PNG, `box` pixels each: one pixel
    a module, scaled up by Pillow (drawing each module as a rectangle, as qrcode's own image
    does, cost more than making the code itself)."""
    side = len(matrix)
    image = Image.new("1", (side, side))
    image.putdata([0 if module else 1 for row in matrix for module in row])
    out = io.BytesIO()
    image.resize((side * box, side * box), Image.Resampling.NEAREST).save(out, format="PNG")
    return out.getvalue()
