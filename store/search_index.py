"""The search index's DDL (migration 0002): FTS5 on SQLite, a tsvector on PostgreSQL, and the
`search_word` vocabulary of each town, all kept in step with items and shops by triggers.

What is indexed: the item's name and description, its shop's name, and (lightly) the shop's
description and category ("Vins de propriétaires...", "wine"). The vocabulary keeps every
word written in a town's items and shops, as written (Python folds it when it reads it);
a word is never taken out, so a word that no longer matches anything is only a wasted guess.
"""

from sqlalchemy.engine import Connection

_FTS_ROW = (
    "INSERT INTO item_fts(rowid, name, description, shop, about, town) "
    "SELECT item.id, item.name, item.description, shop.name, "
    "shop.description || ' ' || shop.category, 'town' || shop.town_id "
    "FROM item JOIN shop ON shop.id = item.shop_id"
)


def _sqlite_words(text: str) -> str:
    """SQL for a JSON array of the whitespace-separated words of `text` ('[]' if it cannot be).

    SQLite has no split function and triggers cannot use WITH: quotes, backslashes and line
    breaks become spaces, spaces become '","'; json_valid catches any other control character.
    """
    cleaned = text
    for char in ("'\\'", "'\"'", "char(10)", "char(13)", "char(9)"):
        cleaned = f"replace({cleaned}, {char}, ' ')"
    doc = f"('[\"' || replace({cleaned}, ' ', '\",\"') || '\"]')"
    return f"json_each(CASE WHEN json_valid({doc}) THEN {doc} ELSE '[]' END)"


def _sqlite_item_words(item: str) -> str:
    return (
        "INSERT OR IGNORE INTO search_word(town_id, word) SELECT shop.town_id, words.value "
        "FROM item JOIN shop ON shop.id = item.shop_id, "
        + _sqlite_words(f"{item}.name || ' ' || {item}.description")
        + " AS words WHERE words.value <> ''"
    )


_SQLITE_SHOP_WORDS = (
    "INSERT OR IGNORE INTO search_word(town_id, word) SELECT shop.town_id, words.value "
    "FROM shop, "
    + _sqlite_words("shop.name || ' ' || shop.description || ' ' || shop.category")
    + " AS words WHERE words.value <> ''"
)

_SQLITE_DDL = [
    "CREATE VIRTUAL TABLE item_fts USING fts5(name, description, shop, about, town, "
    "tokenize = 'unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER item_fts_insert AFTER INSERT ON item BEGIN {_FTS_ROW} "
    f"WHERE item.id = new.id; {_sqlite_item_words('item')} AND item.id = new.id; END",
    "CREATE TRIGGER item_fts_update AFTER UPDATE OF name, description, shop_id ON item BEGIN "
    f"DELETE FROM item_fts WHERE rowid = old.id; {_FTS_ROW} WHERE item.id = new.id; "
    f"{_sqlite_item_words('item')} AND item.id = new.id; END",
    "CREATE TRIGGER item_fts_delete AFTER DELETE ON item BEGIN "
    "DELETE FROM item_fts WHERE rowid = old.id; END",
    f"CREATE TRIGGER search_word_shop AFTER INSERT ON shop BEGIN {_SQLITE_SHOP_WORDS} "
    "AND shop.id = new.id; END",
    # A shop renamed, described anew or moved carries its items' index rows along.
    "CREATE TRIGGER item_fts_shop AFTER UPDATE OF name, description, category, town_id ON shop "
    "WHEN old.name IS NOT new.name OR old.town_id IS NOT new.town_id "
    "OR old.description IS NOT new.description OR old.category IS NOT new.category BEGIN "
    "DELETE FROM item_fts WHERE rowid IN (SELECT id FROM item WHERE shop_id = new.id); "
    f"{_FTS_ROW} WHERE item.shop_id = new.id; {_SQLITE_SHOP_WORDS} AND shop.id = new.id; "
    f"{_sqlite_item_words('item')} AND item.shop_id = new.id; END",
    _FTS_ROW,
    f"{_SQLITE_SHOP_WORDS} AND 1",
    f"{_sqlite_item_words('item')} AND 1",
]

_PG_DDL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    "ALTER TABLE item ADD COLUMN search_vector tsvector",
    # The town's lexeme ('#12') has a character the parser never keeps, so no typed word
    # can match it; search_items adds it to the query to search within one town.
    """CREATE FUNCTION item_search_vector_of(name text, description text, shop text,
      about text, town bigint)
    RETURNS tsvector LANGUAGE sql IMMUTABLE AS $$
      SELECT setweight(to_tsvector('simple', unaccent(lower(coalesce(name, '')))), 'A') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(shop, '')))), 'B') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(description, '')))), 'C') ||
        setweight(to_tsvector('simple', unaccent(lower(coalesce(about, '')))), 'D') ||
        array_to_tsvector(ARRAY['#' || coalesce(town, 0)])
    $$""",
    """CREATE FUNCTION search_word_add(town bigint, body text) RETURNS void LANGUAGE sql AS $$
      INSERT INTO search_word(town_id, word)
      SELECT DISTINCT town, w FROM regexp_split_to_table(body, '\\s+') AS w WHERE w <> ''
      ON CONFLICT DO NOTHING
    $$""",
    """CREATE FUNCTION item_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := (SELECT item_search_vector_of(NEW.name, NEW.description, shop.name,
        shop.description || ' ' || shop.category, shop.town_id)
        FROM shop WHERE shop.id = NEW.shop_id);
      PERFORM search_word_add((SELECT town_id FROM shop WHERE shop.id = NEW.shop_id),
        NEW.name || ' ' || NEW.description);
      RETURN NEW;
    END $$""",
    "CREATE TRIGGER item_search_vector BEFORE INSERT OR UPDATE OF name, description, shop_id "
    "ON item FOR EACH ROW EXECUTE FUNCTION item_search_vector()",
    """CREATE FUNCTION shop_search_vector() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM search_word_add(NEW.town_id,
        NEW.name || ' ' || NEW.description || ' ' || NEW.category);
      IF TG_OP = 'UPDATE' THEN
        UPDATE item SET shop_id = shop_id WHERE shop_id = NEW.id;
      END IF;
      RETURN NEW;
    END $$""",
    "CREATE TRIGGER shop_search_words AFTER INSERT ON shop FOR EACH ROW "
    "EXECUTE FUNCTION shop_search_vector()",
    "CREATE TRIGGER shop_search_vector AFTER UPDATE OF name, description, category, town_id "
    "ON shop FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name "
    "OR OLD.town_id IS DISTINCT FROM NEW.town_id OR OLD.description IS DISTINCT FROM "
    "NEW.description OR OLD.category IS DISTINCT FROM NEW.category) "
    "EXECUTE FUNCTION shop_search_vector()",
    # One set-based pass fills the existing rows (much faster than firing the trigger per row).
    "UPDATE item SET search_vector = item_search_vector_of(item.name, item.description, "
    "shop.name, shop.description || ' ' || shop.category, shop.town_id) "
    "FROM shop WHERE shop.id = item.shop_id",
    "INSERT INTO search_word(town_id, word) SELECT DISTINCT shop.town_id, w FROM item "
    "JOIN shop ON shop.id = item.shop_id, regexp_split_to_table(item.name || ' ' || "
    "item.description, '\\s+') AS w WHERE w <> '' ON CONFLICT DO NOTHING",
    "INSERT INTO search_word(town_id, word) SELECT DISTINCT town_id, w FROM shop, "
    "regexp_split_to_table(name || ' ' || description || ' ' || category, '\\s+') AS w "
    "WHERE w <> '' ON CONFLICT DO NOTHING",
    "CREATE INDEX ix_item_search_vector ON item USING GIN (search_vector)",
]


def create_index(bind: Connection) -> None:
    """Create the search index and keep it in step with the items (called by migration 0002)."""
    for statement in _PG_DDL if bind.dialect.name == "postgresql" else _SQLITE_DDL:
        bind.exec_driver_sql(statement)


def drop_index(bind: Connection) -> None:
    """Drop what `create_index` made; the words already in `search_word` stay."""
    if bind.dialect.name == "postgresql":
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS shop_search_vector ON shop")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS shop_search_words ON shop")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS shop_search_vector()")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS item_search_vector ON item")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS item_search_vector()")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS search_word_add(bigint, text)")
        for args in ("text, text, text, bigint", "text, text, text, text, bigint"):
            bind.exec_driver_sql(f"DROP FUNCTION IF EXISTS item_search_vector_of({args})")
        bind.exec_driver_sql("ALTER TABLE item DROP COLUMN IF EXISTS search_vector")
    else:
        for trigger in ("insert", "update", "delete", "shop"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS item_fts_{trigger}")
        bind.exec_driver_sql("DROP TRIGGER IF EXISTS search_word_shop")
        bind.exec_driver_sql("DROP TABLE IF EXISTS item_fts")
