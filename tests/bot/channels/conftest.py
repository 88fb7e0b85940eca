"""The WhatsApp channel served on loopback, and Alice's phone talking to it."""

import io

import pytest
from PIL import Image

from tests.fakes.twilio import Phone, WhatsAppServer, whatsapp_app

ALICE = "+33612345678"
TEMPLATE = "HX" + "a" * 32  # the approved template of `order_ready`


@pytest.fixture
def whatsapp(db, ctx, engine, standin):
    # A template approved in Twilio's console, named in [whatsapp.templates] (the override).
    standin.content.add_approved(TEMPLATE, "Votre commande {{1}} est prête, à retirer.")
    app = whatsapp_app(db, ctx, engine, standin.url, templates={"order_ready": TEMPLATE})
    server = WhatsAppServer(app)
    yield server
    server.close()


@pytest.fixture
def alice(whatsapp, standin):
    return Phone(whatsapp, standin, ALICE)


def png(width: int = 40, height: int = 30) -> bytes:
    """A small picture as a phone would send it."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 60)).save(out, "PNG")
    return out.getvalue()
