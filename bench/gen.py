"""A national-scale catalogue with realistic French names, written by bulk inserts.

Names are combinatorial (product × material × colour × adjective, with French agreement), so
a million items share a few thousand words the way real catalogues do. Town sizes follow a
Zipf-like law: a few big towns hold many shops, most towns a few dozen.
"""

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import insert

from bench.gen_words import (
    ADJECTIVES,
    CATEGORIES,
    CLOTHES,
    COLOURS,
    FLAVOURS,
    FOOD_ADJECTIVES,
    FOODS,
    HOME,
    JEWELLERY,
    MATERIALS,
    PLACES,
    SENTENCES,
    SURNAMES,
    TOWN_ROOTS,
    TOWN_SUFFIXES,
    TOYS,
)
from store import search
from store.db import Database
from store.models import Item, Shop, Town
from store.parsing.text import slugify

EPOCH = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Size:
    towns: int
    shops: int
    items: int
    uniform: bool = False  # every town the same number of shops (else Zipf-like)


SMALL = Size(towns=50, shops=2_000, items=50_000)
FULL = Size(towns=800, shops=40_000, items=1_000_000)
# A département's deployment: 200 towns of 10 shops and 500 items each (bench/towns.py).
REGION = Size(towns=200, shops=2_000, items=100_000, uniform=True)


def town_names(count: int, rng: random.Random) -> list[str]:
    """`count` distinct plausible town names."""
    names = sorted({root + suffix for root in TOWN_ROOTS for suffix in TOWN_SUFFIXES})
    rng.shuffle(names)
    if count > len(names):
        raise ValueError(f"only {len(names)} town names; asked for {count}")
    return names[:count]


def shops_per_town(towns: int, shops: int, rng: random.Random, uniform: bool = False) -> list[int]:
    """A Zipf-like split of `shops` over `towns`: a few big towns, many small ones."""
    if uniform:
        each, extra = divmod(shops, towns)
        return [each + (1 if n < extra else 0) for n in range(towns)]
    weights = [1 / (rank**0.7) for rank in range(1, towns + 1)]
    total = sum(weights)
    counts = [max(1, int(shops * w / total)) for w in weights]
    for n in range(shops - sum(counts)):  # hand out the rounding remainder
        counts[n % towns] += 1
    return counts


def item_name(category: str, rng: random.Random) -> tuple[str, str]:
    """A product's name and description, French agreement included."""
    products = CATEGORIES[category][1]
    if products is None:
        name = f"{rng.choice(FOODS)} {rng.choice(FLAVOURS)} {rng.choice(FOOD_ADJECTIVES)}".strip()
        return name, f"{rng.choice(SENTENCES)} {rng.choice(SENTENCES)}"
    word, feminine, plural = rng.choice(products)
    colour = rng.choice(COLOURS)[feminine]
    adjective = rng.choice(ADJECTIVES)[feminine]
    if plural and not colour.endswith(("s", "x")) and " " not in colour:
        colour += "s"
    parts = [word]
    if rng.random() < 0.8:
        parts.append(rng.choice(MATERIALS))
    parts.append(colour)
    if rng.random() < 0.3:
        parts.append(adjective)
    description = f"{word} {adjective}. {rng.choice(SENTENCES)}"
    return " ".join(parts), description


def shop_name(category: str, rng: random.Random) -> str:
    prefix = rng.choice(CATEGORIES[category][0])
    tail = rng.choice(SURNAMES) if rng.random() < 0.6 else rng.choice(PLACES)
    if prefix.endswith(" de") and tail.startswith(("du ", "de ", "des ")):
        prefix = prefix[:-3]
    return f"{prefix} {tail}"


def rows(size: Size, seed: int = 8) -> tuple[list[dict], list[dict], Iterator[dict]]:
    """Towns, shops and (lazily) items as column dicts, ids given so inserts need no RETURNING."""
    rng = random.Random(seed)
    towns, slugs = [], set()
    for n, name in enumerate(town_names(size.towns, rng)):
        # The slug a config's [town] name leads to, so `vitrine run` can serve any town.
        slug = slugify(name) if slugify(name) not in slugs else f"{slugify(name)[:70]}-{n + 1}"
        slugs.add(slug)
        towns.append(
            {
                "id": n + 1,
                "slug": slug,
                "name": name,
                "postcode": f"{rng.randint(1, 95):02d}{rng.randint(0, 999):03d}",
                "timezone": "Europe/Paris",
                "locale": "fr_FR",
                "currency": "EUR",
            }
        )
    days = ("tue", "wed", "thu", "fri", "sat")
    hours = {day: [["09:30", "12:30"], ["14:00", "19:00"]] for day in days}
    shops: list[dict] = []
    for town, count in zip(
        towns, shops_per_town(size.towns, size.shops, rng, size.uniform), strict=True
    ):
        for _ in range(count):
            category = rng.choice(list(CATEGORIES))
            name = shop_name(category, rng)
            shop_id = len(shops) + 1
            shops.append(
                {
                    "id": shop_id,
                    "town_id": town["id"],
                    "slug": f"{slugify(name)[:60]}-{shop_id}",
                    "name": name,
                    "category": category,
                    "description": "",
                    "address": f"{rng.randint(1, 80)} rue {rng.choice(PLACES)[3:]}",
                    "phone": "",
                    "photo": None,
                    "hours": hours,
                    "closures": [],
                    "pickup_enabled": True,
                    "prep_minutes": 60,
                    "slot_minutes": 30,
                    "slot_capacity": 4,
                    "hold_days": 3,
                    "delivery_enabled": False,
                    "delivery_fee_cents": 0,
                    "free_delivery_cents": None,
                    "delivery_postcodes": [],
                    "active": True,
                    "created_at": EPOCH,
                }
            )

    def items() -> Iterator[dict]:
        per_shop, extra = divmod(size.items, len(shops))
        item_id = 0
        for n, shop in enumerate(shops):
            for _ in range(per_shop + (1 if n < extra else 0)):
                item_id += 1
                name, description = item_name(shop["category"], rng)
                yield {
                    "id": item_id,
                    "shop_id": shop["id"],
                    "name": name,
                    "description": description,
                    "price_cents": rng.randint(3, 400) * 50,
                    "stock": rng.choice((None, 1, 3, 10, 25)),
                    "photos": [],
                    "hidden": False,
                    "deleted": rng.random() < 0.01,
                    "created_at": EPOCH,
                    "updated_at": EPOCH,
                }

    return towns, shops, items()


def _batches(values: Iterator[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _copy_items(db: Database, items: Iterator[dict]) -> None:
    """PostgreSQL COPY: the fastest way in, about ten times executemany."""
    columns = [
        "id",
        "shop_id",
        "name",
        "description",
        "price_cents",
        "stock",
        "photos",
        "hidden",
        "deleted",
        "created_at",
        "updated_at",
    ]
    with db.engine.begin() as conn:
        cursor = conn.connection.driver_connection.cursor()
        with cursor.copy(f"COPY item ({', '.join(columns)}) FROM STDIN") as copy:
            for item in items:
                item["photos"] = "[]"
                copy.write_row([item[c] for c in columns])


def populate(
    db: Database, size: Size, seed: int = 8, only_towns: int | None = None
) -> dict[str, float]:
    """Fill a migrated, empty database; returns seconds spent per phase. `only_towns`: just
    the first towns of `size`, each exactly as it is in the whole (same shops, same items)."""
    started = time.perf_counter()
    towns, shops, items = rows(size, seed)
    if only_towns is not None:
        towns = towns[:only_towns]
        shops = [shop for shop in shops if shop["town_id"] <= only_towns]
        kept = {shop["id"] for shop in shops}
        items = (item for item in items if item["shop_id"] in kept)
    timings: dict[str, float] = {}
    with db.engine.begin() as conn:
        # Without its triggers the index costs nothing per row; it is rebuilt in one pass below.
        search.drop_index(conn)
        conn.execute(insert(Town), towns)
        for batch in _batches(iter(shops), 5_000):
            conn.execute(insert(Shop), batch)
    if db.dialect == "postgresql":
        _copy_items(db, items)
    else:
        with db.engine.begin() as conn:
            for batch in _batches(items, 20_000):
                conn.execute(insert(Item), batch)
    timings["insert"] = time.perf_counter() - started
    started = time.perf_counter()
    with db.engine.begin() as conn:
        search.create_index(conn)
        if db.dialect == "postgresql":
            for table in ("town", "shop", "item"):
                conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT max(id) FROM {table}))"
                )
    if db.dialect == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("VACUUM ANALYZE")
    else:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    timings["index"] = time.perf_counter() - started
    return timings


def sample_queries(count: int, seed: int = 9) -> list[str]:
    """What people type: a product, a product and colour, a material, a prefix, a typo."""
    rng = random.Random(seed)
    makers = [
        lambda: rng.choice(CLOTHES + HOME + JEWELLERY + TOYS)[0].lower(),
        lambda: f"{rng.choice(CLOTHES + HOME)[0]} {rng.choice(COLOURS)[0]}",
        lambda: f"{rng.choice(CLOTHES)[0]} {rng.choice(MATERIALS)[3:]} {rng.choice(COLOURS)[0]}",
        lambda: rng.choice(MATERIALS)[3:],
        lambda: rng.choice(FOODS).split()[0][:5].lower(),
        lambda: f"{rng.choice(FOODS)} {rng.choice(FLAVOURS)}",
        lambda: rng.choice(["creme", "chocolat noir", "zzkwyx", "parapluie", "velo electrique"]),
    ]
    return [rng.choice(makers)() for _ in range(count)]
