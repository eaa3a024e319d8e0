"""The rules and organisation endpoints: matter types, the delegation table (専決規程),
route templates, the rules file's export and import, the route proposal for the 起案 form,
posts, deputies and absences. Everyone reads; administrators edit; a person registers
their own absences."""

import datetime as dt

import pytest
from django.utils import timezone

from approvals.models import DelegationRule, MatterType, RouteTemplate
from dms.accounts.models import Absence, Deputy, Role, User
from dms.audit.models import AuditEntry
from tests.approvals.api_helpers import Clients, refused

pytestmark = pytest.mark.django_db

BASE = "/api/approvals/"


@pytest.fixture
def clients(city):
    city["admin"] = User.objects.create_user(
        "admin", password="kiroku-test-pw", role=Role.ADMINISTRATOR
    )
    return Clients(city)


def test_route_proposal_for_the_drafting_form(city, clients):
    small = clients["drafter"].get(f"{BASE}route-proposal/", {"matter_type": "keiyaku"}).json()
    assert small["decision_level"] == "section_chief" and small["decision_level_label"] == "課長"
    assert [(s["kind"], s["assignees"][0]["label"]) for s in small["steps"]] == [
        ("approval", "文書係長"),
        ("decision", "文書課長"),
    ]
    assert small["steps"][1]["assignees"][0]["holder"]["username"] == "yamada"
    large = (
        clients["drafter"]
        .get(f"{BASE}route-proposal/", {"matter_type": "keiyaku", "amount": 20_000_000})
        .json()
    )
    assert large["decision_level_label_en"] == "Bureau director"
    assert [s["kind_label"] for s in large["steps"]] == ["承認", "承認", "承認", "決裁"]
    assert large["template"]["code"] == "default-bureau_director"
    # another section's route: the 財政課 has no 係長, and no template step is optional
    refused(
        clients["outsider"].get(f"{BASE}route-proposal/", {"matter_type": "keiyaku"}),
        400,
        "no_post",
    )
    missing = clients["drafter"].get(f"{BASE}route-proposal/")
    assert missing.status_code == 400 and "matter_type" in missing.json()
    MatterType.objects.create(code="other", name="その他")
    refused(
        clients["drafter"].get(f"{BASE}route-proposal/", {"matter_type": "other"}),
        400,
        "no_delegation_rule",
    )


def test_everyone_reads_the_rules_only_administrators_change_them(city, clients):
    assert [m["code"] for m in clients["drafter"].get(f"{BASE}matter-types/").json()] == ["keiyaku"]
    rules = clients["drafter"].get(f"{BASE}delegation-rules/", {"matter_type": "keiyaku"}).json()
    assert [(r["amount_from"], r["amount_below"], r["decision_level_label"]) for r in rules] == [
        (None, 1_000_000, "課長"),
        (1_000_000, 10_000_000, "部長"),
        (10_000_000, None, "局長"),
    ]
    templates = clients["drafter"].get(f"{BASE}templates/").json()
    assert templates[0]["steps"][0]["assignee_label"] == "起案課の係長"
    for method, url, body in [
        ("post", f"{BASE}matter-types/", {"code": "x", "name": "x"}),
        ("patch", f"{BASE}delegation-rules/{rules[0]['id']}/", {"decision_level": "mayor"}),
        ("delete", f"{BASE}templates/{templates[0]['id']}/", None),
        ("post", f"{BASE}rules/", {}),
        ("post", f"{BASE}deputies/", {}),
    ]:
        refused(
            getattr(clients["kacho"], method)(url, body, format="json"), 403, "administrators_only"
        )
    assert DelegationRule.objects.filter(decision_level="mayor").count() == 0


def test_administrators_edit_matter_types_and_the_delegation_table(city, clients):
    admin = clients["admin"]
    created = admin.post(
        f"{BASE}matter-types/",
        {"code": "hojo", "name": "補助金の交付", "name_en": "Grants"},
        format="json",
    )
    assert created.status_code == 201, created.content
    again = admin.post(f"{BASE}matter-types/", {"code": "hojo", "name": "重複"}, format="json")
    assert "code" in refused(again, 400, "invalid")
    line = admin.post(
        f"{BASE}delegation-rules/",
        {"matter_type": "hojo", "amount_below": 500_000, "decision_level": "section_chief"},
        format="json",
    )
    assert line.status_code == 201, line.content
    overlap = admin.post(
        f"{BASE}delegation-rules/",
        {"matter_type": "hojo", "amount_from": 100_000, "decision_level": "division_director"},
        format="json",
    )
    assert "重なって" in refused(overlap, 400, "overlapping_band")["message"]
    above = admin.post(
        f"{BASE}delegation-rules/",
        {"matter_type": "hojo", "amount_from": 500_000, "decision_level": "division_director"},
        format="json",
    )
    assert above.status_code == 201
    proposal = (
        clients["drafter"]
        .get(f"{BASE}route-proposal/", {"matter_type": "hojo", "amount": 600_000})
        .json()
    )
    assert proposal["decision_level"] == "division_director"
    refused(admin.delete(f"{BASE}matter-types/{created.json()['id']}/"), 409, "in_use")
    changed = admin.patch(
        f"{BASE}delegation-rules/{above.json()['id']}/", {"decision_level": "mayor"}, format="json"
    )
    assert changed.json()["decision_level_label"] == "市長"
    assert admin.delete(f"{BASE}delegation-rules/{line.json()['id']}/").status_code == 204
    assert AuditEntry.objects.filter(action="rules_save", actor="admin").count() == 4
    assert AuditEntry.objects.filter(action="rules_delete", actor="admin").count() == 1


def test_administrators_edit_templates_with_their_steps(city, clients):
    admin = clients["admin"]
    body = {
        "code": "bunsho-kacho",
        "name": "文書課の課長決裁",
        "decision_level": "section_chief",
        "section": "bunsho",
        "steps": [
            {"position": 1, "kind": "approval", "user": "nakamura"},
            {"position": 2, "kind": "consultation", "section": "zaisei-ka"},
            {"position": 2, "kind": "consultation", "post": "keiri-kacho"},
            {"position": 3, "kind": "decision", "relative_level": "section_chief"},
        ],
    }
    created = admin.post(f"{BASE}templates/", body, format="json")
    assert created.status_code == 201, created.content
    proposal = clients["drafter"].get(f"{BASE}route-proposal/", {"matter_type": "keiyaku"}).json()
    assert proposal["template"]["code"] == "bunsho-kacho"
    assert [len(s["assignees"]) for s in proposal["steps"]] == [1, 2, 1]
    refused(
        admin.post(f"{BASE}templates/", {**body, "code": "again"}, format="json"),
        400,
        "duplicate_template",
    )
    no_decider = {**body, "steps": body["steps"][:3]}
    answer = refused(
        admin.put(f"{BASE}templates/{created.json()['id']}/", no_decider, format="json"),
        400,
        "invalid_route",
    )
    assert "決裁" in answer["message"]
    two_people = {
        **body,
        "steps": [*body["steps"], {"position": 3, "kind": "decision", "user": "sato"}],
    }
    refused(
        admin.put(f"{BASE}templates/{created.json()['id']}/", two_people, format="json"),
        400,
        "invalid_route",
    )
    nobody = {**body, "steps": [{"position": 1, "kind": "decision"}]}
    assert (
        admin.put(f"{BASE}templates/{created.json()['id']}/", nobody, format="json").status_code
        == 400
    )
    assert len(RouteTemplate.objects.get(code="bunsho-kacho").steps.all()) == 4  # unchanged


def test_the_rules_file_exports_and_loads_back(city, clients):
    exported = clients["drafter"].get(f"{BASE}rules/").json()
    assert [m["code"] for m in exported["matter_types"]] == ["keiyaku"]
    assert len(exported["delegation"]) == 3 and len(exported["templates"]) == 3
    assert exported["templates"][0]["steps"][0] == {
        "kind": "approval",
        "relative_level": "subsection_chief",
    }
    exported["delegation"][0]["level"] = "division_director"
    loaded = clients["admin"].post(f"{BASE}rules/", exported, format="json")
    assert loaded.status_code == 200, loaded.content
    assert loaded.json() == {"matter_types": 1, "delegation": 3, "templates": 3}
    assert clients["drafter"].get(f"{BASE}rules/").json() == exported
    broken = {**exported, "delegation": [{**exported["delegation"][0], "level": "emperor"}]}
    answer = refused(
        clients["admin"].post(f"{BASE}rules/", broken, format="json"), 400, "invalid_rules_file"
    )
    assert answer["where"] == "delegation[0]"
    assert DelegationRule.objects.count() == 3  # nothing changed
    not_an_object = clients["admin"].post(f"{BASE}rules/", [1, 2], format="json")
    refused(not_an_object, 400, "invalid_rules_file")


def test_posts_for_picking_assignees(city, clients):
    listed = clients["drafter"].get(f"{BASE}posts/", {"q": "課長"}).json()
    rows = {p["code"]: p for p in listed["results"]}
    assert set(rows) == {"bunsho-kacho", "zaisei-kacho", "keiri-kacho"}
    assert rows["bunsho-kacho"]["holder"]["username"] == "yamada"
    assert rows["bunsho-kacho"]["level_label"] == "課長"
    assert rows["bunsho-kacho"]["section"]["code"] == "bunsho"
    by_section = clients["drafter"].get(f"{BASE}posts/", {"section": "soumu-bu"}).json()
    assert [p["code"] for p in by_section["results"]] == ["soumu-bucho"]
    one = clients["drafter"].get(f"{BASE}posts/{rows['keiri-kacho']['id']}/").json()
    assert one["holder"]["username"] == "kato"


def test_deputies_are_kept_by_administrators(city, clients):
    listed = clients["drafter"].get(f"{BASE}deputies/", {"post": "soumu-bucho"}).json()
    assert [(d["order"], d["label"]) for d in listed] == [(1, "kobayashi"), (2, "watanabe")]
    admin = clients["admin"]
    added = admin.post(
        f"{BASE}deputies/",
        {"post": "bunsho-kacho", "order": 1, "deputy_post": "bunsho-kakaricho"},
        format="json",
    )
    assert added.status_code == 201 and added.json()["label"] == "文書係長"
    refused(
        admin.post(
            f"{BASE}deputies/", {"post": "bunsho-kacho", "order": 1, "user": "sato"}, format="json"
        ),
        400,
        "duplicate_order",
    )
    both = admin.post(
        f"{BASE}deputies/",
        {"post": "bunsho-kacho", "order": 2, "user": "sato", "deputy_post": "soumu-bucho"},
        format="json",
    )
    assert both.status_code == 400
    assert admin.delete(f"{BASE}deputies/{added.json()['id']}/").status_code == 204
    assert not Deputy.objects.filter(post__code="bunsho-kacho").exists()


def test_absences_one_registers_ones_own_administrators_anyones(city, clients):
    now = timezone.now()
    span = {"starts_at": now.isoformat(), "ends_at": (now + dt.timedelta(days=2)).isoformat()}
    own = clients["bucho"].post(f"{BASE}absences/", {**span, "reason": "出張"}, format="json")
    assert own.status_code == 201, own.content
    assert own.json()["user"] == "sato"
    refused(
        clients["bucho"].post(f"{BASE}absences/", {**span, "user": "yamada"}, format="json"),
        403,
        "not_own_absence",
    )
    for_someone = clients["admin"].post(
        f"{BASE}absences/", {**span, "user": "yamada"}, format="json"
    )
    assert for_someone.status_code == 201
    backwards = clients["bucho"].post(
        f"{BASE}absences/",
        {"starts_at": span["ends_at"], "ends_at": span["starts_at"]},
        format="json",
    )
    assert backwards.status_code == 400 and "ends_at" in backwards.json()
    assert [a["user"] for a in clients["bucho"].get(f"{BASE}absences/").json()["results"]] == [
        "sato"
    ]
    assert clients["admin"].get(f"{BASE}absences/").json()["count"] == 2
    assert clients["admin"].get(f"{BASE}absences/", {"user": "yamada"}).json()["count"] == 1
    theirs = for_someone.json()["id"]
    refused(clients["bucho"].delete(f"{BASE}absences/{theirs}/"), 404, "not_found")
    changed = clients["bucho"].patch(
        f"{BASE}absences/{own.json()['id']}/", {"reason": "研修"}, format="json"
    )
    assert changed.json()["reason"] == "研修"
    assert clients["bucho"].delete(f"{BASE}absences/{own.json()['id']}/").status_code == 204
    assert list(Absence.objects.values_list("user__username", flat=True)) == ["yamada"]


def test_people_for_picking_a_person(city, clients):
    found = clients["drafter"].get(f"{BASE}people/", {"section": "zaisei-ka"}).json()
    assert [(p["username"], p["departments"]) for p in found["results"]] == [
        ("ito", ["zaisei-ka"]),
        ("suzuki", ["zaisei-ka"]),
    ]
    assert [
        p["username"]
        for p in clients["drafter"].get(f"{BASE}people/", {"q": "yama"}).json()["results"]
    ] == ["yamada"]
