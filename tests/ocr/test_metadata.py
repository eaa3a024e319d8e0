"""extract_metadata on realistic municipal documents, as OCR returns them."""

from datetime import date

from ja.normalize import normalize_text
from ocr import extract_metadata

# An invoice to the city, as Tesseract reads it: spaces between Japanese characters,
# full-width digits, ideographic letter-spacing in the title.
INVOICE = """\
請　求　書
令 和 ６ 年 ４ 月 １ 日
神 戸 市 長 様
〒650-0001 神戸市中央区加納町6丁目5番1号
株 式 会 社 神 戸 シ ス テ ム ズ
登録番号 T7000012050002
TEL 078-331-8181
ご請求金額 ￥１，１００，０００－
品名 数量 単価 金額
保守業務 1 1,000,000 1,000,000
小計 1,000,000円
消費税(10%) 100,000円
合計 1,100,000円
お支払期限 令和6年4月30日
"""

CONTRACT = """\
業務委託契約書
委託業務の名称 戸籍システム保守業務
契約金額 金壱阡弐佰萬円也（うち取引に係る消費税及び地方消費税の額 金壱佰拾萬円）
履行期間 令和6年4月1日から令和7年3月31日まで
発注者（甲） 神戸市
受注者（乙） ㈱ＡＢＣソリューションズ
代表取締役 山田 太郎
法人番号 4011001098993
令和６年３月２５日
"""

NOTICE = """\
神戸市総務局第１２３号
令和６年５月１０日
株式会社 山田商事 御中
神戸市長 久元 喜造
（公印省略）
令和６年度 個人情報保護研修の実施について（通知）
標記の件について、地方自治法（昭和22年法律第67号）第２条に基づき実施します。
なお、平成31年5月1日付け通知は廃止します。
"""

BUDGET_TABLE = """\
令和6年度 当初予算の概要
（単位：千円）
区分 予算額 前年度予算額
総務費 12,345,678 11,000,000
合計 12,345,678 11,000,000
"""

APPLICATION = """\
給付金支給申請書
令和6年6月1日
神戸市長 様
申請者 氏名 神戸 花子
個人番号 1234 5678 9018
"""


def test_invoice():
    metadata = extract_metadata(INVOICE)
    assert metadata.document_date == date(2024, 4, 1)
    assert metadata.amount == 1_100_000
    assert metadata.counterparty == "株式会社神戸システムズ"
    assert metadata.invoice_numbers == ("T7000012050002",)
    assert not metadata.contains_individual_number
    assert metadata.flags == ()


def test_contract_header():
    metadata = extract_metadata(CONTRACT)
    assert metadata.amount == 12_000_000
    assert metadata.counterparty == "株式会社ABCソリューションズ"
    assert metadata.corporate_numbers == ("4011001098993",)
    # the contract date stands alone on its line; the period dates are not the document's
    assert metadata.document_date == date(2024, 3, 25)


def test_notice_with_document_number_and_wareki_date():
    metadata = extract_metadata(NOTICE)
    assert metadata.document_numbers == ("神戸市総務局第123号",)
    assert metadata.document_date == date(2024, 5, 10)
    assert metadata.fiscal_year == 2024
    assert metadata.counterparty == "株式会社山田商事"
    [flag] = metadata.flags
    assert flag.code == "date_out_of_era"
    assert "平成31年5月1日" in flag.message


def test_budget_table_in_thousands_of_yen():
    metadata = extract_metadata(BUDGET_TABLE)
    assert metadata.amount == 12_345_678_000
    assert metadata.fiscal_year == 2024
    assert {c.value for c in metadata.amount_candidates} == {12_345_678_000, 11_000_000_000}


def test_application_with_an_individual_number():
    metadata = extract_metadata(APPLICATION)
    assert metadata.contains_individual_number
    [span] = metadata.individual_number_spans
    assert [flag.code for flag in metadata.flags] == ["individual_number"]
    assert "1234" not in "".join(flag.message for flag in metadata.flags)
    assert span[1] - span[0] == len("1234 5678 9018")
    # the applicant, never the city the application is addressed to
    assert metadata.counterparty == "神戸花子"
    assert [c.value for c in metadata.counterparty_candidates if c.confidence < 0.2] == ["神戸市長"]


def test_empty_text():
    metadata = extract_metadata("")
    assert metadata.document_date is None
    assert metadata.amount is None
    assert metadata.counterparty is None
    assert metadata.flags == ()
    assert not metadata.contains_individual_number


def test_spans_index_the_normalised_text():
    normalised = normalize_text(INVOICE)
    metadata = extract_metadata(INVOICE)
    for candidate in (
        *metadata.date_candidates,
        *metadata.amount_candidates,
        *metadata.counterparty_candidates,
    ):
        start, end = candidate.span
        assert normalised[start:end] == candidate.text
