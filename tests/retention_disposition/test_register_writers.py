"""The register writers as pure functions: encodings, formula injection, XLSX contents."""

import csv
import io

from openpyxl import load_workbook

from retention.register.writers import Column, csv_stream, safe_cell, xlsx_stream

COLUMNS = [Column("title", "名称", "Title"), Column("year", "年度", "Fiscal year")]


def test_formula_prefixes_become_text():
    for dangerous in ["=SUM(A1)", "+81", "-1+2", "@cmd", "\tx", "\rx"]:
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("普通の名称") == "普通の名称"
    assert safe_cell(2024) == 2024
    assert safe_cell(None) == ""


def test_utf8_csv_has_a_bom_and_round_trips():
    rows = [{"title": "契約書綴り", "year": 2024}, {"title": '=HYPERLINK("x")', "year": 2023}]
    data = b"".join(csv_stream(rows, COLUMNS))
    assert data.startswith(b"\xef\xbb\xbf")
    parsed = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert parsed == [["名称", "年度"], ["契約書綴り", "2024"], ['\'=HYPERLINK("x")', "2023"]]


def test_cp932_csv_replaces_missing_characters_visibly():
    rows = [{"title": "𠮷野家の契約 ① 髙橋", "year": 2024}]
    data = b"".join(csv_stream(rows, COLUMNS, encoding="cp932"))
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("cp932")
    # 𠮷 (outside cp932) is shown as 〓; ① and 髙 exist in cp932 and survive.
    assert text.splitlines()[1] == "〓野家の契約 ① 髙橋,2024"


def test_csv_english_header_and_batches():
    rows = ({"title": f"file {n}", "year": n} for n in range(1203))
    chunks = list(csv_stream(rows, COLUMNS, english=True, batch=500))
    assert len(chunks) == 1 + 3  # header, then 500 + 500 + 203 rows
    lines = b"".join(chunks).decode("utf-8-sig").splitlines()
    assert lines[0] == "Title,Fiscal year"
    assert len(lines) == 1204 and lines[-1] == "file 1202,1202"


def test_xlsx_opens_with_the_rows_and_no_formulas():
    rows = [{"title": "=1+1", "year": 2024}, {"title": "予算書", "year": 2025}]
    workbook = load_workbook(io.BytesIO(b"".join(xlsx_stream(rows, COLUMNS))))
    sheet = workbook["ファイル管理簿"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values == [["名称", "年度"], ["'=1+1", 2024], ["予算書", 2025]]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
