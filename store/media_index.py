"""Which media keys are an item's photo (migration 0003): `item_photo(key, item_id)`, kept in
step with `item.photos` (a JSON list) by triggers on both databases, so that an unsigned
`/media/<key>` request is one index lookup instead of a scan of every item's photo list
(221 ms on the 1,000,000-item benchmark database on SQLite before this index).
"""

from sqlalchemy.engine import Connection

_SQLITE_ROWS = (
    "INSERT INTO item_photo(key, item_id) SELECT value, {item}.id FROM {item}, "
    "json_each(CASE WHEN json_valid({item}.photos) THEN {item}.photos ELSE '[]' END) "
    "WHERE json_each.type = 'text'"
)

_SQLITE_DDL = [
    "CREATE TABLE item_photo (key VARCHAR NOT NULL, item_id INTEGER NOT NULL)",
    "CREATE INDEX ix_item_photo_key ON item_photo (key)",
    "CREATE INDEX ix_item_photo_item ON item_photo (item_id)",
    "CREATE TRIGGER item_photo_insert AFTER INSERT ON item BEGIN "
    + _SQLITE_ROWS.format(item="item")
    + " AND item.id = new.id; END",
    "CREATE TRIGGER item_photo_update AFTER UPDATE OF photos ON item BEGIN "
    "DELETE FROM item_photo WHERE item_id = old.id; "
    + _SQLITE_ROWS.format(item="item")
    + " AND item.id = new.id; END",
    "CREATE TRIGGER item_photo_delete AFTER DELETE ON item BEGIN "
    "DELETE FROM item_photo WHERE item_id = old.id; END",
    _SQLITE_ROWS.format(item="item"),
    "CREATE INDEX IF NOT EXISTS ix_shop_photo ON shop (photo)",
]

_PG_ROWS = (
    "INSERT INTO item_photo(key, item_id) SELECT key, {item}.id FROM {source}"
    "json_array_elements_text(CASE WHEN json_typeof({item}.photos) = 'array' "
    "THEN {item}.photos ELSE '[]'::json END) AS key"
)

_PG_DDL = [
    "CREATE TABLE item_photo (key VARCHAR NOT NULL, item_id INTEGER NOT NULL)",
    "CREATE INDEX ix_item_photo_key ON item_photo (key)",
    "CREATE INDEX ix_item_photo_item ON item_photo (item_id)",
    """CREATE FUNCTION item_photo_sync() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_OP <> 'INSERT' THEN
        DELETE FROM item_photo WHERE item_id = OLD.id;
      END IF;
      IF TG_OP <> 'DELETE' THEN
        """
    + _PG_ROWS.format(item="NEW", source="")
    + """;
      END IF;
      RETURN NULL;
    END $$""",
    "CREATE TRIGGER item_photo_insert AFTER INSERT ON item FOR EACH ROW "
    "EXECUTE FUNCTION item_photo_sync()",
    "CREATE TRIGGER item_photo_update AFTER UPDATE OF photos ON item FOR EACH ROW "
    "WHEN (OLD.photos::text IS DISTINCT FROM NEW.photos::text) "
    "EXECUTE FUNCTION item_photo_sync()",
    "CREATE TRIGGER item_photo_delete AFTER DELETE ON item FOR EACH ROW "
    "EXECUTE FUNCTION item_photo_sync()",
    _PG_ROWS.format(item="item", source="item, "),
    "CREATE INDEX IF NOT EXISTS ix_shop_photo ON shop (photo)",
]


def create_index(bind: Connection) -> None:
    """Create `item_photo`, fill it from the items, keep it in step (migration 0003)."""
    for statement in _PG_DDL if bind.dialect.name == "postgresql" else _SQLITE_DDL:
        bind.exec_driver_sql(statement)


def drop_index(bind: Connection) -> None:
    """Drop what `create_index` made."""
    if bind.dialect.name == "postgresql":
        for trigger in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS item_photo_{trigger} ON item")
        bind.exec_driver_sql("DROP FUNCTION IF EXISTS item_photo_sync()")
    else:
        for trigger in ("insert", "update", "delete"):
            bind.exec_driver_sql(f"DROP TRIGGER IF EXISTS item_photo_{trigger}")
    bind.exec_driver_sql("DROP INDEX IF EXISTS ix_shop_photo")
    bind.exec_driver_sql("DROP TABLE IF EXISTS item_photo")
