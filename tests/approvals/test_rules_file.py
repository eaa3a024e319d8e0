"""The rules as data: the default set loads and proposes routes; a faulty file is refused
with the entry (or line) named, and nothing changes."""

import json

import pytest
from django.core.management import CommandError, call_command

from approvals import routing, rules_file
from approvals.models import DelegationRule, MatterType, RouteTemplate
from dms.accounts.models import Post, PostAssignment, PostLevel
from tests.approvals.conftest import SINCE, route_of

pytestmark = pytest.mark.django_db


def test_the_default_set_loads_and_gives_routes(city):
    call_command("load_approval_rules")
    assert RouteTemplate.objects.count() == 5
    contract = MatterType.objects.get(code="contract")
    assert routing.decision_level_for(contract, 999_999) == "section_chief"
    assert routing.decision_level_for(contract, 200_000_000) == "mayor"
    mayor = Post.objects.create(code="mayor", title="市長", level=PostLevel.MAYOR)
    deputy = Post.objects.create(code="deputy-mayor", title="副市長", level=PostLevel.DEPUTY_MAYOR)
    PostAssignment.objects.create(post=mayor, user=city["outsider"], valid_from=SINCE)
    PostAssignment.objects.create(post=deputy, user=city["records"], valid_from=SINCE)
    case = city.case(matter_type=contract, amount=200_000_000)
    assert [holders for _, holders in route_of(case)] == [
        ["文書係長"],
        ["文書課長"],
        ["総務部長"],
        ["総務局長"],
        ["副市長"],
        ["市長"],
    ]


def test_an_optional_step_is_left_out_where_the_section_has_no_such_post(city):
    call_command("load_approval_rules")
    Post.objects.filter(code="bunsho-kakaricho").delete()
    case = city.case(matter_type=MatterType.objects.get(code="general"))
    assert route_of(case) == [("decision", ["文書課長"])]


def write(tmp_path, data, name="rules.json"):
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


GOOD_TEMPLATE = {
    "code": "t",
    "level": "section_chief",
    "steps": [{"kind": "decision", "relative_level": "section_chief"}],
}


@pytest.mark.parametrize(
    ("data", "where"),
    [
        (
            {
                "templates": [
                    {
                        **GOOD_TEMPLATE,
                        "steps": [
                            {"kind": "decision", "relative_level": "section_chief"},
                            {"kind": "decision", "relative_level": "division_director"},
                        ],
                    }
                ]
            },
            "templates[0]: The route has more than one decision",
        ),
        (
            {
                "templates": [
                    GOOD_TEMPLATE,
                    {
                        **GOOD_TEMPLATE,
                        "steps": [{"kind": "aproval", "relative_level": "section_chief"}],
                    },
                ]
            },
            "templates[1]: code 't' is missing or repeated",
        ),
        (
            {
                "templates": [
                    {
                        **GOOD_TEMPLATE,
                        "code": "u",
                        "steps": [
                            {
                                "kind": "consultation",
                                "parallel": [{"section": "zaisei-ka"}, {"post": "nope"}],
                            },
                            {"kind": "decision", "relative_level": "section_chief"},
                        ],
                    }
                ]
            },
            "templates[0].steps[0].parallel[1]: no post 'nope'",
        ),
        (
            {
                "delegation": [
                    {"matter_type": "keiyaku", "amount_below": 100, "level": "section_chief"},
                    {"matter_type": "keiyaku", "amount_from": 50, "level": "mayor"},
                ]
            },
            "delegation[1]: its amount band overlaps delegation[0]",
        ),
        (
            {"delegation": [{"matter_type": "nothing", "level": "mayor"}]},
            "delegation[0]: unknown matter_type 'nothing'",
        ),
        ('{"templates": [\n  {"code": "x",}\n]}', "line 2: not valid JSON"),
    ],
)
def test_a_faulty_file_is_refused_naming_the_entry_and_nothing_changes(city, tmp_path, data, where):
    before = (
        list(DelegationRule.objects.values_list("id", flat=True)),
        list(RouteTemplate.objects.values_list("id", flat=True)),
    )
    with pytest.raises(CommandError, match="nothing changed") as refused:
        call_command("load_approval_rules", write(tmp_path, data))
    assert where in str(refused.value)
    after = (
        list(DelegationRule.objects.values_list("id", flat=True)),
        list(RouteTemplate.objects.values_list("id", flat=True)),
    )
    assert before == after


def test_yaml_is_read_too_with_the_line_of_a_syntax_error(city, tmp_path):
    good = """
matter_types:
  - {code: kouji, name: 工事の請負}
delegation:
  - {matter_type: kouji, level: division_director}
templates:
  - code: t
    level: division_director
    steps:
      - {kind: approval, relative_level: section_chief}
      - {kind: decision, relative_level: division_director}
"""
    call_command("load_approval_rules", write(tmp_path, good, "rules.yaml"))
    assert routing.decision_level_for(MatterType.objects.get(code="kouji"), 5) == (
        "division_director"
    )
    with pytest.raises(rules_file.RulesFileError, match=r"line \d+: not valid YAML"):
        rules_file.read(
            __import__("pathlib").Path(write(tmp_path, "a: 1\nb:\n  - [unclosed\n", "bad.yaml"))
        )
