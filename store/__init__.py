"""The store: SQLModel tables, the database engine, queries, search and media files."""
