"""Catalogue search, accent- and case-insensitive, ranked: SQLite FTS5 or PostgreSQL full text.

"creme" finds "Crème", "bijou" finds "Bijoux", "pull rouge" finds "Pull en laine rouge":
every word must match a word of the item, its description or its shop's name, in one of its
plural or feminine forms (`forms`); the last word may also be the start of a word ("pull
roug"). Exact forms rather than prefixes for the other words keep a search in a big town fast:
an index lookup of a prefix reads every matching entry in the country.
"""

import re
import unicodedata

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from store.models import Item, Shop
from store.types import persisted

STOPWORDS = frozenset(
    "a au aux avec de des du en et la le les l d un une pour par sur the of and for".split()
)
MAX_TERMS = 8


def fold(value: str) -> str:
    """Lower case, accents and ligatures removed: the form both indexes compare."""
    value = value.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", value)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(query: str) -> list[str]:
    """The words of a query worth looking for, plural endings dropped so both forms match."""
    # A single letter would expand to most of the index's words: it narrows nothing.
    words = [
        w
        for w in re.findall(r"\w+", fold(query))
        if len(w) > 1 and w not in STOPWORDS and not w.isdigit()
    ]
    out = []
    for word in words[:MAX_TERMS]:
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        out.append(word)
    return out


SUFFIXES = ("", "s", "x", "e", "es")


def forms(word: str) -> list[str]:
    """A word as it may be written in an item: "bleu" -> bleu, bleus, bleux, bleue, bleues."""
    return [word + suffix for suffix in SUFFIXES]


def search_items(
    *, session: Session, query: str, town_id: int | None = None, limit: int = 10, offset: int = 0
) -> list[tuple[Item, Shop]]:
    """Visible items matching every word of `query`, best first, in one town or everywhere."""
    words = terms(query)
    if not words:
        return []
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        ids = _ids_postgresql(bind, words, town_id, limit, offset)
    else:
        ids = _ids_sqlite(bind, words, town_id, limit, offset)
    if not ids:
        return []
    rows = session.exec(select(Item, Shop).join(Shop).where(Item.id.in_(ids))).all()  # type: ignore[union-attr]
    order = {item_id: n for n, item_id in enumerate(ids)}
    return sorted(((i, s) for i, s in rows), key=lambda pair: order[persisted(pair[0].id)])


_VISIBLE = "item.hidden = false AND item.deleted = false AND shop.active = true"


def _ids_sqlite(
    bind: Connection, words: list[str], town_id: int | None, limit: int, offset: int
) -> list[int]:
    # The words are looked for in the text columns only; the town's own token narrows the
    # match inside the index, so a town's search costs its own matches, not the country's.
    parts = ["(" + " OR ".join(f'"{f}"' for f in forms(w)) + ")" for w in words[:-1]]
    parts.append(f'("{words[-1]}"*)')
    match = "{name description shop} : (" + " AND ".join(parts) + ")"
    if town_id is not None:
        match = f'town : "{_town_token(town_id)}" AND {match}'
    sql = (
        "SELECT item.id FROM item_fts JOIN item ON item.id = item_fts.rowid "
        "JOIN shop ON shop.id = item.shop_id "
        f"WHERE item_fts MATCH :match AND {_VISIBLE.replace('false', '0').replace('true', '1')}"
        + (" AND shop.town_id = :town" if town_id is not None else "")
        + " ORDER BY bm25(item_fts, 10.0, 2.0, 4.0, 0.0), item.id LIMIT :limit OFFSET :offset"
    )
    params = {"match": match, "town": town_id, "limit": limit, "offset": offset}
    return [row[0] for row in bind.execute(text(sql), params)]


def _town_token(town_id: int) -> str:
    """The word that stands for a town in the index; never a word a person types."""
    return f"town{int(town_id)}"


def _ids_postgresql(
    bind: Connection, words: list[str], town_id: int | None, limit: int, offset: int
) -> list[int]:
    parts = ["(" + " | ".join(forms(w)) + ")" for w in words[:-1]]
    tsquery = " & ".join([*parts, f"{words[-1]}:*"])
    # Within a town, the town's lexeme joins the query so the GIN index intersects both lists
    # and only the town's matches are fetched and ranked.
    town = " && CAST(:town_lexeme AS tsquery)" if town_id is not None else ""
    sql = (
        "SELECT item.id FROM item JOIN shop ON shop.id = item.shop_id "
        f"WHERE item.search_vector @@ (to_tsquery('simple', :q){town}) AND {_VISIBLE}"
        + (" AND shop.town_id = :town" if town_id is not None else "")
        + " ORDER BY ts_rank(item.search_vector, to_tsquery('simple', :q)) DESC, item.id"
        " LIMIT :limit OFFSET :offset"
    )
    params = {"q": tsquery, "town": town_id, "limit": limit, "offset": offset}
    # psycopg prepares a statement run five times, and PostgreSQL then settles on a generic
    # plan that cannot see the query's words: a big town's search became ten times slower.
    bind.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    if town_id is not None:
        params["town_lexeme"] = f"'#{int(town_id)}'"
    return [row[0] for row in bind.execute(text(sql), params)]


_FTS_ROW = (
    "INSERT INTO item_fts(rowid, name, description, shop, town) "
    "SELECT item.id, item.name, item.description, shop.name, 'town' || shop.town_id "
    "FROM item JOIN shop ON shop.id = item.shop_id"
)
_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE item_fts USING fts5(name, description, shop, town, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER item_fts_insert AFTER INSERT ON item BEGIN {_FTS_ROW} "
    "WHERE item.id = new.id; END",
    "CREATE TRIGGER item_fts_update AFTER UPDATE OF name, description, shop_id ON item BEGIN "
    f"DELETE FROM item_fts WHERE rowid = old.id; {_FTS_ROW} WHERE item.id = new.id; END",
    "CREATE TRIGGER item_fts_delete AFTER DELETE ON item BEGIN "
    "DELETE FROM item_fts WHERE rowid = old.id; END",
    # A shop renamed or moved carries its items' index rows along.
    "CREATE TRIGGER item_fts_shop AFTER UPDATE OF name, town_id ON shop "
    "WHEN old.name IS NOT new.name OR old.town_id IS NOT new.town_id BEGIN "
    "DELETE FROM item_fts WHERE rowid IN (SELECT id FROM item WHERE shop_id = new.id); "
    f"{_FTS_ROW} WHERE item.shop_id = new.id; END",
    _FTS_ROW,
]

_PG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE item ADD COLUMN search_vector tsvector",
    # The town's lexeme ('#12') has a character the parser never keeps, so no typed word
    # can match it; search_items adds it to the query to search within one town.
    """CREATE FUNCTION item_search_vector_of(name text, description text, shop text, town bigint)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
      SELECT setweight(to_tsvector('simple', unaccent(lower(coalesce(name, '')))), 'A') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(shop, '')))), 'B') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(description, '')))), 'C') ||
        array_to_tsvector(ARRAY['#' || coalesce(town, 0)])
    $$""",
    """CREATE FUNCTION item_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := (SELECT item_search_vector_of(NEW.name, NEW.description, shop.name,
        shop.town_id) FROM shop WHERE shop.id = NEW.shop_id);
      RETURN NEW;
    END $$""",
    "CREATE TRIGGER item_search_vector BEFORE INSERT OR UPDATE OF name, description, shop_id "
    "ON item FOR EACH ROW EXECUTE FUNCTION item_search_vector()",
    """CREATE FUNCTION shop_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE item SET shop_id = shop_id WHERE shop_id = NEW.id;
      RETURN NEW;
    END $$""",
    "CREATE TRIGGER shop_search_vector AFTER UPDATE OF name, town_id ON shop FOR EACH ROW "
    "WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.town_id IS DISTINCT FROM NEW.town_id) "
    "EXECUTE FUNCTION shop_search_vector()",
    # One set-based pass fills the existing rows (much faster than firing the trigger per row).
    "UPDATE item SET search_vector = item_search_vector_of(item.name, item.description, "
    "shop.name, shop.town_id) FROM shop WHERE shop.id = item.shop_id",
    "CREATE INDEX ix_item_search_vector ON item USING GIN (search_vector)",
]


def create_index(bind: Connection) -> None:
    """Create the search index and keep it in step with the items (called by migration 0002)."""
    for statement in _PG_DDL if bind.dialect.name == "postgresql" else _SQLITE_DDL:
        bind.exec_driver_sql(statement)


def drop_index(bind: Connection) -> None:
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS shop_search_vector ON shop")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS shop_search_vector()")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS item_search_vector ON item")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS item_search_vector()")
        bind.exec_driver_sql(
            "DROP FUNCTION IF EXISTS item_search_vector_of(text, text, text, bigint)"
        )
        bind.exec_driver_sql("ALTER TABLE item DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("insert", "update", "delete", "shop"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS item_fts_{trigger}")
        bind.exec_driver_sql("DROP TABLE IF EXISTS item_fts")
