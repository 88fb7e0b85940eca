"""What the conversation tells other people: every outbox kind, one module per subject.

Each module has a `KINDS` mapping, kind -> the template variables its rows carry; these are
the keys of `[whatsapp.templates]` in the config (a template is used outside WhatsApp's
24-hour window). `ALL_KINDS` gathers them (tests/handlers/notices/test_kinds.py checks that every
kind written anywhere is listed).
"""

from handlers.notices import digest, orders, payments, reminders, setup, visits

ALL_KINDS: dict[str, tuple[str, ...]] = {
    **orders.KINDS,
    **reminders.KINDS,
    **digest.KINDS,
    **visits.KINDS,
    **payments.KINDS,
    **setup.KINDS,
}
