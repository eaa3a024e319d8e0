"""Who sees a case (anyone else: 404), and the inbox tabs in two queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from approvals import access, services
from approvals.models import StepKind
from approvals.routing import Assignee
from dms.errors import NotFoundError

pytestmark = pytest.mark.django_db


def visible_to(city, case):
    names = [
        "drafter",
        "colleague",
        "kakaricho",
        "kacho",
        "bucho",
        "jicho",
        "kyokucho",
        "zaisei_kacho",
        "keiri_kacho",
        "outsider",
        "records",
    ]
    return {name for name in names if access.visible_cases(city[name]).filter(pk=case.pk)}


def test_a_case_is_visible_to_its_section_above_it_its_route_and_records_officers(city):
    case = city.case()
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=2,
        assignees=[Assignee(user=city["zaisei_kacho"])],
    )
    # 総務部・総務局 are above 文書課, as for documents; the 次長s sit in 総務部
    section_and_above = {
        "drafter",
        "colleague",
        "kakaricho",
        "kacho",
        "bucho",
        "jicho",
        "kyokucho",
        "records",
    }
    assert visible_to(city, case) == section_and_above | {"zaisei_kacho"}
    services.submit(case, user=city["drafter"])
    assert "outsider" not in visible_to(city, case) and "keiri_kacho" not in visible_to(city, case)


def test_anyone_else_gets_404_as_for_a_missing_case(city):
    case = city.case()
    with pytest.raises(NotFoundError) as hidden:
        access.visible_case(city["outsider"], case.pk)
    with pytest.raises(NotFoundError) as missing:
        access.visible_case(city["outsider"], case.pk + 1000)
    assert hidden.value.as_body() == missing.value.as_body()
    assert hidden.value.status_code == 404
    assert access.visible_case(city["records"], case.pk) == case


def test_a_post_holder_sees_the_case_once_the_step_reaches_them(city):
    case = city.case(amount=2_000_000, section=city["bunsho"])
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=3,
        assignees=[Assignee(post=city.post("keiri-kacho"))],
    )
    services.submit(case, user=city["drafter"])
    assert "keiri_kacho" not in visible_to(city, case)
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    assert "keiri_kacho" in visible_to(city, case)


def test_a_deputy_sees_a_case_waiting_for_the_decider_they_stand_in_for(city, django_user_model):
    # a deputy from outside the drafting line: registered for the 総務部長 post
    from dms.accounts.models import Deputy

    Deputy.objects.create(post=city.post("soumu-bucho"), order=3, user=city["outsider"])
    case = city.case(amount=2_000_000)
    services.submit(case, user=city["drafter"])
    assert "outsider" not in visible_to(city, case)
    services.approve(case, user=city["kakaricho"])
    services.approve(case, user=city["kacho"])
    assert "outsider" in visible_to(city, case)


def test_the_inbox_tabs(city):
    mine = city.case(title="下書きの案件")
    returned = city.case(title="差し戻された案件")
    services.submit(returned, user=city["drafter"])
    services.return_case(returned, user=city["kakaricho"], comment="再考を")
    waiting = city.case(amount=2_000_000, title="承認待ちの案件")
    services.add_step(
        waiting,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=1,
        assignees=[Assignee(user=city["zaisei_kacho"])],
    )
    services.add_step(
        waiting,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=5,
        assignees=[Assignee(user=city["colleague"])],
    )
    services.mark_post_review(waiting, user=city["drafter"], position=2)
    services.submit(waiting, user=city["drafter"])

    def tabs(user):
        box = access.inbox(user)
        return {
            tab: [getattr(item, "case", item).title for item in items]
            for tab, items in box.tabs.items()
            if items
        }

    assert tabs(city["drafter"]) == {"drafting": ["下書きの案件"], "returned": ["差し戻された案件"]}
    assert tabs(city["zaisei_kacho"]) == {"consultation": ["承認待ちの案件"]}
    services.agree(waiting, user=city["zaisei_kacho"])
    assert tabs(city["kakaricho"]) == {"post_review": ["承認待ちの案件"]}
    assert tabs(city["kacho"]) == {"approval": ["承認待ちの案件"]}
    services.approve(waiting, user=city["kacho"])
    services.decide(waiting, user=city["bucho"])
    assert tabs(city["colleague"]) == {"circulation": ["承認待ちの案件"]}
    assert access.inbox(city["kakaricho"]).counts["post_review"] == 1
    services.post_review(waiting, user=city["kakaricho"])
    assert tabs(city["kakaricho"]) == {}
    assert mine.state == "draft"


def test_the_inbox_takes_two_queries_however_many_cases(city):
    for n in range(12):
        case = city.case(title=f"案件{n}")
        services.submit(case, user=city["drafter"])
    city.case(title="下書き")
    with CaptureQueriesContext(connection) as queries:
        box = access.inbox(city["kakaricho"])
        assert box.counts["approval"] == 12
        [task.case.title for task in box.tabs["approval"]]
    assert len(queries) == 2
