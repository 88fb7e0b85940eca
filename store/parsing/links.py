"""Video links a merchant shares for a live visit: checked, cleaned and named. Pure functions.

Any http(s) link of sane length to a real site is accepted; the platforms people in town already
use get a name and an icon. Lookalikes of those platforms ("zoom.uss", "meet.google.con"),
top-level domains that do not exist and link shorteners are refused, with the address the
merchant probably meant when there is one. What we share is rebuilt from the parsed parts,
with tracking parameters removed, so nothing odd the merchant pasted travels to hundreds of
customers.
"""

import ipaddress
import re
import unicodedata
from dataclasses import dataclass
from urllib.parse import SplitResult, parse_qsl, urlencode, urlsplit, urlunsplit

from store.parsing.lookalikes import is_shortener, lookalike, registrable, tld_suggestion

MAX_LENGTH = 500
TRACKING = ("fbclid", "gclid", "si", "igsh", "igshid", "mibextid")
# A link inside a message: a scheme we know (good or bad), a known host typed without one, or
# any host typed without one when a path follows ("zoom.uss/j/123"; `find_links` then keeps
# only real top-level domains and lookalikes, so "pull.rouge/bleu" is no link).
CANDIDATE = re.compile(
    r"(?i)(?:\b(?:https?|ftp|javascript|data|file|vbscript):\S*|"
    r"\b(?:www\.)?(?:meet\.jit\.si|8x8\.vc|meet\.google\.com|zoom\.us|whereby\.com|"
    r"join\.skype\.com|call\.whatsapp\.com|wa\.me|fb\.watch|youtu\.be)/\S*|"
    r"(?<![@\w.])(?:www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+|"
    r"[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24})(?::\d{1,5})?/\S*)"
)
TRAILING = ".,;:!?)]}>»\"'…*"
HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


class BadLink(ValueError):
    """A link we will not share; `reason` names why (a key of the visit texts)."""

    def __init__(self, reason: str, suggestion: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.suggestion = suggestion  # the link the merchant probably meant ("did you mean")


@dataclass(frozen=True)
class VideoLink:
    url: str  # cleaned, ready to share
    platform: str  # "jitsi", "zoom", ... or "other"
    name: str  # what people call it: "Jitsi Meet"
    icon: str


def _host_is(host: str, *domains: str) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _platform(host: str, path: str, query: dict[str, str]) -> tuple[str, str, str] | None:
    """(key, name, icon) of a known video platform, else None."""
    parts = _segments(path)
    lowered = [p.lower() for p in parts]
    if host in ("meet.jit.si", "8x8.vc") and parts:
        return "jitsi", "Jitsi Meet", "📹"
    if host == "meet.google.com" and parts:
        return "google_meet", "Google Meet", "🟢"
    if _host_is(host, "zoom.us", "zoom.com") and lowered[:1] in (
        ["j"],
        ["my"],
        ["w"],
        ["s"],
        ["wc"],
    ):
        return "zoom", "Zoom", "🔵"
    if (host == "call.whatsapp.com" and parts) or (host == "wa.me" and parts):
        return "whatsapp", "WhatsApp", "🟩"
    if host == "join.skype.com" and parts:
        return "skype", "Skype", "🔷"
    if host in ("teams.microsoft.com", "teams.live.com") and parts:
        return "teams", "Microsoft Teams", "🟪"
    if _host_is(host, "whereby.com") and parts:
        return "whereby", "Whereby", "🟡"
    if (host == "fb.watch" and parts) or (
        _host_is(host, "facebook.com")
        and (
            bool({"live", "live_videos", "videos"} & set(lowered)) or lowered[:2] == ["share", "v"]
        )
    ):
        return "facebook", "Facebook Live", "📘"
    youtube = _host_is(host, "youtube.com")
    if (
        (host == "youtu.be" and parts)
        or (youtube and lowered[:1] == ["live"] and len(parts) > 1)
        or (youtube and len(parts) == 2 and parts[0].startswith("@") and lowered[1] == "live")
        or (youtube and lowered == ["watch"] and query.get("v"))
    ):
        return "youtube", "YouTube Live", "▶️"
    if _host_is(host, "instagram.com") and len(parts) == 2 and lowered[1] == "live":
        return "instagram", "Instagram Live", "📸"
    return None


def _check_host(host: str) -> None:
    if not host or "." not in host:
        raise BadLink("host")
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    else:
        raise BadLink("host")  # a bare address is no meeting room, and a classic lure
    if not all(HOST_LABEL.match(label) for label in host.split(".")):
        raise BadLink("host")  # non-ASCII look-alike letters, underscores, empty labels


def _check_site(host: str, rebuilt: SplitResult) -> None:
    """Refuse lookalikes of the platforms, unknown top-level domains and shorteners."""
    meant = lookalike(host)
    if meant is not None:
        raise BadLink("lookalike", urlunsplit(rebuilt._replace(netloc=meant)))
    if registrable(host) is None:
        better = tld_suggestion(host)
        raise BadLink("tld", urlunsplit(rebuilt._replace(netloc=better)) if better else None)
    if is_shortener(host):
        raise BadLink("shortener")


def parse_link(raw: str) -> VideoLink:
    """The cleaned, named link; `BadLink` when it is not one we share."""
    if len(raw) > MAX_LENGTH:
        raise BadLink("too_long")
    if any(unicodedata.category(c)[0] in "CZ" for c in raw):
        raise BadLink("characters")  # controls, zero-width and spaces hide what a link does
    if (
        "://" not in raw
        and CANDIDATE.fullmatch(raw)
        and not raw.lower().startswith(("javascript:", "data:", "vbscript:", "file:", "ftp:"))
    ):
        raw = "https://" + raw  # "meet.jit.si/Room" typed without its scheme
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError as exc:
        raise BadLink("host") from exc
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise BadLink("scheme")
    if "@" in parts.netloc or parts.username is not None:
        raise BadLink("userinfo")  # https://meet.google.com@evil.example goes to evil.example
    host = (parts.hostname or "").lower().rstrip(".")
    _check_host(host)
    pairs = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith("utm_") and k.lower() not in TRACKING
    ]
    netloc = host if port is None else f"{host}:{port}"
    rebuilt = SplitResult(scheme, netloc, parts.path, urlencode(pairs), parts.fragment)
    _check_site(host, rebuilt)
    url = urlunsplit(rebuilt)
    known = _platform(host.removeprefix("www.").removeprefix("m."), parts.path, dict(pairs))
    key, name, icon = known or ("other", "", "🎥")
    return VideoLink(url=url, platform=key, name=name, icon=icon)


def _trimmed(found: str) -> str:
    """A link without what wraps or follows it: punctuation, brackets, emoji."""
    while found:
        last = found[-1]
        if last == ")" and found.count("(") >= found.count(")"):
            break  # "(1)" belongs to the link; "(see link)" does not
        if last in TRAILING or (
            not last.isascii() and unicodedata.category(last)[0] not in "LN"
        ):  # "…/Noel🎄", "…/live ❤️", "»"
            found = found[:-1]
            continue
        break
    return found


def _looks_like_a_site(found: str) -> bool:
    """A word with a scheme, or a host on a real top-level domain, or a platform's lookalike
    ("pull.rouge/bleu" is no link; "zoom.uss/j/1" is a mistyped one)."""
    if ":" in found.split("/")[0]:
        return True
    host = found.split("/")[0].lower()
    return registrable(host) is not None or lookalike(host) is not None


def find_links(text: str) -> list[str]:
    """Every link-looking word of a message (good or bad), in order, trimmed."""
    found = (_trimmed(m.group(0)) for m in CANDIDATE.finditer(text))
    return [link for link in found if link and _looks_like_a_site(link)]


def find_link(text: str) -> str | None:
    """The link of a message: the first one on a platform we name, else the first one."""
    found = find_links(text)
    for raw in found:
        try:
            if parse_link(raw).platform != "other":
                return raw
        except BadLink:
            continue
    return found[0] if found else None
