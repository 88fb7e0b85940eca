"""QR codes as PNG bytes: pickup links, invites, shop-window posters."""

import struct
import zlib

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
    return _png(code.get_matrix(), box_size)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def _png(matrix: list[list[bool]], box: int) -> bytes:
    """The modules (True: dark, border included) as a 1-bit greyscale PNG, `box` pixels each.

    Written directly: drawing each module as a rectangle on a Pillow image cost more than
    making the code itself.
    """
    side = len(matrix) * box
    dark, light = "0" * box, "1" * box  # 1-bit greyscale: 0 is black
    pad = "1" * (-side % 8)  # each row fills whole bytes
    rows = []
    for modules in matrix:
        bits = "".join(dark if module else light for module in modules) + pad
        row = b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")  # filter type 0
        rows.append(row * box)
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
        + _chunk(b"IEND", b"")
    )
