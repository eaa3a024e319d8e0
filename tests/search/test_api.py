"""``GET /api/search/`` end to end: documents saved in the database, indexed by the real
task through the job queue, searched through the API on each backend."""

from __future__ import annotations

import secrets

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from search.api import SearchParams
from search.backends import backend_for
from tests.search.conftest import IMPLEMENTATIONS, RUN_PREFIX
from tests.search.helpers import change, make_document, run_jobs
from tests.services import require

pytestmark = pytest.mark.django_db


@pytest.fixture(params=IMPLEMENTATIONS)
def engine(request, tmp_path):
    """settings.SEARCH pointing at one backend, under an index prefix of its own."""
    url = "" if request.param == "embedded" else require(request.param)
    prefix = f"{RUN_PREFIX}-api-{secrets.token_hex(3)}"
    config = {"URL": url, "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": prefix}
    with override_settings(SEARCH=config):
        backend = backend_for(url)
        yield backend
        backend.drop()


def search(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code < 500, response.content
    return response


def found(client, **params) -> list[int]:
    response = search(client, **params)
    assert response.status_code == 200, response.json()
    return [hit["id"] for hit in response.json()["results"]]


def refreshed(backend):
    run_jobs()
    backend.refresh()


def test_search_returns_hits_with_highlights_and_facets(engine, org, clients):
    kyufu = make_document(
        org, "特別定額給付金の申請について", "特別定額給付金の申請受付を開始します。"
    )
    make_document(org, "会議録", "定例会議の記録", document_type="minutes")
    refreshed(engine)
    response = search(clients["tanaka"], q="給付金")
    body = response.json()
    assert response.status_code == 200
    assert set(body) >= {"count", "results", "facets"}
    assert body["count"] == 1
    hit = body["results"][0]
    assert hit["id"] == kyufu.pk
    assert hit["title"] == "特別定額給付金の申請について"
    assert hit["score"] >= 0
    assert any("<mark>" in h for h in hit["highlights"])
    assert hit["department"]["id"] == org["bunsho"].pk
    assert body["facets"]["department"] == [{"id": org["bunsho"].pk, "name": "文書課", "count": 1}]
    assert body["facets"]["fiscal_year"][0]["count"] == 1
    assert found(clients["tanaka"], q="会議", document_type="minutes") != []
    assert found(clients["tanaka"], document_type="minutes", sort="date") != []


def test_two_departments_see_only_their_own(engine, org, clients):
    ours = make_document(org, "文書課の予算資料", "予算の説明 <b>太字</b>")
    theirs = make_document(org, "契約課の予算資料", "予算の内訳", department="keiyaku")
    refreshed(engine)
    assert found(clients["tanaka"], q="予算") == [ours.pk]
    assert found(clients["suzuki"], q="予算") == [theirs.pk]
    assert found(clients["sato"], q="予算") == [ours.pk]  # 総務部 sees 文書課 below it
    assert set(found(clients["records"], q="予算")) == {ours.pk, theirs.pk}
    body = search(clients["tanaka"], q="予算").json()
    assert body["count"] == 1
    assert [f["id"] for f in body["facets"]["department"]] == [org["bunsho"].pk]
    assert "契約課" not in str(body)
    assert "<b>" not in str(body["results"][0]["highlights"])
    # nothing through a filter or a field prefix either
    assert found(clients["tanaka"], q="予算", department=org["keiyaku"].pk) == []
    assert found(clients["tanaka"], q="title:契約課") == []


def test_a_document_that_changes_department_disappears_for_the_old_one(engine, org, clients):
    moved = make_document(org, "移管される文書", "道路占用の許可申請")
    refreshed(engine)
    assert found(clients["tanaka"], q="道路占用") == [moved.pk]
    assert found(clients["suzuki"], q="道路占用") == []

    change(moved, department=org["keiyaku"])
    # Before the index job has run the database check already hides it ...
    body = search(clients["tanaka"], q="道路占用").json()
    assert body["results"] == [] and body["count"] == 0
    assert body["facets"]["department"] == [] and body["facets"]["fiscal_year"] == []
    # ... and once it has run, the engine agrees.
    refreshed(engine)
    body = search(clients["tanaka"], q="道路占用").json()
    assert body["results"] == [] and body["count"] == 0 and body["facets"]["department"] == []
    assert found(clients["suzuki"], q="道路占用") == [moved.pk]


def test_shares_and_deleted_documents(engine, org, clients):
    shared = make_document(org, "共有する照会文書", "照会内容", department="keiyaku")
    shared.shared_with_users.add(org["tanaka"])
    change(shared)
    gone = make_document(org, "削除された照会", "照会の控え")
    change(gone, deleted_at="2024-06-01T00:00:00+09:00")
    refreshed(engine)
    assert found(clients["tanaka"], q="照会") == [shared.pk]
    assert gone.pk not in found(clients["records"], q="照会")
    assert gone.pk in found(clients["records"], q="照会", include_deleted="true")
    assert search(clients["tanaka"], q="照会", include_deleted="true").status_code == 403


def test_counterparty_amount_and_date_filters_combine(engine, org, clients):
    a = make_document(
        org,
        "請求書",
        "事務用品",
        counterparty="㈱山田商事",
        amount=54_000,
        document_date="2024-08-20",
    )
    b = make_document(org, "請求書", "印刷代", counterparty="株式会社山田商事", amount=250_000)
    make_document(org, "請求書", "清掃", counterparty="鈴木工業(有)", amount=54_000)
    refreshed(engine)
    tanaka = clients["tanaka"]
    assert set(found(tanaka, counterparty="山田商事(株)")) == {a.pk, b.pk}
    assert found(tanaka, counterparty="山田商事", amount_min="100000") == [b.pk]
    assert found(tanaka, counterparty="山田商事", date_from="令和6年8月1日") == [a.pk]
    assert found(tanaka, amount_min="50,000", amount_max="60000", q="請求書") != []
    assert found(tanaka, q="請求書", contains_personal_number="true") == []


@pytest.mark.parametrize(
    ("params", "status", "error"),
    [
        ({}, 400, "missing_query"),
        ({"q": "   　 "}, 400, "missing_query"),
        ({"q": "申" * 10_000}, 400, "query_too_long"),
        ({"q": '"給付金'}, 400, "unbalanced_quotes"),
        ({"q": "給付金」"}, 400, "unbalanced_quotes"),
        ({"q": "(給付金 OR 申請"}, 400, "unbalanced_parentheses"),
        ({"q": "給付金)"}, 400, "unbalanced_parentheses"),
        ({"q": "AND OR"}, 400, "missing_term"),
        ({"q": "NOT"}, 400, "missing_term"),
        ({"q": "ＡＮＤ"}, 400, "missing_term"),
        ({"q": "- 、。"}, 400, "missing_term"),
        ({"q": "-給付金"}, 400, "negation_only"),
        ({"q": "給付金 OR -申請"}, 400, "negation_only"),
        ({"q": "給付金", "page_size": "1000"}, 400, "invalid_parameter"),
        ({"q": "給付金", "page_size": "0"}, 400, "invalid_parameter"),
        ({"q": "給付金", "page": "0"}, 400, "invalid_parameter"),
        ({"q": "給付金", "page": "abc"}, 400, "invalid_parameter"),
        ({"q": "給付金", "page": "999999999"}, 400, "result_window"),
        ({"q": "給付金", "sort": "random"}, 400, "invalid_parameter"),
        ({"q": "x", "date_from": "2024-05-01", "date_to": "2024-04-01"}, 400, "invalid_parameter"),
        ({"q": "x", "amount_min": "100", "amount_max": "10"}, 400, "invalid_parameter"),
        ({"q": "x", "created_from": "2025-01-01", "created_to": "2024-01-01"}, 400, None),
        ({"q": "x", "date_from": "2024-13-45"}, 400, "invalid_parameter"),
        ({"q": "x", "fiscal_year": "令和"}, 400, "invalid_parameter"),
        ({"q": "x", "status": "unknown"}, 400, "invalid_parameter"),
        ({"q": "x", "contains_personal_number": "maybe"}, 400, "invalid_parameter"),
        ({"q": "x", "counterparty": "株" * 201}, 400, "invalid_parameter"),
    ],
)
def test_bad_input_is_a_clear_4xx(org, clients, tmp_path, params, status, error):
    config = {"URL": "", "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": "bad"}
    with override_settings(SEARCH=config):
        response = clients["tanaka"].get("/api/search/", params)
    assert response.status_code == status
    body = response.json()
    if error:
        assert body["error"] == error
    assert body["message"] and body["message_en"]


@pytest.mark.parametrize(
    ("params", "body"),
    [
        (
            {"q": "給付金", "page": "abc"},
            (
                "invalid_parameter",
                "page",
                "ページは整数で指定してください。",
                "page must be an integer.",
            ),
        ),
        (
            {"q": "x", "page_size": "0"},
            (
                "invalid_parameter",
                "page_size",
                "1ページの件数は 1〜100 で指定してください。",
                "page_size must be between 1 and 100.",
            ),
        ),
        (
            {"q": "x", "status": "ready、foo"},
            (
                "invalid_parameter",
                "status",
                "処理状況 foo はありません(queued, processing, ready, failed)。",
                "Unknown status foo; use one of queued, processing, ready, failed.",
            ),
        ),
        (
            {"q": "x", "amount_min": "100", "amount_max": "10"},
            (
                "invalid_parameter",
                "amount",
                "金額の範囲が正しくありません(開始が終了より後です)。",
                "The amount range is empty: its start is after its end.",
            ),
        ),
        (
            {"q": "x", "date_to": "junk"},
            (
                "invalid_parameter",
                "date_to",
                "文書日付(終了)は日付(例: 2024-04-01 または 令和6年4月1日)で指定してください。",
                "date_to must be a date such as 2024-04-01.",
            ),
        ),
        (
            {"q": '"給付金'},
            (
                "unbalanced_quotes",
                "q",
                '引用符が閉じられていません。フレーズは "…" で囲んでください。',
                'A quotation mark is not closed; enclose a phrase in "…".',
            ),
        ),
        (
            {"q": "x", "page": "501", "page_size": "20"},
            (
                "result_window",
                "page",
                "表示できるのは先頭 10000 件までです。条件を絞り込んでください。",
                "Only the first 10000 results can be paged; narrow the search.",
            ),
        ),
    ],
)
def test_refusals_name_the_parameter_in_both_languages(org, clients, tmp_path, params, body):
    """The answer the web app reads (frontend/src/lib/api.ts): code, both texts, field."""
    config = {"URL": "", "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": "bad"}
    with override_settings(SEARCH=config):
        response = clients["tanaka"].get("/api/search/", params)
    assert response.status_code == 400
    error, field, message, message_en = body
    expected = {"error": error, "message": message, "message_en": message_en, "field": field}
    assert response.json() == expected


def test_deleted_documents_are_refused_to_staff_with_403(org, clients, tmp_path):
    config = {"URL": "", "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": "bad"}
    with override_settings(SEARCH=config):
        response = clients["tanaka"].get("/api/search/", {"q": "x", "include_deleted": "yes"})
    assert response.status_code == 403
    assert response.json() == {
        "error": "forbidden",
        "message": "削除済み文書の検索は文書管理者だけができます。",
        "message_en": "Only records officers may search deleted documents.",
    }


def test_openapi_describes_the_search_parameters_from_the_serializer():
    schema = APIClient().get("/api/schema/?format=json").json()
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"]["/api/search/"]["get"]["parameters"]
    }
    assert set(parameters) == set(SearchParams().fields)
    assert parameters["page_size"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 100,
        "default": 20,
        "title": "1ページの件数",
    }
    assert parameters["department"]["items"] == {"type": "integer"}
    assert parameters["status"]["items"]["enum"] == ["queued", "processing", "ready", "failed"]
    assert parameters["sort"]["enum"] == ["relevance", "date", "date_asc"]


def test_page_past_the_end_is_empty(engine, org, clients):
    make_document(org, "申請書", "申請")
    refreshed(engine)
    body = search(clients["tanaka"], q="申請", page=50).json()
    assert body["results"] == [] and body["count"] == 1


def test_odd_but_valid_queries_do_not_fail(engine, org, clients):
    make_document(org, "DX推進計画", "令和6年度 12:30 http://example.jp/a?b=c")
    refreshed(engine)
    tanaka = clients["tanaka"]
    for q in ["12:30", "http://example.jp/a?b=c", "unknown:field", "「DX推進」", "(DX)", "* ? ~ ^"]:
        assert search(tanaka, q=q).status_code in (200, 400)
    assert found(tanaka, q="ｄｘ推進") != []
    assert found(tanaka, q="title:ＤＸ　ＡＮＤ　令和６年度") != []  # 令和6年度 in any field
    assert found(tanaka, q="title:（ＤＸ　ＡＮＤ　令和６年度）") == []  # not in the title
    assert found(tanaka, q="件名：ＤＸ") != []


def test_engine_down_answers_503(org, clients, tmp_path):
    config = {"URL": "http://127.0.0.1:1", "ENGINES": {}, "INDEX_DIR": str(tmp_path)}
    with override_settings(SEARCH=config):
        response = clients["tanaka"].get("/api/search/", {"q": "給付金"})
    assert response.status_code == 503
    assert response.json()["error"] == "search_unavailable"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("fiscal_year=99999999999", "fiscal_year"),
        ("fiscal_year=0", "fiscal_year"),
        ("amount_min=99999999999999999999999", "amount_min"),
        ("amount_max=-99999999999999999999999", "amount_max"),
        ("page=99999999999999999999999", "page"),
    ],
)
def test_numbers_beyond_what_an_engine_compares_are_refused_by_name(
    org, clients, tmp_path, query, field
):
    config = {"URL": "", "ENGINES": {}, "INDEX_DIR": str(tmp_path), "INDEX_PREFIX": "big"}
    with override_settings(SEARCH=config):
        response = clients["tanaka"].get(f"/api/search/?q=予算&{query}")
    assert response.status_code == 400, response.content
    body = response.json()
    assert (body["error"], body["field"]) == ("invalid_parameter", field)
    assert body["message"] and body["message_en"]
