"""Printable PDFs for the town hall: a shop's window poster, the town's poster, invite letters.

fpdf2 draws them (pure Python, on the Pillow we already use for QR codes; its built-in
Helvetica in the windows-1252 encoding covers French: é, œ, ’, «, €, so no font file ships).
Every QR code is a PNG of store.qr at print resolution, one per chat channel configured.

For the dashboard's downloads: `shop_poster(app, shop)`, `town_poster(app)`,
`invite_letters(app, letters)` each return the PDF's bytes; `paper` is "A4" or "A5".
"""

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from bot.app import App
from handlers import i18n
from store.models import Shop, Town
from store.qr import qr_png
from store.search import fold

PAPER = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
INK = (28, 28, 28)
ACCENT = (10, 79, 138)


@dataclass(frozen=True)
class Letter:
    """One invite letter: the shop it opens, its single-use code and its last day."""

    shop: str
    code: str
    expires_at: datetime


def chat_links(app: App, payload: str) -> list[tuple[str, str]]:
    """(channel name, deep link) for each chat channel configured, Telegram if none is."""
    links = []
    if app.config.whatsapp_enabled and app.ctx.whatsapp_number:
        links.append(("WhatsApp", app.ctx.deep_link("whatsapp", payload)))
    if app.config.telegram_enabled or not links:
        links.append(("Telegram", app.ctx.deep_link("telegram", payload)))
    return links


def _printable(text: str) -> str:
    """What Helvetica can print: characters outside windows-1252 (emoji) are left out."""
    return text.encode("cp1252", "ignore").decode("cp1252").strip()


class Sheet(FPDF):
    """An A4 or A5 page whose sizes are given for A4 and scaled (A5 is A4 at 0.7)."""

    def __init__(self, paper: str) -> None:
        if paper not in PAPER:
            raise ValueError(f"paper {paper!r}: A4 or A5")
        width, height = PAPER[paper]
        super().__init__(unit="mm", format=(width, height))
        self.k_size = width / 210.0
        self.core_fonts_encoding = "windows-1252"
        self.set_auto_page_break(False)
        self.set_margins(self.mm(16), self.mm(16))
        self.set_creator("Vitrine")

    def mm(self, a4: float) -> float:
        return a4 * self.k_size

    def text_block(self, text: str, size: float, bold: bool = False, gap: float = 4) -> None:
        """Centred lines across the page, sizes in A4 points."""
        self.set_font("helvetica", "B" if bold else "", size * self.k_size)
        self.multi_cell(
            self.epw,
            size * self.k_size * 0.45,
            _printable(text),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.ln(self.mm(gap))

    def codes(self, links: Sequence[tuple[str, str]], side: float) -> None:
        """The QR codes side by side, each labelled with its channel under it."""
        side = self.mm(side) if len(links) == 1 else min(self.mm(side) * 0.7, self.epw / 2.2)
        gap = self.mm(10)
        total = len(links) * side + (len(links) - 1) * gap
        x, y = (self.w - total) / 2, self.get_y()
        for name, url in links:
            png = io.BytesIO(qr_png(url, box_size=10, border=4))
            self.image(png, x=x, y=y, w=side, h=side, alt_text=f"QR {name}: {url}")
            self.set_xy(x, y + side)
            self.set_font("helvetica", "B", 16 * self.k_size)
            self.cell(side, self.mm(8), name, align="C")
            x += side + gap
        self.set_xy(self.l_margin, y + side + self.mm(12))

    def band(self, height: float) -> None:
        """The coloured band across the top of a poster."""
        self.set_fill_color(*ACCENT)
        self.rect(0, 0, self.w, self.mm(height), style="F")
        self.set_text_color(255, 255, 255)

    def footer_line(self, text: str) -> None:
        self.set_text_color(90, 90, 90)
        self.set_xy(self.l_margin, self.h - self.mm(16))
        self.set_font("helvetica", "", 10 * self.k_size)
        self.cell(self.epw, self.mm(6), _printable(text), align="C")
        self.set_text_color(*INK)

    def pdf(self) -> bytes:
        return bytes(self.output())


def _web(app: App, path: str) -> str:
    return app.ctx.public_url.rstrip("/") + path


def shop_poster(app: App, shop: Shop, *, paper: str = "A4", lang: str = "fr") -> bytes:
    """A shop's window poster: "Commandez chez nous…", its name, its QR code(s)."""
    sheet = Sheet(paper)
    sheet.set_title(f"{shop.name} · Vitrine")
    sheet.add_page()
    sheet.band(62)
    sheet.set_y(sheet.mm(14))
    sheet.text_block(i18n.t(lang, "poster_order_here"), 30, bold=True, gap=14)
    sheet.set_text_color(*INK)
    sheet.set_y(sheet.mm(74))
    sheet.text_block(shop.name, 40, bold=True, gap=8)
    sheet.codes(chat_links(app, f"shop-{shop.slug}"), side=120)
    sheet.text_block(i18n.t(lang, "poster_scan"), 16)
    sheet.text_block(i18n.t(lang, "poster_web", url=_web(app, f"/boutique/{shop.slug}")), 12)
    sheet.footer_line(f"Vitrine · {app.config.town.name}")
    return sheet.pdf()


def town_poster(
    app: App, town: Town, shops: Sequence[Shop], *, paper: str = "A4", lang: str = "fr"
) -> bytes:
    """The town's poster: its QR code(s) and every shop online, by category."""
    sheet = Sheet(paper)
    sheet.set_title(f"{town.name} · Vitrine")
    sheet.add_page()
    sheet.band(50)
    sheet.set_y(sheet.mm(12))
    sheet.text_block(i18n.t(lang, "poster_town_title", town=town.name), 28, bold=True)
    sheet.set_text_color(*INK)
    sheet.set_y(sheet.mm(58))
    sheet.codes(chat_links(app, f"town-{town.slug}"), side=80)
    sheet.text_block(i18n.t(lang, "poster_town_scan"), 14, gap=6)
    _directory(sheet, shops, lang, bottom=sheet.h - sheet.mm(30))
    sheet.set_xy(sheet.l_margin, sheet.h - sheet.mm(28))
    sheet.text_block(i18n.t(lang, "poster_web", url=_web(app, "/")), 12)
    sheet.footer_line(f"Vitrine · {town.name}")
    return sheet.pdf()


def _directory(sheet: Sheet, shops: Sequence[Shop], lang: str, bottom: float) -> None:
    """The shops by category in columns, the type shrunk until they fit above `bottom`."""
    lines: list[tuple[str, bool]] = []  # (text, is a category heading)
    current = None
    for shop in sorted(shops, key=lambda s: (fold(_category(s.category, lang)), fold(s.name))):
        if shop.category != current:
            current = shop.category
            lines.append((_category(shop.category, lang), True))
        lines.append((shop.name, False))
    columns = 3 if sheet.w > 200 else 2
    top, width = sheet.get_y(), sheet.epw / columns
    size = 12.0
    while size > 5 and -(-len(lines) // columns) * sheet.mm(size * 0.5) > bottom - top:
        size -= 0.5
    per_column = max(1, int((bottom - top) // sheet.mm(size * 0.5)))
    for n, (text, heading) in enumerate(lines[: per_column * columns]):
        column, row = divmod(n, per_column)
        sheet.set_xy(sheet.l_margin + column * width, top + row * sheet.mm(size * 0.5))
        sheet.set_font("helvetica", "B" if heading else "", size * sheet.k_size)
        sheet.cell(width, sheet.mm(size * 0.5), _printable(text))


def _category(key: str, lang: str) -> str:
    name = f"category_{key}"
    label = i18n.t(lang, name if name in i18n.catalogue() else "category_other")
    return label.split(" ", 1)[-1] if not label[:1].isalnum() else label


def invite_letters(
    app: App, letters: Sequence[Letter], *, paper: str = "A4", lang: str = "fr"
) -> bytes:
    """One page per shop: the town hall's letter, the invite's QR code(s) and its code."""
    sheet = Sheet(paper)
    sheet.set_title(f"Invitations · {app.config.town.name}")
    town = app.config.town.name
    for letter in letters:
        sheet.add_page()
        sheet.set_text_color(*INK)
        sheet.set_y(sheet.mm(20))
        sheet.text_block(i18n.t(lang, "letter_title", shop=letter.shop), 22, bold=True, gap=8)
        sheet.set_font("helvetica", "", 12 * sheet.k_size)
        body = i18n.t(lang, "letter_body", town=town, shop=letter.shop)
        sheet.multi_cell(sheet.epw, sheet.mm(6), _printable(body), align="L", new_x=XPos.LMARGIN)
        sheet.ln(sheet.mm(8))
        sheet.codes(chat_links(app, f"join-{letter.code}"), side=70)
        until = i18n.local(letter.expires_at, app.config.town.timezone).strftime("%d/%m/%Y")
        sheet.text_block(i18n.t(lang, "letter_code", code=letter.code, until=until), 14, True)
        sheet.footer_line(f"Vitrine · {town}")
    return sheet.pdf()
