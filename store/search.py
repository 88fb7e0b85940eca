"""Catalogue search that forgives, ranked: SQLite FTS5 or PostgreSQL full text, same results.

"creme" finds "Crème", "bijou" finds "Bijoux", "pull rouge" finds "Pull en laine rouge":
every word must match a word of the item, its description, its shop's name or (lightly) what
the shop says it sells, in one of its plural or feminine forms or a synonym ("bread" ->
pain, baguette); the last word may also be the start of a word ("pull roug"). Exact forms
rather than prefixes for the other words keep a search in a big town fast: an index lookup
of a prefix reads every matching entry in the country.

Only when that finds nothing does the town's vocabulary step in (`store.search_words`):
words sharing a stem ("chevaux" -> cheval), one typo from 5 letters and two from 9
("croisant" -> croissant), two words run together ("cerfvolant"); a word that still matches
nothing is left out ("cadeau pour maman"), and when the words match only apart the last typed
are let go first. When no word matches at all, the closest words of the town are offered
("Vouliez-vous dire ... ?") with their items.
"""

import time
from dataclasses import dataclass, field

from sqlalchemy import TextClause, bindparam, text
from sqlalchemy.engine import Connection
from sqlmodel import Session, col, select

from store.models import Item, Shop
from store.search_index import create_index, drop_index
from store.search_words import Term, Vocabulary, fold, forms, parse, terms
from store.types import persisted

__all__ = ["Found", "create_index", "drop_index", "find_items", "fold", "forms", "search_items"]
__all__ += ["terms"]


@dataclass
class Found:
    """What a search found and how far it had to stretch the query to find it."""

    hits: list[tuple[Item, Shop]]
    corrected: dict[str, str] = field(default_factory=dict)  # typed word -> the word used
    dropped: list[str] = field(default_factory=list)  # typed words that matched nothing
    suggestions: list[str] = field(default_factory=list)  # "did you mean": nothing matched


def search_items(
    *, session: Session, query: str, town_id: int | None = None, limit: int = 10, offset: int = 0
) -> list[tuple[Item, Shop]]:
    """Visible items matching `query`, best first, in one town or everywhere."""
    return find_items(
        session=session, query=query, town_id=town_id, limit=limit, offset=offset
    ).hits


# Built once (building a statement costs more than running it).
_HITS = select(Item, Shop).join(Shop).where(col(Item.id).in_(bindparam("ids", expanding=True)))
_WORD_COUNT = text("SELECT count(*) FROM search_word WHERE town_id = :town")


def find_items(
    *, session: Session, query: str, town_id: int | None = None, limit: int = 10, offset: int = 0
) -> Found:
    """`search_items`, saying which words were corrected or dropped, or what to suggest."""
    found = Found([])
    wanted = parse(query)
    if not wanted:
        return found
    bind = session.connection()
    if bind.dialect.name == "postgresql":
        # psycopg prepares a statement run five times, and PostgreSQL then settles on a
        # generic plan that cannot see the query's words: a big town's search became ten
        # times slower.
        bind.exec_driver_sql("SET LOCAL plan_cache_mode = force_custom_plan")
    if town_id is None:
        ids = _ids(bind, [wanted], town_id, limit, offset)
    else:
        # Forms no item of the town has are left out of the query: fewer index lookups, and
        # no lookup at all when a word has none.
        vocabulary = town_vocabulary(bind, town_id)
        ids = _ids(bind, vocabulary.pruned(wanted), town_id, limit, offset)
        if not ids:
            ids = _forgiving(bind, vocabulary, found, wanted, town_id, limit, offset)
    if not ids:
        return found
    rows = session.exec(_HITS, params={"ids": ids}).all()
    order = {item_id: n for n, item_id in enumerate(ids)}
    found.hits = sorted(((i, s) for i, s in rows), key=lambda pair: order[persisted(pair[0].id)])
    return found


def _forgiving(
    bind: Connection,
    vocabulary: Vocabulary,
    found: Found,
    wanted: list[Term],
    town_id: int,
    limit: int,
    offset: int,
) -> list[int]:
    """The exact words found nothing in the town: widen, correct, drop, or suggest."""
    kept: list[Term] = []
    widened = False
    for term in wanted:
        before = vocabulary.pruned([term])
        corrections = vocabulary.widen(term)
        widened |= vocabulary.pruned([term]) != before
        if vocabulary.matches(term):
            kept.append(term)
            if corrections:
                found.corrected[term.word] = corrections[0]
        elif len(term.word) < 3:
            return []  # "pu rouge": two letters say too little to guess from, too much to drop
        else:
            found.dropped.append(term.word)
    if kept and (widened or len(kept) < len(wanted)):
        ids = _ids(bind, vocabulary.pruned(kept), town_id, limit, offset)
        if ids:
            return ids
    # Words that match only apart: the last typed are let go first ("cardigan soie rouge":
    # cardigan soie, then cardigan), so a search costs at most two more index lookups.
    tries = [kept[:-1], kept[:1]] if len(kept) > 2 else [kept[:1], kept[1:]]
    for group in tries if len(kept) > 1 else []:
        ids = _ids(bind, vocabulary.pruned(group), town_id, limit, offset)
        if ids:
            return ids
    found.corrected.clear()
    found.dropped.clear()
    found.suggestions = vocabulary.suggest([t.word for t in wanted if not t.phrase])
    if not found.suggestions:
        return []
    hint = Term(" ".join(found.suggestions))
    for word in found.suggestions:
        for form in forms(word):
            hint.add([form])
    return _ids(bind, vocabulary.pruned([hint]), town_id, limit, offset)


# A town's vocabulary, read again when the town's count of words has changed (words are only
# ever added, so the count is a version) and at least every ten minutes.
_VOCABULARIES: dict[tuple[str, int], tuple[int, float, Vocabulary]] = {}
_VOCABULARY_TTL = 600.0


def town_vocabulary(bind: Connection, town_id: int) -> Vocabulary:
    """The town's indexed words, from `search_word`, cached in the process."""
    key = (str(bind.engine.url), town_id)
    count = bind.execute(_WORD_COUNT, {"town": town_id}).scalar_one()
    cached = _VOCABULARIES.get(key)
    if cached and cached[0] == count and time.monotonic() - cached[1] < _VOCABULARY_TTL:
        return cached[2]
    rows = bind.execute(
        text("SELECT word FROM search_word WHERE town_id = :town"), {"town": town_id}
    )
    vocabulary = Vocabulary(row[0] for row in rows)
    _VOCABULARIES[key] = (count, time.monotonic(), vocabulary)
    return vocabulary


def _ids(
    bind: Connection, groups: list[list[Term]], town_id: int | None, limit: int, offset: int
) -> list[int]:
    """Items matching every term of one of the groups (usually one), best first."""
    if not groups:
        return []
    if bind.dialect.name == "postgresql":
        return _ids_postgresql(bind, groups, town_id, limit, offset)
    return _ids_sqlite(bind, groups, town_id, limit, offset)


_VISIBLE = "item.hidden = false AND item.deleted = false AND shop.active = true"


def _fts5_group(term: Term) -> str:
    alts = []
    for words, prefix in term.alts:
        phrase = '"' + " ".join(words) + '"'
        alts.append(phrase + "*" if prefix else phrase)
    return "(" + " OR ".join(alts) + ")"


def _fts5_query(in_town: bool) -> TextClause:
    return text(
        "SELECT item.id FROM item_fts JOIN item ON item.id = item_fts.rowid "
        "JOIN shop ON shop.id = item.shop_id "
        f"WHERE item_fts MATCH :match AND {_VISIBLE.replace('false', '0').replace('true', '1')}"
        + (" AND shop.town_id = :town" if in_town else "")
        + " ORDER BY bm25(item_fts, 10.0, 2.0, 4.0, 1.0, 0.0), item.id"
        " LIMIT :limit OFFSET :offset"
    )


_FTS5 = {False: _fts5_query(False), True: _fts5_query(True)}  # by: in one town?


def _ids_sqlite(
    bind: Connection, groups: list[list[Term]], town_id: int | None, limit: int, offset: int
) -> list[int]:
    # The words are looked for in the text columns only; the town's own token narrows the
    # match inside the index, so a town's search costs its own matches, not the country's.
    either = " OR ".join(
        "(" + " AND ".join(_fts5_group(t) for t in group) + ")" for group in groups
    )
    match = "{name description shop about} : (" + either + ")"
    if town_id is not None:
        match = f'town : "{_town_token(town_id)}" AND {match}'
    params = {"match": match, "town": town_id, "limit": limit, "offset": offset}
    return [row[0] for row in bind.execute(_FTS5[town_id is not None], params)]


def _town_token(town_id: int) -> str:
    """The word that stands for a town in the index; never a word a person types."""
    return f"town{int(town_id)}"


def _tsquery_group(term: Term) -> str:
    alts = []
    for words, prefix in term.alts:
        phrase = " <-> ".join(words)
        alts.append(phrase + ":*" if prefix else phrase)
    return "(" + " | ".join(alts) + ")"


def _ids_postgresql(
    bind: Connection, groups: list[list[Term]], town_id: int | None, limit: int, offset: int
) -> list[int]:
    tsquery = " | ".join(
        "(" + " & ".join(_tsquery_group(t) for t in group) + ")" for group in groups
    )
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
    if town_id is not None:
        params["town_lexeme"] = f"'#{int(town_id)}'"
    return [row[0] for row in bind.execute(text(sql), params)]
