"""Video links as merchants paste them: named when we know the platform, cleaned, or refused."""

import pytest

from store.parsing.links import BadLink, find_link, parse_link

# (what the merchant pasted, platform we recognise, the link we share)
GOOD = [
    ("https://meet.jit.si/LingerieChristelle", "jitsi", "https://meet.jit.si/LingerieChristelle"),
    (
        "https://8x8.vc/vpaas-magic-cookie-1234/VisiteNoel",
        "jitsi",
        "https://8x8.vc/vpaas-magic-cookie-1234/VisiteNoel",
    ),
    ("https://meet.google.com/abc-defg-hij", "google_meet", "https://meet.google.com/abc-defg-hij"),
    (
        "https://meet.google.com/abc-defg-hij?authuser=0&utm_source=calendar",
        "google_meet",
        "https://meet.google.com/abc-defg-hij?authuser=0",
    ),
    (
        "https://us05web.zoom.us/j/87654321098?pwd=aBcDeF123",
        "zoom",
        "https://us05web.zoom.us/j/87654321098?pwd=aBcDeF123",
    ),
    ("https://zoom.us/my/chocolaterie", "zoom", "https://zoom.us/my/chocolaterie"),
    (
        "https://call.whatsapp.com/video/AbCdEfGhIjKlMnOp",
        "whatsapp",
        "https://call.whatsapp.com/video/AbCdEfGhIjKlMnOp",
    ),
    ("https://wa.me/33612345678", "whatsapp", "https://wa.me/33612345678"),
    ("https://join.skype.com/aBcDeFgHiJkL", "skype", "https://join.skype.com/aBcDeFgHiJkL"),
    (
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA%40thread.v2/0?context=%7b%7d",
        "teams",
        "https://teams.microsoft.com/l/meetup-join/19%3ameeting_NjA%40thread.v2/0?context=%7B%7D",
    ),
    ("https://teams.live.com/meet/9876543210", "teams", "https://teams.live.com/meet/9876543210"),
    (
        "https://whereby.com/boutique-christelle",
        "whereby",
        "https://whereby.com/boutique-christelle",
    ),
    (
        "https://www.facebook.com/LingerieChristelle/live?fbclid=IwAR0abc&mibextid=Zxz2cZ",
        "facebook",
        "https://www.facebook.com/LingerieChristelle/live",
    ),
    ("https://fb.watch/pQrStUvWx/", "facebook", "https://fb.watch/pQrStUvWx/"),
    (
        "https://www.youtube.com/live/dQw4w9WgXcQ?si=Ab12Cd34Ef56Gh78",
        "youtube",
        "https://www.youtube.com/live/dQw4w9WgXcQ",
    ),
    ("https://youtu.be/dQw4w9WgXcQ?si=xYz", "youtube", "https://youtu.be/dQw4w9WgXcQ"),
    (
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share&utm_medium=social",
        "youtube",
        "https://m.youtube.com/watch?v=dQw4w9WgXcQ&feature=share",
    ),
    (
        "https://www.instagram.com/lingeriechristelle/live/?igsh=MWQ1ZGUxMzBkMA==",
        "instagram",
        "https://www.instagram.com/lingeriechristelle/live/",
    ),
    ("HTTPS://Meet.Jit.Si/Noel2026", "jitsi", "https://meet.jit.si/Noel2026"),
    ("http://meet.jit.si/VieuxTelephone", "jitsi", "http://meet.jit.si/VieuxTelephone"),
    ("meet.jit.si/SansHttps", "jitsi", "https://meet.jit.si/SansHttps"),
    (
        "https://visio.example-mairie.fr/salle/12?gclid=Cj0KCQ",
        "other",
        "https://visio.example-mairie.fr/salle/12",
    ),
    ("https://www.youtube.com/@chocolaterie", "other", "https://www.youtube.com/@chocolaterie"),
]

# (what was pasted, why we refuse it)
BAD = [
    ("javascript:alert(document.cookie)", "scheme"),
    ("JavaScript://meet.jit.si/%0aalert(1)", "scheme"),
    ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "scheme"),
    ("ftp://files.example.com/video.mp4", "scheme"),
    ("https://meet.google.com@evil.example/abc-defg-hij", "userinfo"),
    ("https://evil@meet.google.com/abc-defg-hij", "userinfo"),
    ("https://meet.jit.si/Room\u200bX", "characters"),
    ("https://meet.jit.si/Room\x07", "characters"),
    ("https://meet.jit.si/" + "a" * 500, "too_long"),
    ("https://192.168.1.10/live", "host"),
    ("https://meet.g\u043e\u043egle.com/abc-defg-hij", "host"),
    ("https://localhost/room", "host"),
]


@pytest.mark.parametrize(("pasted", "platform", "shared"), GOOD)
def test_known_and_other_links_are_named_and_cleaned(pasted, platform, shared):
    link = parse_link(pasted)
    assert (link.platform, link.url) == (platform, shared)
    assert link.icon
    assert bool(link.name) == (platform != "other")


@pytest.mark.parametrize(("pasted", "reason"), BAD)
def test_dangerous_or_odd_links_are_refused_with_a_reason(pasted, reason):
    with pytest.raises(BadLink) as refused:
        parse_link(pasted)
    assert refused.value.reason == reason


def test_table_covers_at_least_twenty_real_world_links():
    assert len(GOOD) + len(BAD) >= 20
    assert len({platform for _, platform, _ in GOOD}) == 11  # ten platforms and "other"


@pytest.mark.parametrize(
    ("message", "found"),
    [
        ("On est en direct : https://meet.jit.si/Christelle !", "https://meet.jit.si/Christelle"),
        ("(lien https://zoom.us/j/123456789)", "https://zoom.us/j/123456789"),
        ("visite ici meet.jit.si/Noel.", "meet.jit.si/Noel"),
        ("essayez javascript:alert(1)", "javascript:alert(1)"),
        ("Un pull rouge taille M", None),
        ("rdv samedi 15h: merci", None),
    ],
)
def test_the_link_is_found_inside_a_message(message, found):
    assert find_link(message) == found
