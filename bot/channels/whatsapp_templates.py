"""The WhatsApp templates for messages sent more than 24 hours after the person last wrote.

Outside the customer-service window WhatsApp only delivers templates it approved. Each kind
of outbox message that may go out then has one here, per language, with the variables the
outbox row carries (`payload["variables"]`, set where the handler queues it). Utility ones
are about the person's own order; the live-visit announcements are marketing (followers
asked for them, but Meta counts them so). Bodies follow the approval rules: they neither
start nor end with a variable and no two variables touch.
"""

import re
from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp_shapes import definition_digest


@dataclass(frozen=True)
class Template:
    kind: str
    category: str  # "utility" | "marketing"
    bodies: dict[str, str]  # language -> body with {{name}} variables
    samples: dict[str, str]  # a value of each variable, for the reviewers

    def name(self, lang: str) -> str:
        """Ours and WhatsApp's (lowercase, digits, underscores)."""
        return f"vitrine_{self.kind}_{lang}"

    def definition(self, lang: str) -> dict[str, Any]:
        return {
            "friendly_name": self.name(lang),
            "language": lang,
            "variables": dict(self.samples),
            "types": {"twilio/text": {"body": self.bodies[lang]}},
        }

    def digest(self, lang: str) -> str:
        return definition_digest(self.definition(lang))


def _t(kind: str, category: str, fr: str, en: str, **samples: str) -> Template:
    return Template(kind, category, {"fr": fr, "en": en}, samples)


TEMPLATES: dict[str, Template] = {
    t.kind: t
    for t in (
        _t(
            "order_ready",
            "utility",
            "Votre commande n°{{number}} chez {{shop}} est prête. Vous pouvez la retirer "
            "jusqu'au {{until}}. Répondez à ce message pour la voir.",
            "Your order no. {{number}} at {{shop}} is ready. You can collect it until "
            "{{until}}. Reply to this message to see it.",
            number="12",
            shop="Lingerie Christelle",
            until="vendredi 11 décembre à 19:00",
        ),
        _t(
            "order_accepted",
            "utility",
            "Votre commande n°{{number}} est acceptée par {{shop}}. Nous vous prévenons dès "
            "qu'elle est prête.",
            "Your order no. {{number}} was accepted by {{shop}}. We will tell you as soon as "
            "it is ready.",
            number="12",
            shop="Lingerie Christelle",
        ),
        _t(
            "order_declined",
            "utility",
            "Votre commande n°{{number}} n'a pas pu être acceptée par {{shop}} ({{reason}}). "
            "Répondez à ce message pour la voir.",
            "Your order no. {{number}} could not be accepted by {{shop}} ({{reason}}). "
            "Reply to this message to see it.",
            number="12",
            shop="Lingerie Christelle",
            reason="article épuisé",
        ),
        _t(
            "order_delivered",
            "utility",
            "Votre commande n°{{number}} de {{shop}} est livrée. Merci et à bientôt !",
            "Your order no. {{number}} from {{shop}} was delivered. Thank you!",
            number="12",
            shop="Lingerie Christelle",
        ),
        _t(
            "pickup_reminder",
            "utility",
            "Rappel : votre commande n°{{number}} vous attend au magasin. À bientôt !",
            "Reminder: your order no. {{number}} is waiting for you at the shop. See you soon!",
            number="12",
        ),
        _t(
            "order_cancelled",
            "utility",
            "La commande n°{{number}} a été annulée par le client. Répondez à ce message pour "
            "la voir.",
            "Order no. {{number}} was cancelled by the customer. Reply to this message to see it.",
            number="12",
        ),
        _t(
            "order_expired",
            "utility",
            "Votre commande n°{{number}} n'a pas été retirée à temps et a été annulée. "
            "Répondez à ce message pour la voir.",
            "Your order no. {{number}} was not collected in time and was cancelled. "
            "Reply to this message to see it.",
            number="12",
        ),
        _t(
            "order_out",
            "utility",
            "Votre commande n°{{number}} de {{shop}} est en route. Elle arrive bientôt.",
            "Your order no. {{number}} from {{shop}} is on its way. It will arrive soon.",
            number="12",
            shop="Lingerie Christelle",
        ),
        _t(
            "order_new",
            "utility",
            "Nouvelle commande n°{{number}} pour votre boutique. Répondez à ce message pour "
            "l'accepter ou la refuser.",
            "New order no. {{number}} for your shop. Reply to this message to accept or "
            "decline it.",
            number="12",
        ),
        _t(
            "visit_live",
            "marketing",
            "En direct : {{shop}} vous ouvre ses portes ! Rejoignez la visite : {{url}} "
            "Bonne visite.",
            "Live now: {{shop}} opens its doors! Join the visit: {{url}} Enjoy the visit.",
            shop="Lingerie Christelle",
            url="https://meet.jit.si/Christelle",
        ),
        _t(
            "visit_scheduled",
            "marketing",
            "Bonne nouvelle : {{shop}} prévoit une visite en direct. Répondez pour voir quand.",
            "Good news: {{shop}} is planning a live visit. Reply to see when.",
            shop="Lingerie Christelle",
        ),
    )
}
LANGUAGES = ("fr", "en")

_VARIABLE = re.compile(r"\{\{(\w+)\}\}")
# The variables each kind's template needs (the same in every language).
VARIABLE_NAMES: dict[str, tuple[str, ...]] = {
    kind: tuple(dict.fromkeys(_VARIABLE.findall(t.bodies["fr"]))) for kind, t in TEMPLATES.items()
}
