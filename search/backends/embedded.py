"""The embedded index: SQLite FTS5 over CJK bigrams, in its own file under INDEX_DIR.

Not the Django database (which may be PostgreSQL): ``<INDEX_DIR>/<prefix>-documents.sqlite3``.
Text is tokenised in Python (:func:`search.text.bigrams`) and stored as space-separated
tokens, so FTS5's ``unicode61`` tokenizer only splits on the spaces; a term is searched as
a phrase of its bigrams, which gives the same semantics as the engines' bigram field.
Without morphology, ranking gets one hint: a ``heads`` column holds the first two
characters of every kanji run (京都 of 京都市, 東京 of 東京都), so a word that starts a
compound ranks above the same characters inside another word.

Each index *generation* is a set of three tables (``docs_<n>``, ``fts_<n>``, ``acl_<n>``);
``generations`` names the live one. A reindex fills a new generation and switches in one
transaction; writers write to every generation meanwhile. A row's revision is compared
inside the write transaction: an older revision never replaces a newer one.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from dms.sqlite.base import private_file
from search import highlight, text
from search.backends.base import (
    BOOLEAN,
    DATE,
    FACETS,
    HIGHLIGHT_FIELDS,
    INDEXED,
    INTEGER,
    KEYWORD,
    LONG,
    PRINCIPALS,
    TEXT,
    TEXT_FIELDS,
    WEIGHTS,
    BulkResult,
    Hit,
    IndexEntry,
    SearchRequest,
    SearchResponse,
    SearchUnavailable,
)
from search.engine import ANALYSIS_BIGRAM
from search.query import Node, Not, Or, Term, positive_terms

# bm25 column weights of the fts table: the text fields' own, then the heads column. The
# first two characters of every kanji run (京都 of 京都市, not of 東京都): without morphology,
# the start of a kanji compound is the best guess at a word boundary, and a query that
# matches there ranks above one that matches inside a longer word.
FTS_WEIGHTS = {**WEIGHTS, "heads": 2.0}
SQL_TYPES = {LONG: "INTEGER", INTEGER: "INTEGER", BOOLEAN: "INTEGER", KEYWORD: "TEXT", DATE: "TEXT"}
# The docs table: id, one column per other field that is not text or a principal (those
# are in the acl table), then the text (as displayed, for highlights).
KEYWORD_COLUMNS = tuple(
    name for name, how in INDEXED.items() if name != "id" and how.type != TEXT and not how.principal
)
DOCS_COLUMNS = ("id", *KEYWORD_COLUMNS, *TEXT_FIELDS)


def _phrase(value: str) -> str | None:
    folded = text.fold(text.display_text(value))
    tokens = text.bigrams(folded, query=True)
    if not tokens:
        return None
    phrase = '"' + " ".join(tokens) + '"'
    # A last single CJK character may be the start of a bigram in the text (令和1年 in
    # 令和1年度, LED化 in LED化工事): match it as a prefix.
    return phrase + "*" if text.ends_with_single_cjk(folded) else phrase


def compile_match(node: Node) -> str:
    """The FTS5 MATCH expression of a query AST."""
    if isinstance(node, Term):
        phrase = _phrase(node.text) or '""'
        if tuple(node.fields) == TEXT_FIELDS or set(node.fields) >= set(TEXT_FIELDS):
            return phrase
        return "{" + " ".join(node.fields) + "} : " + phrase
    if isinstance(node, Or):
        return "(" + " OR ".join(compile_match(child) for child in node.children) + ")"
    if isinstance(node, Not):
        raise ValueError("NOT outside an AND")  # the parser prevents it
    positives = [compile_match(c) for c in node.children if not isinstance(c, Not)]
    expression = "(" + " AND ".join(positives) + ")"
    for child in node.children:
        if isinstance(child, Not):
            expression = f"({expression} NOT {compile_match(child.child)})"
    return expression


class EmbeddedBackend:
    engine = "embedded"
    analysis = ANALYSIS_BIGRAM

    def __init__(self, index_dir: str, prefix: str) -> None:
        self.path = Path(index_dir) / f"{prefix}-documents.sqlite3"
        self._local = threading.local()

    # --- connection and generations -----------------------------------------------------
    def _db(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            private_file(self.path)  # the index holds document text: 0600, as the database
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=NORMAL")
            db.execute(
                "CREATE TABLE IF NOT EXISTS generations "
                "(gen INTEGER PRIMARY KEY, live INTEGER NOT NULL DEFAULT 0)"
            )
            self._local.db = db
        return db

    def _create_generation(self, db: sqlite3.Connection, live: bool) -> int:
        gen = db.execute("SELECT coalesce(max(gen), 0) + 1 FROM generations").fetchone()[0]
        columns = ", ".join(TEXT_FIELDS)
        typed = ", ".join(f"{name} {SQL_TYPES[INDEXED[name].type]}" for name in KEYWORD_COLUMNS)
        db.execute(f"CREATE TABLE docs_{gen} (id INTEGER PRIMARY KEY, {typed}, {columns})")
        db.execute(
            f"CREATE TABLE acl_{gen} (principal TEXT, doc_id INTEGER, "
            "PRIMARY KEY (principal, doc_id)) WITHOUT ROWID"
        )
        db.execute(f"CREATE INDEX acl_{gen}_doc ON acl_{gen} (doc_id)")
        db.execute(
            f"CREATE VIRTUAL TABLE fts_{gen} USING fts5({columns}, heads, "
            "tokenize='unicode61 remove_diacritics 0')"
        )
        db.execute("INSERT INTO generations (gen, live) VALUES (?, ?)", (gen, int(live)))
        return gen

    def _live(self, db: sqlite3.Connection) -> int:
        row = db.execute("SELECT gen FROM generations WHERE live = 1").fetchone()
        if row is None:
            db.execute("BEGIN IMMEDIATE")
            try:
                row = db.execute("SELECT gen FROM generations WHERE live = 1").fetchone()
                gen = row[0] if row else self._create_generation(db, live=True)
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            return gen
        return row[0]

    def ensure_index(self) -> None:
        self._live(self._db())

    # --- writes -------------------------------------------------------------------------
    def _write(self, db: sqlite3.Connection, gen: int, entry: IndexEntry, force: bool) -> bool:
        row = db.execute(f"SELECT revision FROM docs_{gen} WHERE id = ?", (entry.id,)).fetchone()
        if row is not None and (
            row[0] > entry.revision or (row[0] == entry.revision and not force)
        ):
            return False
        source = entry.source()
        texts = {name: text.fold(source[name] or "") for name in TEXT_FIELDS}
        db.execute(f"DELETE FROM fts_{gen} WHERE rowid = ?", (entry.id,))
        db.execute(f"DELETE FROM acl_{gen} WHERE doc_id = ?", (entry.id,))
        values = [entry.id]
        for name in KEYWORD_COLUMNS:
            value = source[name]
            values.append(int(value) if isinstance(value, bool) else value)
        values += [texts[name] for name in TEXT_FIELDS]
        db.execute(
            f"INSERT OR REPLACE INTO docs_{gen} ({', '.join(DOCS_COLUMNS)}) "
            f"VALUES ({', '.join('?' * len(values))})",
            values,
        )
        heads = " ".join(
            text.kanji_heads(" ".join(texts[name] for name in ("title", "content", "notes")))
        )
        db.execute(
            f"INSERT INTO fts_{gen} (rowid, {', '.join(TEXT_FIELDS)}, heads) "
            f"VALUES (?, {', '.join('?' * len(TEXT_FIELDS))}, ?)",
            [entry.id, *(" ".join(text.bigrams(texts[name])) for name in TEXT_FIELDS), heads],
        )
        principals = [
            f"{kind}:{i}" for name, kind in PRINCIPALS.items() for i in getattr(entry, name)
        ]
        db.executemany(
            f"INSERT OR IGNORE INTO acl_{gen} VALUES (?, ?)", [(p, entry.id) for p in principals]
        )
        return True

    def _write_all(
        self, entries: Iterable[IndexEntry], force: bool, gens: list[int] | None = None
    ) -> BulkResult:
        db = self._db()
        self._live(db)
        result = BulkResult()
        batch: list[IndexEntry] = []

        def flush() -> None:
            db.execute("BEGIN IMMEDIATE")
            try:
                targets = gens or [g for (g,) in db.execute("SELECT gen FROM generations")]
                for entry in batch:
                    applied = False
                    for gen in targets:
                        applied |= self._write(db, gen, entry, force)
                    if applied:
                        result.indexed += 1
                    else:
                        result.skipped += 1
                db.execute("COMMIT")
            except BaseException:
                db.execute("ROLLBACK")
                raise
            batch.clear()

        for entry in entries:
            batch.append(entry)
            if len(batch) >= 500:
                flush()
        if batch:
            flush()
        return result

    def upsert(self, entry: IndexEntry, *, force: bool = False) -> bool:
        return self._write_all([entry], force).indexed == 1

    def bulk(self, entries: Iterable[IndexEntry], *, force: bool = False) -> BulkResult:
        return self._write_all(entries, force)

    def delete(self, doc_id: int, revision: int) -> bool:
        db = self._db()
        self._live(db)
        deleted = False
        db.execute("BEGIN IMMEDIATE")
        try:
            for (gen,) in db.execute("SELECT gen FROM generations").fetchall():
                row = db.execute(f"SELECT revision FROM docs_{gen} WHERE id = ?", (doc_id,))
                row = row.fetchone()
                if row is None or row[0] >= revision:
                    continue
                db.execute(f"DELETE FROM docs_{gen} WHERE id = ?", (doc_id,))
                db.execute(f"DELETE FROM fts_{gen} WHERE rowid = ?", (doc_id,))
                db.execute(f"DELETE FROM acl_{gen} WHERE doc_id = ?", (doc_id,))
                deleted = True
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return deleted

    def reindex(self, entries: Iterable[IndexEntry]) -> BulkResult:
        db = self._db()
        self._live(db)
        db.execute("BEGIN IMMEDIATE")
        new = self._create_generation(db, live=False)
        db.execute("COMMIT")
        try:
            result = self._write_all(entries, force=False, gens=[new])
        except BaseException:
            self._drop_generation(db, new)
            raise
        db.execute("BEGIN IMMEDIATE")
        try:
            old = [g for (g,) in db.execute("SELECT gen FROM generations WHERE gen != ?", (new,))]
            db.execute("UPDATE generations SET live = (gen = ?)", (new,))
            for gen in old:
                self._drop_tables(db, gen)
            db.execute("DELETE FROM generations WHERE gen != ?", (new,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        return result

    def _drop_tables(self, db: sqlite3.Connection, gen: int) -> None:
        for table in (f"docs_{gen}", f"fts_{gen}", f"acl_{gen}"):
            db.execute(f"DROP TABLE IF EXISTS {table}")

    def _drop_generation(self, db: sqlite3.Connection, gen: int) -> None:
        db.execute("BEGIN IMMEDIATE")
        self._drop_tables(db, gen)
        db.execute("DELETE FROM generations WHERE gen = ?", (gen,))
        db.execute("COMMIT")

    def refresh(self) -> None:  # writes are visible on commit
        pass

    def drop(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None
        for suffix in ("", "-wal", "-shm"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    # --- reads --------------------------------------------------------------------------
    def _where(self, request: SearchRequest, gen: int) -> tuple[list[str], list]:
        where, args = [], []
        p = request.principals
        if p is not None:
            departments = [f"d:{i}" for i in p.departments]
            others = [f"u:{p.user_id}"] + [f"g:{i}" for i in p.groups]
            by_department = (
                f"d.id IN (SELECT doc_id FROM acl_{gen} WHERE principal IN "
                f"({', '.join('?' * len(departments))}))"
            )
            if p.department_scope is not None:
                scope = p.department_scope
                by_department += f" AND d.department_id IN ({', '.join('?' * len(scope))})"
            where.append(
                f"(({by_department}) OR d.id IN (SELECT doc_id FROM acl_{gen} WHERE principal "
                f"IN ({', '.join('?' * len(others))})))"
            )
            args += departments + list(p.department_scope or ()) + others
        if not request.include_deleted:
            where.append("d.deleted = 0")
        if request.exclude_ids:
            where.append(f"d.id NOT IN ({', '.join('?' * len(request.exclude_ids))})")
            args += list(request.exclude_ids)
        f = request.filters
        if f.departments:
            where.append(
                f"d.id IN (SELECT doc_id FROM acl_{gen} WHERE principal IN "
                f"({', '.join('?' * len(f.departments))}))"
            )
            args += [f"d:{i}" for i in f.departments]
        for column, values in (
            ("document_type", f.document_types),
            ("fiscal_year", f.fiscal_years),
            ("status", f.statuses),
        ):
            if values:
                where.append(f"d.{column} IN ({', '.join('?' * len(values))})")
                args += list(values)
        for column, low, high in (
            ("document_date", f.date_from, f.date_to),
            ("amount", f.amount_min, f.amount_max),
            ("created_on", f.created_from, f.created_to),
        ):
            if low is not None:
                where.append(f"d.{column} >= ?")
                args.append(low.isoformat() if hasattr(low, "isoformat") else low)
            if high is not None:
                where.append(f"d.{column} <= ?")
                args.append(high.isoformat() if hasattr(high, "isoformat") else high)
        if f.contains_personal_number is not None:
            where.append("d.contains_personal_number = ?")
            args.append(int(f.contains_personal_number))
        return where, args

    def _match(self, request: SearchRequest) -> str | None:
        parts = []
        if request.query is not None:
            parts.append(compile_match(request.query))
        if request.filters.counterparty:
            value = text.counterparty_value(request.filters.counterparty)
            phrase = _phrase(value) if value else None
            if phrase:
                parts.append("{counterparty} : " + phrase)
        return " AND ".join(f"({p})" for p in parts) if parts else None

    def _rows(self, request: SearchRequest) -> tuple[int, list[tuple]]:
        db = self._db()
        gen = self._live(db)
        where, args = self._where(request, gen)
        match = self._match(request)
        if match is not None:
            weights = ", ".join(str(weight) for weight in FTS_WEIGHTS.values())
            sql = (
                f"SELECT d.id, -bm25(fts_{gen}, {weights}), {_HIT_COLUMNS} FROM fts_{gen} "
                f"JOIN docs_{gen} d ON d.id = fts_{gen}.rowid WHERE fts_{gen} MATCH ?"
            )
            args = [match, *args]
        else:
            sql = f"SELECT d.id, 0.0, {_HIT_COLUMNS} FROM docs_{gen} d WHERE 1"
        if where:
            sql += " AND " + " AND ".join(where)
        return gen, db.execute(sql, args).fetchall()

    def search(self, request: SearchRequest) -> SearchResponse:
        try:
            gen, rows = self._rows(request)
        except sqlite3.OperationalError as exc:  # locked for too long, disk trouble
            raise SearchUnavailable(f"embedded index {self.path}: {exc}") from exc
        # a row: id, score, document_date, then the facet columns
        if request.sort == "relevance" and request.query is not None:
            rows.sort(key=lambda r: (-r[1], _desc(r[2]), -r[0]))
        elif request.sort == "date_asc":
            rows.sort(key=lambda r: (r[2] is None, r[2] or "", r[0]))
        else:
            rows.sort(key=lambda r: (r[2] is None, _desc(r[2]), -r[0]))
        page = rows[request.offset : request.offset + request.limit]
        facets: dict[str, dict[str, int]] = {}
        if request.facets:
            for column, facet in enumerate(FACETS, start=3):
                counts = Counter(str(row[column]) for row in rows if row[column] is not None)
                facets[facet] = dict(counts.most_common())
        hits = []
        stored = self._stored(gen, [row[0] for row in page])
        terms = positive_terms(request.query) if request.highlight else []
        for row in page:
            source = stored.get(row[0], {})
            hits.append(
                Hit(
                    id=row[0],
                    score=float(row[1]),
                    highlights=self._highlights(source, terms),
                    source={"id": row[0], **dict(zip(FACETS.values(), row[3:], strict=True))},
                )
            )
        return SearchResponse(count=len(rows), hits=hits, facets=facets)

    def _stored(self, gen: int, ids: list[int]) -> dict[int, dict]:
        if not ids:
            return {}
        columns = ", ".join(TEXT_FIELDS)
        rows = self._db().execute(
            f"SELECT id, {columns} FROM docs_{gen} WHERE id IN ({', '.join('?' * len(ids))})",
            ids,
        )
        return {row[0]: dict(zip(TEXT_FIELDS, row[1:], strict=True)) for row in rows}

    def _highlights(self, source: dict, terms: list[Term]) -> list[str]:
        result: list[str] = []
        for name in HIGHLIGHT_FIELDS:
            needles = [
                word
                for term in terms
                if name in term.fields
                for word in text.fold(text.display_text(term.text)).split()
            ]
            if needles and source.get(name):
                result += highlight.fragments(source[name], needles)
        return result[: highlight.MAX_FRAGMENTS]

    def count(self, request: SearchRequest) -> int:
        return len(self._rows(request)[1])

    def indexed(self) -> dict[int, tuple[int, str]]:
        db = self._db()
        gen = self._live(db)
        return {
            row[0]: (row[1], row[2] or "")
            for row in db.execute(f"SELECT id, revision, fingerprint FROM docs_{gen}")
        }


_HIT_COLUMNS = ", ".join(f"d.{name}" for name in ("document_date", *FACETS.values()))


def _desc(value: str | None) -> str:
    """Sort key that orders ISO dates newest first (None handled by the caller)."""
    if value is None:
        return ""
    return "".join(chr(0x10FFFF - ord(c)) for c in value)
