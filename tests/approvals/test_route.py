"""The route a case gets from the delegation table and the templates, and the rules a
route must keep: exactly one 決裁, 供覧 after it, no change after submitting."""

import pytest

from approvals import routing, services
from approvals.errors import ApprovalError
from approvals.models import CaseKind, CaseState, StepKind
from approvals.routing import Assignee
from tests.approvals.conftest import route_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("amount", "route"),
    [
        (None, [("approval", ["文書係長"]), ("decision", ["文書課長"])]),
        (999_999, [("approval", ["文書係長"]), ("decision", ["文書課長"])]),
        (
            1_000_000,
            [("approval", ["文書係長"]), ("approval", ["文書課長"]), ("decision", ["総務部長"])],
        ),
        (
            10_000_000,
            [
                ("approval", ["文書係長"]),
                ("approval", ["文書課長"]),
                ("approval", ["総務部長"]),
                ("decision", ["総務局長"]),
            ],
        ),
    ],
)
def test_a_new_case_gets_its_route_from_the_delegation_table_and_template(city, amount, route):
    case = city.case(amount=amount)
    assert case.state == CaseState.DRAFT
    assert route_of(case) == route


def test_a_section_template_wins_over_the_city_default(city):
    from approvals.models import RouteTemplate, TemplateStep

    own = RouteTemplate.objects.create(
        code="bunsho-kacho",
        name="文書課 課長決裁",
        decision_level="section_chief",
        department=city["soumu_bu"],  # a template of the division applies to its sections
    )
    TemplateStep.objects.create(
        template=own, position=1, kind=StepKind.CONSULTATION, assignee_section=city["zaisei"]
    )
    TemplateStep.objects.create(
        template=own, position=1, kind=StepKind.CONSULTATION, assignee_section=city["keiri"]
    )
    TemplateStep.objects.create(
        template=own, position=2, kind=StepKind.DECISION, relative_level="section_chief"
    )
    assert route_of(city.case()) == [
        ("consultation", ["財政課", "経理課"]),
        ("decision", ["文書課長"]),
    ]


def test_no_delegation_line_is_a_clear_refusal(city):
    city["keiyaku"].delegation_rules.all().delete()
    with pytest.raises(ApprovalError) as refused:
        city.case()
    assert refused.value.code == "no_delegation_rule"
    assert "専決規程" in refused.value.message and "delegation" in refused.value.message_en


@pytest.mark.parametrize(
    ("steps", "message"),
    [
        ([("approval", 1)], "no decision"),
        ([("decision", 1), ("decision", 1)], "more than one decision"),
        ([("circulation", 1), ("decision", 1)], "after the decision"),
        ([("decision", 1), ("approval", 1)], "Only circulation"),
        ([("decision", 2)], "exactly one person"),
        ([("consultation", 0), ("decision", 1)], "nobody assigned"),
    ],
)
def test_invalid_routes_are_refused(steps, message):
    with pytest.raises(ApprovalError, match="invalid_route") as refused:
        routing.validate(CaseKind.DECISION, steps)
    assert message in refused.value.message_en
    assert refused.value.status_code == 400


def test_a_second_decision_step_is_refused(city):
    case = city.case()
    with pytest.raises(ApprovalError) as refused:
        services.add_step(
            case,
            user=city["drafter"],
            kind=StepKind.DECISION,
            position=1,
            assignees=[Assignee(user=city["bucho"])],
        )
    assert refused.value.code == "invalid_route"
    assert "決裁が二つ" in refused.value.message
    assert len(route_of(case)) == 2


def test_the_drafter_adds_a_consultation_and_circulation_before_submitting(city):
    case = city.case()
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CONSULTATION,
        position=2,
        assignees=[Assignee(section=city["zaisei"]), Assignee(post=city.post("keiri-kacho"))],
    )
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=4,
        assignees=[Assignee(user=city["colleague"])],
    )
    assert [kind for kind, _ in route_of(case)] == [
        "approval",
        "consultation",
        "decision",
        "circulation",
    ]
    services.remove_step(case, user=city["drafter"], position=4)
    assert [kind for kind, _ in route_of(case)] == ["approval", "consultation", "decision"]


def test_the_decider_and_template_steps_cannot_be_removed(city):
    case = city.case()
    for position in (1, 2):
        with pytest.raises(ApprovalError) as refused:
            services.remove_step(case, user=city["drafter"], position=position)
        assert refused.value.code == "step_not_removable"
    assert len(route_of(case)) == 2


def test_only_the_drafter_edits_the_route(city):
    case = city.case()
    with pytest.raises(ApprovalError) as refused:
        services.add_step(
            case,
            user=city["kacho"],
            kind=StepKind.APPROVAL,
            position=1,
            assignees=[Assignee(user=city["colleague"])],
        )
    assert (refused.value.code, refused.value.status_code) == ("not_drafter", 403)


def test_the_route_cannot_be_edited_after_submit(city):
    case = city.case()
    services.submit(case, user=city["drafter"])
    for edit in (
        lambda: services.add_step(
            case,
            user=city["drafter"],
            kind=StepKind.APPROVAL,
            position=1,
            assignees=[Assignee(user=city["colleague"])],
        ),
        lambda: services.remove_step(case, user=city["drafter"], position=1),
        lambda: services.mark_post_review(case, user=city["drafter"], position=1),
    ):
        with pytest.raises(ApprovalError) as refused:
            edit()
        assert (refused.value.code, refused.value.status_code) == ("route_locked", 409)
        assert refused.value.extra["case_state"] == CaseState.IN_ROUTE
    assert len(route_of(case)) == 2


def test_a_changed_amount_gives_the_route_of_the_new_level(city):
    case = city.case(amount=500_000)
    services.update_draft(case, user=city["drafter"], changes={"amount": 2_000_000})
    case.refresh_from_db()
    assert case.decision_level == "division_director"
    assert route_of(case)[-1] == ("decision", ["総務部長"])


def test_a_circulation_case_has_no_decider(city):
    case = city.case(kind=CaseKind.CIRCULATION)
    assert route_of(case) == []
    with pytest.raises(ApprovalError, match="invalid_route"):
        services.submit(case, user=city["drafter"])
    with pytest.raises(ApprovalError, match="invalid_route"):
        services.add_step(
            case,
            user=city["drafter"],
            kind=StepKind.DECISION,
            position=1,
            assignees=[Assignee(user=city["kacho"])],
        )
    services.add_step(
        case,
        user=city["drafter"],
        kind=StepKind.CIRCULATION,
        position=1,
        assignees=[Assignee(user=city["kacho"]), Assignee(user=city["colleague"])],
    )
    services.submit(case, user=city["drafter"])
    services.acknowledge(case, user=city["kacho"])
    assert case.state == CaseState.IN_ROUTE
    services.acknowledge(case, user=city["colleague"])
    assert case.state == CaseState.CIRCULATED and case.closed_at is not None
