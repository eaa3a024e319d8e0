"""The failure classes of issue #14, each on documents from the labelled generator.

The generator (benchmarks/metadata_corpus.py) writes the truth with the text; these tests
take its development split only (the held-out part is for the final measurement).
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from benchmarks.metadata_corpus import CITY, DEPARTMENTS, documents, noisy
from ja.legal_forms import counterparty_key
from ocr.metadata import extract_metadata, find_amounts, parse_amount
from ocr.metadata.counterparty import resolve_known

OWN = (CITY, *{bureau for bureau, _ in DEPARTMENTS}, *{section for _, section in DEPARTMENTS})
DEV = [document for document in documents() if document.split == "dev"]
KNOWN = tuple(sorted({d.truth.counterparty for d in DEV if d.truth.counterparty}))


def read(text: str, known: tuple[str, ...] = ()):
    return extract_metadata(text, own_names=OWN, known_counterparties=known)


@pytest.mark.parametrize("document", DEV, ids=lambda d: d.id)
def test_generated_document_fields(document):
    found = read("\n".join(document.lines))
    assert found.document_date == document.truth.date
    assert found.amount == document.truth.amount
    assert found.counterparty == document.truth.counterparty
    assert any(word in (found.title or "") for word in document.truth.title_words)


@pytest.mark.parametrize("document", DEV, ids=lambda d: d.id)
def test_generated_document_with_ocr_noise(document):
    found = read(noisy(document), KNOWN)
    assert found.amount == document.truth.amount
    assert found.counterparty == document.truth.counterparty


def test_the_city_and_its_departments_are_never_the_counterparty():
    text = "請求書\n湊川市 建設局道路管理課 御中\n株式会社みなと印刷\nご請求金額 110,000円"
    assert read(text).counterparty == "株式会社みなと印刷"
    # only the city on the page: empty, not the city
    assert read("湊川市 建設局道路管理課 御中\n請求金額 110,000円").counterparty is None


def test_direction_decides_the_party():
    addressed_to_us = "見積書\n湊川市長 様\nみなと印刷株式会社\n株式会社港北建設 御中 (写)"
    assert read(addressed_to_us).counterparty == "みなと印刷株式会社"
    issued_by_us = "契約の締結について(通知)\n株式会社港北建設 御中\n湊川市長 湊川太郎"
    assert read(issued_by_us).counterparty == "株式会社港北建設"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("湊川市長 様\n名称株式会社\nみなと", None),  # a form label and a cut-off name
        ("湊川市長 様\n名称 株式会社みなと印刷", "株式会社みなと印刷"),
        ("株式会社みなと印刷ほか3者から参考見積を徴した", "株式会社みなと印刷"),
        ("湊川市長 様\nみなと印刷株式会社\n代表取締役渡辺亮 様", "みなと印刷株式会社"),
        ("湊川市長 様\n代表取締役渡辺亮 様", None),
    ],
)
def test_labels_and_neighbours_are_stripped(text, expected):
    assert read(text).counterparty == expected


def test_ocr_spelling_noise_resolves_to_a_known_name():
    text = "請求書\n湊川市 総務局総務課 御中\n合同会社ハヘーバーデータ\n請求金額 ¥55,000-"
    assert read(text).counterparty == "合同会社ハヘーバーデータ"  # unknown: as read
    assert read(text, ("合同会社ハーバーデータ",)).counterparty == "合同会社ハーバーデータ"
    # a different company is not pulled to a known one
    assert read(text, ("株式会社みなと印刷",)).counterparty == "合同会社ハヘーバーデータ"


@pytest.mark.parametrize(
    ("read_as", "known"),
    [  # seed 1414: 六甲 read as 大皿 was pulled to a known 大和システムズ
        ("大皿システムズ株式会社", "株式会社大和システムズ"),
        ("株式会社北半造園", "株式会社北斗造園"),  # a two-character stem: too short to tell
        ("株式会社湊川設備", "株式会社湊山設備"),
    ],
)
def test_a_shared_business_word_does_not_make_two_companies_one(read_as, known):
    """The whole names are close (only the distinctive part differs); they are two firms."""
    assert resolve_known(read_as, (known,)) is None
    text = f"起案文書\n件名 修繕について\n相手方 {read_as}"
    assert read(text, (known,)).counterparty == read_as


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ご請求金額 金17, 154, 500円", 17_154_500),
        ("請求金額 ¥1, 716, 000-", 1_716_000),
        (
            "品名 数量 金額\n用紙 10 12,000円\n小計 120,000円\n消費税 12,000円\n合計 132,000円",
            132_000,
        ),
        ("(単位:千円)\n事業 前年度予算額 要求額\n道路 1,200 1,300\n合計 2,500", 2_500_000),
        ("契約金額 金3,300,000円\n(うち消費税額 金300,000円)", 3_300_000),
        ("単価 1,200円", None),  # a unit price alone is not the document's amount
        ("記\n1 目的 工事のため", None),
    ],
)
def test_the_total_is_chosen_or_nothing(text, expected):
    assert read(text).amount == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("請　求　書\n湊川市長 様", "請求書"),
        ("scan\n件名: 道路補修工事に係る見積について\n見積書", "道路補修工事に係る見積について"),
        ("第3回環境審議会 議事録\n日時 令和6年4月1日", "第3回環境審議会議事録"),
        ("ただの文章です。", None),
    ],
)
def test_title_from_subject_or_heading(text, expected):
    assert read(text).title == expected


@given(
    st.integers(min_value=1, max_value=10**12),
    st.sampled_from(["{}円", "¥{}-", "金{}円", "金{}円也", "¥ {}"]),
    st.booleans(),
)
def test_amount_normaliser_reads_any_grouped_amount(value, form, spaced):
    grouped = f"{value:,}".replace(",", ", " if spaced else ",")
    assert parse_amount(form.format(grouped)) == value
    assert [c.value for c in find_amounts("合計 " + form.format(grouped))] == [value]


_NAME = st.text(
    alphabet=st.sampled_from(list("みなと印刷湊川ハーバーデータ東洋商事ABCXYZ")),
    min_size=2,
    max_size=12,
)


@given(
    _NAME, st.sampled_from(["株式会社{}", "{}株式会社", "㈱{}", "{}（株）", "（株）{}", "(株) {}"])
)
def test_counterparty_key_folds_legal_form_spellings(name, form):
    key = counterparty_key(form.format(name))
    assert key == counterparty_key(f"株式会社{name}")
    assert counterparty_key(key) == key  # idempotent
    assert "株式会社" not in key


@given(_NAME)
def test_a_known_name_always_resolves_to_itself(name):
    resolved = resolve_known(f"株式会社{name}", (f"{name}(株)", "合同会社まったく別"))
    assert resolved is not None and resolved[0] == f"{name}(株)"
