"""Phone numbers as people type them, read into one form (French numbers)."""

import re


def normalise_phone(text: str) -> str | None:
    """A French phone number as +33XXXXXXXXX, from "06 12 34 56 78", "+33 6 ...", "0033..."."""
    raw = re.sub(r"[\s.\-()/]", "", text)
    for prefix in ("+33", "0033"):
        if raw.startswith(prefix):
            raw = raw[len(prefix) :]
            break
    else:
        if not raw.startswith("0"):
            return None
    raw = raw.removeprefix("0")
    return f"+33{raw}" if re.fullmatch(r"[1-9]\d{8}", raw) else None
