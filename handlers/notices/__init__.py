"""What the conversation tells other people: every outbox kind, one module per subject.

Each module has a `KINDS` mapping, kind -> the template variables its rows carry; these are
the keys of `[whatsapp.templates]` in the config (a template is used outside WhatsApp's
24-hour window). `ALL_KINDS` gathers them.
"""
