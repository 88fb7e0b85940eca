"""Catalogue search, accent- and case-insensitive, ranked: SQLite FTS5 or PostgreSQL full text.

"creme" finds "Crème", "bijou" finds "Bijoux", "pull rouge" finds "Pull en laine rouge":
every word must match the start of a word of the item, its description or its shop's name.
"""

import re
import unicodedata

from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from store.models import Item, Shop

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
    words = [w for w in re.findall(r"\w+", fold(query)) if w not in STOPWORDS and not w.isdigit()]
    out = []
    for word in words[:MAX_TERMS]:
        if len(word) > 3 and word[-1] in "sx":
            word = word[:-1]
        out.append(word)
    return out


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
    return sorted(((i, s) for i, s in rows), key=lambda pair: order[pair[0].id])


_VISIBLE = "item.hidden = false AND item.deleted = false AND shop.active = true"


def _ids_sqlite(
    bind: Connection, words: list[str], town_id: int | None, limit: int, offset: int
) -> list[int]:
    match = " ".join(f'"{w}"*' for w in words)
    sql = (
        "SELECT item.id FROM item_fts JOIN item ON item.id = item_fts.rowid "
        "JOIN shop ON shop.id = item.shop_id "
        f"WHERE item_fts MATCH :match AND {_VISIBLE.replace('false', '0').replace('true', '1')}"
        + (" AND shop.town_id = :town" if town_id is not None else "")
        + " ORDER BY bm25(item_fts, 10.0, 2.0, 4.0), item.id LIMIT :limit OFFSET :offset"
    )
    params = {"match": match, "town": town_id, "limit": limit, "offset": offset}
    return [row[0] for row in bind.execute(text(sql), params)]


def _ids_postgresql(
    bind: Connection, words: list[str], town_id: int | None, limit: int, offset: int
) -> list[int]:
    tsquery = " & ".join(f"{w}:*" for w in words)
    sql = (
        "SELECT item.id FROM item JOIN shop ON shop.id = item.shop_id "
        f"WHERE item.search_vector @@ to_tsquery('simple', :q) AND {_VISIBLE}"
        + (" AND shop.town_id = :town" if town_id is not None else "")
        + " ORDER BY ts_rank(item.search_vector, to_tsquery('simple', :q)) DESC, item.id"
        " LIMIT :limit OFFSET :offset"
    )
    params = {"q": tsquery, "town": town_id, "limit": limit, "offset": offset}
    return [row[0] for row in bind.execute(text(sql), params)]


_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE item_fts USING fts5(name, description, shop, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER item_fts_insert AFTER INSERT ON item BEGIN "
    "INSERT INTO item_fts(rowid, name, description, shop) VALUES (new.id, new.name, "
    "new.description, (SELECT name FROM shop WHERE id = new.shop_id)); END",
    "CREATE TRIGGER item_fts_update AFTER UPDATE OF name, description, shop_id ON item BEGIN "
    "DELETE FROM item_fts WHERE rowid = old.id; "
    "INSERT INTO item_fts(rowid, name, description, shop) VALUES (new.id, new.name, "
    "new.description, (SELECT name FROM shop WHERE id = new.shop_id)); END",
    "CREATE TRIGGER item_fts_delete AFTER DELETE ON item BEGIN "
    "DELETE FROM item_fts WHERE rowid = old.id; END",
    "INSERT INTO item_fts(rowid, name, description, shop) SELECT item.id, item.name, "
    "item.description, shop.name FROM item JOIN shop ON shop.id = item.shop_id",
]

_PG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE item ADD COLUMN search_vector tsvector",
    """CREATE FUNCTION item_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector :=
        setweight(to_tsvector('simple', unaccent(lower(coalesce(NEW.name, '')))), 'A') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(
          (SELECT name FROM shop WHERE id = NEW.shop_id), '')))), 'B') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(NEW.description, '')))), 'C');
      RETURN NEW;
    END $$""",
    "CREATE TRIGGER item_search_vector BEFORE INSERT OR UPDATE OF name, description, shop_id "
    "ON item FOR EACH ROW EXECUTE FUNCTION item_search_vector()",
    "UPDATE item SET name = name",
    "CREATE INDEX ix_item_search_vector ON item USING GIN (search_vector)",
]


def create_index(bind: Connection) -> None:
    """Create the search index and keep it in step with the items (called by migration 0002)."""
    for statement in _PG_DDL if bind.dialect.name == "postgresql" else _SQLITE_DDL:
        bind.exec_driver_sql(statement)


def drop_index(bind: Connection) -> None:
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS item_search_vector ON item")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS item_search_vector()")
        bind.exec_driver_sql("ALTER TABLE item DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS item_fts_{trigger}")
        bind.exec_driver_sql("DROP TABLE IF EXISTS item_fts")
