"""Sites that pretend to be, or were mistyped for, a video platform; top-level domains that do
not exist. Each check gives the address the person probably meant, to ask "did you mean …?".

Top-level and registrable domains come from the Public Suffix List that `publicsuffixlist`
ships (read offline, ICANN part only); distances from `rapidfuzz` (OSA: two letters swapped
count as one typo).
"""

from functools import cache

from publicsuffixlist import PublicSuffixList
from rapidfuzz.distance import OSA

# The registrable domains of the platforms we name, and the host a bare brand stands for.
PLATFORM_DOMAINS = (
    "google.com", "zoom.us", "zoom.com", "microsoft.com", "live.com", "youtube.com", "youtu.be",
    "facebook.com", "fb.watch", "instagram.com", "whatsapp.com", "wa.me", "jit.si", "8x8.vc",
    "whereby.com", "skype.com",
)  # fmt: skip
BRANDS = {
    "google": "meet.google.com", "googlemeet": "meet.google.com", "zoom": "zoom.us",
    "youtube": "www.youtube.com", "facebook": "www.facebook.com", "instagram": "www.instagram.com",
    "whatsapp": "call.whatsapp.com", "microsoft": "teams.microsoft.com",
    "teams": "teams.microsoft.com", "skype": "join.skype.com", "whereby": "whereby.com",
    "jitsi": "meet.jit.si",
}  # fmt: skip
SHORTENERS = frozenset((
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "cutt.ly", "rebrand.ly",
    "shorturl.at", "tiny.cc", "lnkd.in", "buff.ly", "rb.gy", "t.ly", "s.id", "v.gd",
))  # fmt: skip
# Top-level domains a mistyped one is compared with (the ones links in town end with).
COMMON_TLDS = (
    "fr", "com", "net", "org", "eu", "be", "ch", "us", "io", "live", "me", "tv", "si", "vc",
    "de", "es", "it", "uk", "ca", "info", "shop", "app", "lu",
)  # fmt: skip
LONG_BRAND = 6  # a brand this long inside another name is no coincidence ("zoom" may be)
MIN_COMPARED = 6  # domains shorter than "jit.si" are too close to too many real sites


@cache
def _suffixes() -> PublicSuffixList:
    return PublicSuffixList(only_icann=True)


def registrable(host: str) -> str | None:
    """ "meet.google.com" -> "google.com"; None when the top-level domain does not exist."""
    found = _suffixes().privatesuffix(host, accept_unknown=False)
    return found if isinstance(found, str) else None


def is_shortener(host: str) -> bool:
    """A link shortener hides where a link goes: the person should send the full link."""
    return host in SHORTENERS or (registrable(host) or "") in SHORTENERS


def _close(domain: str, known: str) -> bool:
    limit = 1 if len(known) < 10 else 2
    return OSA.distance(domain, known, score_cutoff=limit) <= limit


def lookalike(host: str) -> str | None:
    """The platform host that `host` imitates or mistypes ("zoom.uss" -> "zoom.us"), else None."""
    labels = host.split(".")
    domain = registrable(host) or ".".join(labels[-2:])  # "google.con": the TLD is unknown
    if domain in PLATFORM_DOMAINS:
        return None
    for known in PLATFORM_DOMAINS:
        inside = f".{host}.".find(f".{known}.")
        if inside >= 0:  # "meet.google.com.evil.example": the real name is only a prefix
            return host[: inside + len(known)]
    sub = host[: -len(domain)] if host.endswith(domain) else ""
    name = domain.rpartition(".")[0]
    for known in PLATFORM_DOMAINS:
        known_name = known.rpartition(".")[0]
        same_name = name == known_name and len(known_name) >= 4  # "youtube.fr", "zoom.co"
        if same_name or (len(known) >= MIN_COMPARED and _close(domain, known)):
            return sub + known
    for token in name.replace("_", "-").split("-"):
        if token in BRANDS and "-" in name:  # "google-meet.com", "zoom-visio.fr"
            return BRANDS[token]
    for brand, meant in BRANDS.items():
        if len(brand) >= LONG_BRAND and brand in name:  # "meetgoogle.com", "myfacebooklive.fr"
            return meant
    return None


def tld_suggestion(host: str) -> str | None:
    """ "boutique.frr" -> "boutique.fr": the one common top-level domain one typo away."""
    rest, _, tld = host.rpartition(".")
    near = {known for known in COMMON_TLDS if OSA.distance(tld, known) == 1}
    return f"{rest}.{near.pop()}" if len(near) == 1 else None
