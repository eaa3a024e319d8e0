"""The contract every search backend keeps: embedded, Elasticsearch and OpenSearch.

The same corpus is indexed into each; the same queries must give the same answers
(ranking assertions that need morphology are marked as such and run where kuromoji is).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from search.backends.base import Filters, Principals, SearchRequest
from search.engine import ANALYSIS_KUROMOJI
from search.query import parse
from tests.search.conftest import doc

CORPUS = [
    doc(1, "特別定額給付金の申請について", "特別定額給付金の申請受付を開始します。"),
    doc(2, "京都市との連携協定", "京都市と観光振興に関する連携協定を締結した。"),
    doc(3, "出張報告", "東京都庁で開催された会議に出席した。東京都の担当者と協議。"),
    doc(4, "ＤＸ推進計画", "本市のDX推進計画(令和六年度から令和八年度)を策定する。"),
    doc(5, "働き方改革の取組", "職員の働き方改革を推進するため、時差出勤を試行する。"),
    doc(6, "市民講座のご案内", "市民講座の申し込みは窓口で受け付けます。"),
    doc(7, "ｺﾐｭﾆﾃｨｾﾝﾀｰ利用案内", "ｺﾐｭﾆﾃｨｾﾝﾀｰの利用方法について"),
    doc(8, "提出書類", "本件は請求\n書の提出を求めるものである。\n請　求　書\n以上"),
    doc(9, "問い合わせ窓口一覧", "各課の問合せ先をまとめた。"),
    doc(
        10,
        "業務委託契約書",
        "道路清掃業務の委託契約",
        counterparty="(株)山田商事",
        amount=1_200_000,
        document_date="2024-05-10",
        document_type="contract",
        department_id=5,
        allowed_departments=[4, 5],
        department_name="契約課",
        fiscal_year=2024,
    ),
    doc(
        11,
        "予算要求書",
        "<script>alert(1)</script> 予算要求の概要 & 内訳",
        document_type="budget",
        fiscal_year=2023,
        document_date="2023-10-01",
        created_on="2023-10-01",
    ),
    doc(12, "廃止された申請様式", "旧様式", deleted=True),
    doc(13, "2024年度 事業計画", "令和6年度の事業計画を定める。", fiscal_year=2024),
    doc(14, "髙橋様からの要望", "道路補修の要望書"),
    doc(
        15,
        "物品購入の請求書",
        "事務用品の購入代金",
        counterparty="株式会社山田商事",
        amount=54_000,
        document_date="2024-08-20",
        document_type="invoice",
        department_id=5,
        allowed_departments=[4, 5],
        department_name="契約課",
        contains_personal_number=True,
    ),
    doc(16, "共有された通知", "共有のみで見える文書", allowed_departments=[9], allowed_users=[77]),
    doc(
        17,
        "グループ共有の通知",
        "グループで見える文書",
        allowed_departments=[9],
        allowed_groups=[5],
    ),
]


@pytest.fixture(scope="module")
def corpus(backend):
    result = backend.bulk(CORPUS)
    assert result.errors == []
    backend.refresh()
    return backend


def run(backend, q: str | None = None, **kwargs):
    request = SearchRequest(query=parse(q) if q is not None else None, **kwargs)
    return backend.search(request)


def ids(backend, q: str | None = None, **kwargs) -> list[int]:
    return [hit.id for hit in run(backend, q, **kwargs).hits]


# --- Japanese analysis ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("給付金", 1),  # part of a long compound
        ("特別定額給付金", 1),
        ("申請", 1),  # two characters inside a sentence
        ("ＤＸ", 4),  # full-width finds half-width
        ("DX推進", 4),  # Latin attached to Japanese
        ("令和6年度", 4),  # kanji numerals in the text
        ("令和六年度", 13),  # and in the query
        ("２０２４年度", 13),
        ("働き方改革", 5),  # inside a sentence
        ("コミュニティセンター", 7),  # half-width katakana in the text
        ("ｺﾐｭﾆﾃｨ", 7),  # and in the query
        ("申込み", 6),  # okurigana variant (text: 申し込み)
        ("問い合わせ", 9),  # text has both 問い合わせ and 問合せ
        ("問合せ", 9),
        ("請求書", 8),  # broken across a line end / letter-spaced
        ("高橋", 14),  # variant kanji folded (text: 髙橋)
        ("契約課", 10),  # department name
    ],
)
def test_japanese_queries_find_their_document(corpus, query, expected):
    assert expected in ids(corpus, query, principals=None)


def test_two_character_query_ranks_title_match_first(corpus):
    found = ids(corpus, "申請")
    assert found[0] == 1
    assert 12 not in found  # deleted


def test_kyoto_ranks_the_city_above_tokyo(corpus):
    found = ids(corpus, "京都")
    assert 2 in found
    if corpus.analysis == ANALYSIS_KUROMOJI:
        assert found.index(2) < found.index(3) if 3 in found else True
        assert found[0] == 2


def test_phrase_and_boolean_operators(corpus):
    assert ids(corpus, '"特別定額給付金の申請"') == [1]
    assert set(ids(corpus, "京都市 OR 働き方改革")) == {2, 5}
    assert set(ids(corpus, "京都市 ＯＲ 働き方改革")) == {2, 5}
    assert ids(corpus, "申請 AND 給付金") == [1]
    assert 1 not in ids(corpus, "申請 -給付金")
    assert 1 not in ids(corpus, "申請 NOT 給付金")
    assert set(ids(corpus, "(京都市 OR 東京都) 会議")) == {3}


def test_field_prefixes(corpus):
    assert ids(corpus, "title:請求書") == [15]
    assert set(ids(corpus, "請求書")) >= {8, 15}
    assert set(ids(corpus, "counterparty:山田商事")) == {10, 15}


def test_highlights_mark_matches_and_escape_the_rest(corpus):
    hit = run(corpus, "予算要求").hits[0]
    assert hit.id == 11
    joined = " ".join(hit.highlights)
    assert "<mark>" in joined
    assert "<script>" not in joined
    assert "&lt;script&gt;" in joined or "script" not in joined
    hit = run(corpus, "給付金").hits[0]
    assert any("<mark>" in h and "給付" in h for h in hit.highlights)
    assert len(hit.highlights) <= 3


# --- filters, facets, sorting, paging ---------------------------------------------------


def test_filters(corpus):
    f = Filters
    assert set(ids(corpus, filters=f(document_types=("contract", "invoice")))) == {10, 15}
    assert set(ids(corpus, filters=f(fiscal_years=(2023,)))) == {11}
    assert set(ids(corpus, filters=f(departments=(4,)))) == {10, 15}
    window = f(date_from=dt.date(2024, 5, 1), date_to=dt.date(2024, 5, 31))
    assert set(ids(corpus, filters=window)) == {10}
    assert set(ids(corpus, filters=f(amount_min=100_000))) == {10}
    assert set(ids(corpus, filters=f(amount_min=50_000, amount_max=60_000))) == {15}
    assert set(ids(corpus, filters=f(counterparty="山田商事(株)"))) == {10, 15}
    assert set(ids(corpus, filters=f(counterparty="㈱山田商事"))) == {10, 15}
    assert set(ids(corpus, filters=f(contains_personal_number=True))) == {15}
    created = f(created_to=dt.date(2023, 12, 31))
    assert set(ids(corpus, filters=created)) == {11}
    assert ids(corpus, filters=f(statuses=("failed",))) == []
    # any two combined
    both = f(counterparty="山田商事", amount_min=100_000)
    assert ids(corpus, filters=both) == [10]
    both = f(counterparty="山田商事", date_from=dt.date(2024, 8, 1))
    assert ids(corpus, filters=both) == [15]
    assert ids(corpus, "請求書", filters=f(document_types=("invoice",))) == [15]


def test_facets_count_the_matching_documents(corpus):
    response = run(corpus, "山田商事")
    assert response.count == 2
    assert response.facets["department"] == {"5": 2}
    assert response.facets["document_type"] == {"contract": 1, "invoice": 1}
    assert response.facets["fiscal_year"] == {"2024": 2}


def test_sort_by_date_and_paging(corpus):
    newest = ids(corpus, filters=Filters(departments=(4,)), sort="date")
    assert newest == [15, 10]
    oldest = ids(corpus, filters=Filters(departments=(4,)), sort="date_asc")
    assert oldest == [10, 15]
    everything = run(corpus, limit=100)
    first = ids(corpus, limit=5, sort="date")
    second = ids(corpus, limit=5, offset=5, sort="date")
    assert len(first) == 5 and not set(first) & set(second)
    assert ids(corpus, offset=500, limit=5) == []
    assert run(corpus, offset=500, limit=5).count == everything.count


def test_count(corpus):
    assert corpus.count(SearchRequest(query=parse("山田商事"))) == 2


# --- security trimming ------------------------------------------------------------------


def test_principals_trim_hits_and_facets(corpus):
    section = Principals(user_id=1, departments=(3,))
    assert set(ids(corpus, "請求書", principals=section)) == {8}
    response = run(corpus, "山田商事", principals=section)
    assert response.count == 0 and response.hits == []
    assert sum(response.facets.get("department", {}).values()) == 0
    contracts = Principals(user_id=2, departments=(5,))
    assert set(ids(corpus, "山田商事", principals=contracts)) == {10, 15}
    bureau = Principals(user_id=3, departments=(4,))
    assert set(ids(corpus, "山田商事", principals=bureau)) == {10, 15}
    shared = Principals(user_id=77, departments=())
    assert ids(corpus, "通知", principals=shared) == [16]
    group = Principals(user_id=78, departments=(), groups=(5,))
    assert ids(corpus, "通知", principals=group) == [17]
    assert ids(corpus, "通知", principals=Principals(user_id=79)) == []


def test_deleted_documents_only_on_request(corpus):
    assert 12 not in ids(corpus, "様式")
    assert 12 in ids(corpus, "様式", include_deleted=True)


# --- writes: ordering, delete, reindex ---------------------------------------------------


def test_an_older_revision_never_overwrites_a_newer_one(corpus):
    assert corpus.upsert(doc(1000, "改訂版の文書 かきくけこ", revision=5)) is True
    assert corpus.upsert(doc(1000, "古い版の文書 さしすせそ", revision=3)) is False
    assert corpus.upsert(doc(1000, "同じ版 たちつてと", revision=5)) is False  # idempotent
    corpus.refresh()
    assert ids(corpus, "かきくけこ") == [1000]
    assert ids(corpus, "さしすせそ") == []
    assert corpus.indexed()[1000][0] == 5
    assert corpus.upsert(doc(1000, "新しい版 なにぬねの", revision=6)) is True
    assert corpus.upsert(doc(1000, "強制 はひふへほ", revision=6), force=True) is True
    corpus.refresh()
    assert ids(corpus, "はひふへほ") == [1000]
    assert corpus.delete(1000, 4) is False  # older than the entry
    assert corpus.delete(1000, 7) is True
    corpus.refresh()
    assert ids(corpus, "はひふへほ") == []
    assert 1000 not in corpus.indexed()


def test_reindex_switches_to_a_fresh_index(corpus):
    before = corpus.indexed()
    changed = list(CORPUS)
    changed[0] = doc(1, "特別定額給付金の申請について まみむめも", "本文", revision=2)
    corpus.reindex(changed)
    corpus.refresh()
    assert ids(corpus, "まみむめも") == [1]
    after = corpus.indexed()
    assert set(after) == set(before)
    assert after[1][0] == 2
    assert 2 in ids(corpus, "京都市")


def test_searches_are_answered_from_the_old_index_while_a_reindex_builds(corpus):
    seen_during_build: list[list[int]] = []

    def slowly():
        for number, entry in enumerate(CORPUS):
            if number == len(CORPUS) // 2:
                seen_during_build.append(ids(corpus, "京都市"))
            yield replace(entry, revision=entry.revision + 10)

    corpus.reindex(slowly())
    corpus.refresh()
    assert seen_during_build == [[2]]
    assert ids(corpus, "京都市") == [2]
    assert corpus.indexed()[2][0] == 11


def test_the_embedded_index_file_is_private(tmp_path):
    """It holds every document's text: readable by Kiroku's user only, like the database."""
    import stat

    from search.backends.embedded import EmbeddedBackend

    backend = EmbeddedBackend(str(tmp_path / "index"), "private")
    backend.ensure_index()
    files = [path for path in (tmp_path / "index").rglob("*") if path.is_file()]
    assert files
    for path in files:
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, (path, oct(path.stat().st_mode))
    assert stat.S_IMODE((tmp_path / "index").stat().st_mode) & 0o077 == 0
