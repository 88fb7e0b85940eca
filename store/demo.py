"""The demo town: Nogent-le-Rotrou (28400) and its shops, loaded into an empty database."""

from sqlmodel import Session, select

from store.media import MediaStore
from store.models import Item, Shop, Town

WEEK = {
    day: [["09:30", "12:30"], ["14:00", "19:00"]] for day in ("tue", "wed", "thu", "fri", "sat")
}

SHOPS = [
    {
        "slug": "lingerie-christelle",
        "name": "Lingerie Christelle",
        "category": "lingerie",
        "description": "Lingerie fine et homewear, conseils personnalisés.",
        "address": "12 rue Gouverneur, 28400 Nogent-le-Rotrou",
        "items": [
            ("Nuisette en soie", "Soie naturelle, taille S à L.", 5900, 3),
            ("Pyjama en coton bio", "Doux et chaud pour l'hiver.", 4500, 6),
        ],
    },
    {
        "slug": "chocolaterie-du-perche",
        "name": "Chocolaterie du Perche",
        "category": "chocolate",
        "description": "Chocolats artisanaux fabriqués à Nogent.",
        "address": "3 place Saint-Pol, 28400 Nogent-le-Rotrou",
        "delivery": True,
        "items": [
            ("Coffret chocolats assortis", "24 bonbons pralinés et ganaches.", 2450, 10),
            ("Crème de marrons", "Pot de 350 g.", 690, None),
        ],
    },
]


def load_demo(*, session: Session, media: MediaStore) -> bool:
    """Load the demo town when the database has no town; True when it did."""
    if session.exec(select(Town.id)).first() is not None:
        return False
    town = Town(slug="nogent-le-rotrou", name="Nogent-le-Rotrou", postcode="28400")
    session.add(town)
    session.flush()
    for spec in SHOPS:
        shop = Shop(
            town_id=town.id,  # type: ignore[arg-type]
            slug=spec["slug"],
            name=spec["name"],
            category=spec["category"],
            description=spec["description"],
            address=spec["address"],
            hours=WEEK,
            delivery_enabled=bool(spec.get("delivery")),
            delivery_fee_cents=490,
            free_delivery_cents=5000,
            delivery_postcodes=["28400"],
        )
        session.add(shop)
        session.flush()
        for name, description, price, stock in spec["items"]:
            session.add(
                Item(
                    shop_id=shop.id,
                    name=name,
                    description=description,  # type: ignore[arg-type]
                    price_cents=price,
                    stock=stock,
                )
            )
    return True
