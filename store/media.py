"""Content-addressed media files on disk: photos, QR codes. A key is the content's hash."""

import hashlib
import io
import re
import threading
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_SIDE = 1600
# Pixels a photo may have, read from its header before anything is decoded: 25 MP is more
# than phones' photos (12 MP; Telegram and WhatsApp send far less), and a decoded 25 MP RGB
# image is 75 MB. A 13,000 x 13,000 PNG of a few kilobytes would decode to 500 MB.
MAX_PIXELS = 25_000_000
# Pillow's own guard, as a second line: Image.open refuses twice this many pixels outright.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
# Photos decoded at the same time, whatever the number of threads asking: bounds the memory.
DECODERS = threading.BoundedSemaphore(2)
TOO_BIG = "too big"  # NotAnImage's message for a file over MAX_IMAGE_BYTES
_KEY = re.compile(r"^[0-9a-f]{32}\.(jpg|png)$")
CONTENT_TYPES = {"jpg": "image/jpeg", "png": "image/png"}


class NotAnImage(ValueError):
    """The bytes are not a picture we can show (or are far too big)."""


class MediaStore:
    """Files under one folder, named by the hash of their bytes, so a file is stored once."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)
        self.root.mkdir(parents=True, exist_ok=True)

    def put(self, data: bytes, ext: str) -> str:
        """Store bytes as they are; returns the key."""
        key = f"{hashlib.sha256(data).hexdigest()[:32]}.{ext}"
        path = self.root / key[:2] / key
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return key

    def put_image(self, data: bytes) -> str:
        """Store a photo, downscaled when huge, re-encoded as JPEG (PNG kept for QR codes)."""
        if len(data) > MAX_IMAGE_BYTES:
            raise NotAnImage(TOO_BIG)
        try:
            with Image.open(io.BytesIO(data)) as img:  # lazy: reads the header only
                width, height = img.size
                if width * height > MAX_PIXELS:
                    raise NotAnImage(f"{width} x {height} pixels is more than {MAX_PIXELS:,}")
                if img.format == "JPEG":
                    img.draft("RGB", (MAX_SIDE, MAX_SIDE))  # decode at 1/2, 1/4, 1/8 scale
                with DECODERS:
                    return self._reencode(img, data)
        except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
            raise NotAnImage(str(exc)) from exc

    def _reencode(self, img: Image.Image, data: bytes) -> str:
        img.load()
        if img.format == "PNG" and max(img.size) <= MAX_SIDE:
            return self.put(data, "png")
        img = img.convert("RGB")
        img.thumbnail((MAX_SIDE, MAX_SIDE))
        out = io.BytesIO()
        img.save(out, "JPEG", quality=85)
        return self.put(out.getvalue(), "jpg")

    def path(self, key: str) -> Path:
        """Where a key's file is; refuses anything that is not a key (no path tricks)."""
        if not _KEY.match(key):
            raise KeyError(key)
        return self.root / key[:2] / key

    def get(self, key: str) -> bytes:
        path = self.path(key)
        if not path.exists():
            raise KeyError(key)
        return path.read_bytes()

    def exists(self, key: str) -> bool:
        try:
            return self.path(key).exists()
        except KeyError:
            return False

    @staticmethod
    def content_type(key: str) -> str:
        return CONTENT_TYPES[key.rsplit(".", 1)[-1]]
