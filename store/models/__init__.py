"""The tables, by domain. Money is integer cents; times are aware UTC (`UTCDateTime`).

Every table is importable from here (`from store.models import Order`); Alembic reads
their metadata through this package.
"""

from store.models.messages import (
    Outbox,
    RateSlot,
    SeenMessage,
    TelegramFile,
    WhatsAppContent,
    WhatsAppMessage,
)
from store.models.orders import (
    CartLine,
    ConversationState,
    Order,
    OrderLine,
    Payment,
    ProviderEvent,
)
from store.models.shops import (
    AuditLog,
    Follow,
    Invite,
    Item,
    SearchWord,
    Shop,
    ShopStaff,
    Town,
    User,
)
from store.models.townhall import CAMPAIGN_TEXT, Campaign, LoginThrottle, StaffAccount
from store.models.visits import PrivateVisitRequest, Visit, VisitHold, VisitInterest, VisitJoin

__all__ = [
    "Town",
    "Shop",
    "User",
    "ShopStaff",
    "Item",
    "SearchWord",
    "Invite",
    "Follow",
    "AuditLog",
    "ConversationState",
    "CartLine",
    "Order",
    "OrderLine",
    "Payment",
    "ProviderEvent",
    "Outbox",
    "TelegramFile",
    "SeenMessage",
    "WhatsAppContent",
    "WhatsAppMessage",
    "RateSlot",
    "Visit",
    "VisitInterest",
    "VisitJoin",
    "VisitHold",
    "PrivateVisitRequest",
    "StaffAccount",
    "LoginThrottle",
    "Campaign",
    "CAMPAIGN_TEXT",
]
