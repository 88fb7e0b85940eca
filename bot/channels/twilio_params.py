"""The parameters Twilio posts to a WhatsApp "a message comes in" webhook, and nothing else.

Twilio signs the concatenation of the sorted names and values, so characters can move
between a name and the next value without breaking the signature: `MessageSid` can swallow
the parameters after it ("SM…MessageTypetext") and pass for a new message. A request is
taken only when every name is one Twilio sends (its messaging webhook's parameters and the
WhatsApp ones, from twilio.com/docs/messaging/guides/webhook-request), each once, and the
identifiers have Twilio's shape: then no shifted variant of a signed request survives.
"""

import re
from collections.abc import Sequence

NAMES = frozenset(
    {
        # Every incoming message (twilio.com/docs/messaging/guides/webhook-request).
        "MessageSid", "SmsSid", "SmsMessageSid", "AccountSid", "MessagingServiceSid",
        "From", "To", "Body", "NumMedia", "NumSegments", "SmsStatus", "ApiVersion",
        "FromCity", "FromState", "FromZip", "FromCountry",
        "ToCity", "ToState", "ToZip", "ToCountry", "AddOns",
        # WhatsApp's own: sender, replies, buttons, shared places, click-to-WhatsApp ads.
        "ProfileName", "WaId", "Forwarded", "FrequentlyForwarded", "MessageType",
        "ButtonText", "ButtonPayload", "ButtonType", "ListId", "ListTitle",
        "Latitude", "Longitude", "Address", "Label",
        "OriginalRepliedMessageSender", "OriginalRepliedMessageSid", "ChannelMetadata",
        "ReferralBody", "ReferralHeadline", "ReferralSourceId", "ReferralSourceType",
        "ReferralSourceUrl", "ReferralMediaId", "ReferralMediaContentType", "ReferralMediaUrl",
        "ReferralNumMedia", "ReferralCtwaClid",
    }
)  # fmt: skip
MEDIA_NAME = re.compile(r"^(MediaUrl|MediaContentType)([0-9])$")  # at most ten media
MESSAGE_SID = re.compile(r"^(SM|MM)[0-9a-f]{32}$")
ACCOUNT_SID = re.compile(r"^AC[0-9a-f]{32}$")
SID_NAMES = ("MessageSid", "SmsSid", "SmsMessageSid")
REQUIRED = ("MessageSid", "AccountSid", "From", "To")


def refusal(items: Sequence[tuple[str, str]], account_sid: str) -> str | None:
    """Why a signed inbound-message request is not one Twilio sent us; None when it is."""
    names = [name for name, _ in items]
    if len(names) != len(set(names)):
        return "a parameter given twice"
    params = dict(items)
    unknown = sorted(n for n in names if n not in NAMES and not MEDIA_NAME.match(n))
    if unknown:
        return f"parameters Twilio does not send: {unknown[:5]}"
    missing = [name for name in REQUIRED if not params.get(name)]
    if missing:
        return f"missing {missing}"
    sid = params["MessageSid"]
    if not MESSAGE_SID.match(sid) or any(params.get(n, sid) != sid for n in SID_NAMES):
        return "MessageSid not in Twilio's shape"
    if params["AccountSid"] != account_sid or not ACCOUNT_SID.match(account_sid):
        return "another account's message"
    count = params.get("NumMedia", "0")
    if not (count.isdigit() and int(count) <= 10):
        return "NumMedia out of range"
    for name in names:
        media = MEDIA_NAME.match(name)
        if media and int(media[2]) >= int(count):
            return f"{name} beyond NumMedia"
    return None
