"""Every text exists in French and in English, with the same blanks to fill in."""

import string

from handlers import i18n
from store.statuses import OrderStatus


def _blanks(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def test_every_text_has_french_and_english_with_the_same_blanks():
    texts = i18n.catalogue()
    assert len(texts) > 400
    missing = [key for key, entry in texts.items() if set(entry) != {"fr", "en"}]
    assert missing == []
    differ = [key for key, entry in texts.items() if _blanks(entry["fr"]) != _blanks(entry["en"])]
    assert differ == []


def test_every_order_status_reads_for_the_customer_and_for_the_shop():
    texts = i18n.catalogue()
    for status in OrderStatus:
        assert f"status_{status}" in texts, status
        assert f"m_status_{status}" in texts, status
    statuses = {f"status_{s}" for s in OrderStatus} | {f"m_status_{s}" for s in OrderStatus}
    named = {key for key in texts if key.startswith(("status_", "m_status_"))}
    assert named == statuses  # no text for a status no order can have
