"""QR codes as PNG bytes: pickup links, invites, shop-window posters."""

import io

import qrcode
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
    out = io.BytesIO()
    code.make_image(fill_color="black", back_color="white").save(out, format="PNG")
    return out.getvalue()
