"""The decision PDF's cover sheet (決裁伺): its text, fonts, stamp boxes and body pages,
built from real cases and real documents in the object store."""

from __future__ import annotations

import datetime as dt
import io
import time

import pdfplumber
import pikepdf
import pytest
from django.utils import timezone
from reportlab.pdfgen.canvas import Canvas

from approvals import services
from approvals.errors import ApprovalError
from approvals.models import Capacity, CaseEvent, StepKind
from approvals.pdf.cover import PAGE_HEIGHT, PAGE_WIDTH, yen
from approvals.pdf.decision import (
    build_decision_pdf,
    layout_from_json,
    layout_to_json,
    note_boxes,
    stamp_box,
)
from approvals.routing import Assignee
from dms.documents import ingest, lifecycle
from dms.storage import get_object_store


def body_document(city, pages: int, title="本文"):
    """A body PDF whose pages say which they are, so their order can be read back."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1)
    for number in range(1, pages + 1):
        canvas.setFont("Helvetica", 24)
        canvas.drawString(72, 700, f"BODY PAGE {number}")
        canvas.showPage()
    canvas.save()
    stored = ingest.store_original(io.BytesIO(buffer.getvalue()), filename=f"{title}.pdf")
    return lifecycle.create(stored, user=city["drafter"], department=city["bunsho"], title=title)


def page_texts(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def overlaps(a, b) -> bool:
    return (
        a.page_index == b.page_index
        and a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


@pytest.fixture
def case(city):
    attachment = city.document(title="見積書")
    return city.case(
        amount=1_234_567,
        title="庁用備品の購入について",
        is_important=True,
        is_doubtful=True,
        body=body_document(city, pages=3),
        attachments=[attachment],
    )


def test_cover_shows_the_case_facts(city, case):
    pdf = build_decision_pdf(case)
    cover = "".join(page_texts(pdf.data)[0].split())  # spacing as extracted varies
    day = timezone.localdate(case.created_at)
    for expected in (
        "決裁伺",
        "庁用備品の購入について",
        "契約の締結",
        "1,234,567円",
        "重要・疑義",
        "tanaka",
        "文書課",
        day.isoformat(),
        f"案件番号{case.pk}",
        "見積書",
        "承認",
        "決裁",
        "備考",
        "文書課長",
        "総務部長",
    ):
        assert expected in cover, expected
    attachment = case.attachments.get().document
    assert attachment.latest_version.sha256 in cover


def test_dates_and_amounts_are_formatted():
    assert yen(1_000_000) == "1,000,000円"
    assert yen(0) == "0円"
    assert yen(None) == "—"
    from approvals.pdf.cover import date_text

    assert date_text(dt.date(2019, 5, 1)) == "令和元年5月1日（2019-05-01）"
    assert date_text(dt.date(2024, 4, 1)) == "令和6年4月1日（2024-04-01）"


def test_submitted_case_shows_the_submission_day_in_wareki(city, case):
    services.submit(case, user=city["drafter"])
    case.refresh_from_db()
    day = timezone.localdate(case.submitted_at)
    from ja.dates import format_wareki

    assert (
        f"{format_wareki(day)}（{day.isoformat()}）" in page_texts(build_decision_pdf(case).data)[0]
    )


def test_body_pages_follow_the_cover(city, case):
    pdf = build_decision_pdf(case)
    texts = page_texts(pdf.data)
    assert pdf.cover_pages == 1
    assert len(texts) == 1 + 3
    assert [t.strip() for t in texts[1:]] == ["BODY PAGE 1", "BODY PAGE 2", "BODY PAGE 3"]


def test_body_is_read_from_the_archive_copy_when_there_is_one(city, case):
    # Processing writes the archive PDF beside the original; the cover must prefer it.
    version = case.body.latest_version
    archive = io.BytesIO()
    canvas = Canvas(archive, invariant=1)
    canvas.drawString(72, 700, "ARCHIVE COPY")
    canvas.showPage()
    canvas.save()
    key = f"derived/test-{version.pk}/archive.pdf"
    get_object_store().put(key, io.BytesIO(archive.getvalue()), length=len(archive.getvalue()))
    type(version).objects.filter(pk=version.pk).update(archive_key=key)
    case.body.refresh_from_db()
    texts = page_texts(build_decision_pdf(case).data)
    assert texts[1:] == ["ARCHIVE COPY"]


def test_fonts_are_embedded_subsets(city, case):
    pdf = build_decision_pdf(case)
    names = set()
    with pikepdf.open(io.BytesIO(pdf.data)) as doc:
        for page in doc.pages[: pdf.cover_pages]:
            for font in page.Resources.Font.values():
                name = str(font.BaseFont).lstrip("/")
                names.add(name.split("+", 1)[-1])
                # A subset's name carries a six-letter tag: "ABCDEF+IPAexMincho".
                assert "+" in name and len(name.split("+", 1)[0]) == 6, name
                descendant = font.DescendantFonts[0] if "/DescendantFonts" in font else font
                descriptor = descendant.FontDescriptor
                assert any(k in descriptor for k in ("/FontFile2", "/FontFile3", "/FontFile")), name
    assert {"IPAexMincho", "IPAexGothic"} <= names


def test_one_box_per_task_inside_the_page_and_apart(city, case):
    pdf = build_decision_pdf(case)
    tasks = list(case.tasks.all())
    assert set(pdf.boxes) == {t.pk for t in tasks}
    places = [*pdf.boxes.values(), *pdf.marks.values(), *pdf.notes]
    for box in places:
        assert 0 <= box.page_index < pdf.cover_pages
        assert box.x >= 0 and box.x + box.width <= PAGE_WIDTH
        assert box.y >= 0 and box.y + box.height <= PAGE_HEIGHT
        assert box.width >= 20 and box.height >= 14
    for i, a in enumerate(places):
        for b in places[i + 1 :]:
            assert not overlaps(a, b), (a, b)


def test_a_big_consultation_wraps_and_continues_on_a_second_cover_page(city):
    from dms.accounts.models import Department, User

    case = city.case(amount=500_000, body=body_document(city, pages=2))
    sections = []
    for n in range(8):
        section = Department.objects.create(
            name=f"第{n + 1}事業課", code=f"jigyo-{n}", level="section", parent=city["soumu_bu"]
        )
        sections.append(section)
    people = [User.objects.create_user(f"kyoran{n}", password="x") for n in range(30)]
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=1,
        assignees=[Assignee(section=s) for s in sections],
    )
    last = services.next_position(case)
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=last,
        assignees=[Assignee(user=u) for u in people],
    )
    pdf = build_decision_pdf(case)
    assert len(pdf.boxes) == case.tasks.count() == 8 + 30 + 2
    assert pdf.cover_pages == 2
    assert {box.page_index for box in pdf.boxes.values()} == {0, 1}
    places = [*pdf.boxes.values(), *pdf.marks.values(), *pdf.notes]
    for i, a in enumerate(places):
        assert a.y >= 0 and a.y + a.height <= PAGE_HEIGHT
        for b in places[i + 1 :]:
            assert not overlaps(a, b)
    texts = page_texts(pdf.data)
    assert "第8事業課長" in texts[0]
    assert "（続き）" in texts[1] and "kyoran29" in texts[1]
    assert [t.strip() for t in texts[2:]] == ["BODY PAGE 1", "BODY PAGE 2"]


def test_same_case_same_bytes(city, case):
    first = build_decision_pdf(case).data
    time.sleep(1.1)  # no clock reading may leak in (creation dates, /ID, XMP dates)
    assert build_decision_pdf(case).data == first


def test_a_long_title_wraps_inside_the_table(city):
    title = "令和七年度庁舎設備改修工事に係る設計業務委託契約の締結について" * 5
    case = city.case(title=title, amount=None, body=body_document(city, pages=1))
    pdf = build_decision_pdf(case)
    with pdfplumber.open(io.BytesIO(pdf.data)) as doc:
        page = doc.pages[0]
        words = page.extract_words()
        assert all(word["x1"] <= PAGE_WIDTH - 36 + 0.5 for word in words)
        text = "".join((page.extract_text() or "").split())
    assert title in text and "金額—" in text


def test_layout_round_trips_through_json_and_resolves_boxes(city):
    case = city.case(amount=5_000_000)  # 部長決裁: 係長, 課長 承認 then 部長 決裁
    services.submit(case, user=city["drafter"])
    pdf = build_decision_pdf(case)
    stored = layout_to_json(pdf)
    import json

    layout = layout_from_json(json.loads(json.dumps(stored)))
    assert dict(layout.boxes) == dict(pdf.boxes)
    assert layout.notes == pdf.notes
    # What the signer does at submission: keep the layout in the submit event.
    event = CaseEvent.objects.get(case=case, action="submit")
    event.details = {**event.details, "cover_layout": stored}
    event.save(update_fields=["details"])

    tasks = {t.step.kind: t for t in case.tasks.select_related("step")}
    decider = tasks[StepKind.DECISION]
    assert stamp_box(case, decider, action="decide") == pdf.boxes[decider.pk]
    # After a 代決 the deputy's stamp fills the box; the decider's 後閲 goes below it.
    decider.capacity = Capacity.PROXY
    assert stamp_box(case, decider, action="proxy_decide") == pdf.boxes[decider.pk]
    mark = stamp_box(case, decider, action="post_review")
    assert mark == pdf.marks[decider.pk] and mark != pdf.boxes[decider.pk]
    assert not overlaps(mark, pdf.boxes[decider.pk])
    assert list(note_boxes(case)) == list(pdf.notes)
    assert [n.y for n in pdf.notes] == sorted((n.y for n in pdf.notes), reverse=True)


def test_stamp_box_without_a_stored_layout_is_refused(city, case):
    task = case.tasks.first()
    with pytest.raises(ApprovalError) as refused:
        stamp_box(case, task, action="approve")
    assert refused.value.code == "no_cover_layout"
