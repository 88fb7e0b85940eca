"""The town's news: residents opt in from their settings, the town hall's campaigns reach them.

Off by default: only someone who tapped "Recevoir les nouvelles de la ville" gets them, and
every campaign message carries a button that stops them in one tap.
"""

from datetime import datetime

from sqlmodel import Session, col, select

from handlers import i18n
from handlers.common import actions as a
from handlers.context import Context
from handlers.core import Option, Reply, menu_of
from handlers.notices.visits import counts_joins
from store import campaigns, outbox
from store.models import Campaign, Shop, Town, User
from store.types import persisted

STOP = a.NEWS_STOP.pack()  # the one-tap stop under every campaign message


def town_page_url(public_url: str) -> str:
    """The town's public page (served under `/` by the web server)."""
    return f"{public_url}/"


def _button(campaign: Campaign, shop: Shop | None, ctx: Context, lang: str) -> Option | None:
    if campaign.button == "shop" and shop is not None:
        return Option(i18n.t(lang, "town_news_see_shop", shop=shop.name), a.SHOP.pack(shop.id))
    if campaign.button == "town":
        label = i18n.t(lang, "town_news_see_town")
        if counts_joins(ctx.public_url):  # a page Telegram and WhatsApp can open
            return Option(label, url=town_page_url(ctx.public_url))
        return Option(label, a.CATEGORIES.pack())  # a local demo: the town's shops in the chat
    return None


def message(campaign: Campaign, town: Town, shop: Shop | None, ctx: Context, lang: str) -> Reply:
    """What one resident receives: the town's words, its photo, the button, the stop."""
    text = f"{i18n.t(lang, 'town_news_header', town=town.name)}\n\n{campaign.text}"
    button = _button(campaign, shop, ctx, lang)
    stop_option = Option(i18n.t(lang, "town_news_stop"), STOP)
    options = (button, stop_option) if button else (stop_option,)
    return Reply(text, photo=campaign.photo, options=options)


def send(*, session: Session, ctx: Context, campaign_id: int, now: datetime) -> int | None:
    """Queue the campaign for every resident who opted in; how many, None if already sent.

    Rows go through the outbox (the dispatcher keeps to each platform's rates); outside
    WhatsApp's 24 hours the `town_news` template carries {town} and {text}.
    """
    campaign = session.get(Campaign, campaign_id, with_for_update=True)
    if campaign is None or campaign.status != "draft":
        return None
    town = session.get(Town, campaign.town_id)
    assert town is not None
    shop = session.get(Shop, campaign.shop_id) if campaign.shop_id else None
    people = campaigns.recipient_ids(session=session, town_id=campaign.town_id)
    languages = _languages(session, people)
    built = {lang: message(campaign, town, shop, ctx, lang) for lang in set(languages.values())}
    menus = {lang: menu_of([reply]) for lang, reply in built.items()}
    variables = {"town": town.name, "text": campaign.text}
    rows = [
        {
            "user_id": user_id,
            "kind": campaigns.KIND,
            "replies": [built[languages[user_id]]],
            "menu": menus[languages[user_id]],
            "due_at": now,
            "essential": False,  # news: spared to anyone who turned messages off
            "variables": variables,
            "dedupe_key": campaigns.dedupe_key(campaign_id, user_id),
        }
        for user_id in people
    ]
    outbox.enqueue_many(session=session, rows=rows)
    campaign.status, campaign.sent_at, campaign.recipients = "sent", now, len(rows)
    session.add(campaign)
    return len(rows)


def _languages(session: Session, user_ids: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    for start in range(0, len(user_ids), 500):
        chunk = user_ids[start : start + 500]
        query = select(User.id, User.language).where(col(User.id).in_(chunk))
        for user_id, language in session.exec(query).all():
            found[persisted(user_id)] = i18n.language_of(language)
    return found
