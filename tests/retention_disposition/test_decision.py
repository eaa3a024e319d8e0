"""The disposal decision through approvals: the proposal opens a case of matter type
``disposal`` (専決 by the section chief, from the shipped rules), and nothing is destroyed
until that case is decided."""

import datetime as dt
import io
import json
import tarfile

import bagit
import pytest
from django.core.management import call_command

from approvals import services as approvals
from approvals.models import CaseState, DelegationRule, MatterType
from dms.accounts.models import Role, User
from dms.documents.models import Document
from dms.errors import ApiError
from dms.storage import get_object_store
from retention.disposition import services
from retention.disposition.models import ProposalState, Tombstone
from tests.approvals.conftest import city, local_store, route_of  # noqa: F401 (fixtures)
from tests.retention_disposition.conftest import classify, make_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def rules(city):  # noqa: F811
    call_command("load_approval_rules", stdout=io.StringIO())  # the shipped file
    city["records"].departments.add(city["bunsho"])
    return city


def test_the_shipped_rules_give_disposal_to_the_section_chief(rules):
    matter = MatterType.objects.get(code="disposal")
    assert [r.decision_level for r in DelegationRule.objects.filter(matter_type=matter)] == [
        "section_chief"
    ]


def test_a_proposal_is_decided_by_its_case_before_anything_is_destroyed(rules):
    document = rules.document(title="平成30年度 委託契約書")
    record_file = make_file(rules, title="平成30年度 委託契約書綴り", expiry=dt.date(2019, 3, 31))
    classify(document, record_file)
    officer = rules["records"]
    proposal = services.propose(user=officer, files=[record_file], method="destroy", reason="満了")
    case = proposal.case
    assert case is not None and case.state == CaseState.IN_ROUTE
    assert (case.matter_type.code, case.decision_level) == ("disposal", "section_chief")
    assert route_of(case)[-1] == ("decision", ["文書課長"])
    assert case.body.title == "行政文書ファイルの廃棄について(1件)"
    assert case.body.versions.get().blob.media_type == "application/pdf"

    # Undecided: no two-person shortcut, no destruction.
    with pytest.raises(ApiError) as shortcut:
        services.approve(proposal, user=User.objects.create_user("r2", role=Role.RECORDS_OFFICER))
    assert shortcut.value.code == "decided_by_case"
    with pytest.raises(ApiError) as early:
        services.start(proposal, user=officer)
    assert early.value.code == "wrong_state"
    with pytest.raises(ApiError):
        services.execute(proposal.pk)
    assert not Document.objects.get(pk=document.pk).is_destroyed

    approvals.approve(case, user=rules["kakaricho"])
    approvals.decide(case, user=rules["kacho"])
    proposal = services.decision_state(proposal)
    assert proposal.state == ProposalState.APPROVED
    assert proposal.decided_by == rules["kacho"]
    assert services.execute(proposal.pk).state == ProposalState.DONE
    assert Document.objects.get(pk=document.pk).is_destroyed
    tombstone = Tombstone.objects.get(record_file=record_file)
    assert tombstone.decision_reference == f"case:{case.pk}"
    assert tombstone.decided_by == rules["kacho"]


def test_a_rejected_case_ends_the_proposal(rules):
    record_file = make_file(rules, expiry=dt.date(2019, 3, 31))
    proposal = services.propose(user=rules["records"], files=[record_file], method="transfer")
    approvals.approve(proposal.case, user=rules["kakaricho"])
    approvals.reject(proposal.case, user=rules["kacho"], comment="歴史資料として保存する")
    assert services.decision_state(proposal).state == ProposalState.REJECTED
    assert list(services.queue()) == [record_file]  # back in the queue


def test_without_the_rules_two_records_officers_decide(city):  # noqa: F811
    record_file = make_file(city, expiry=dt.date(2019, 3, 31))
    proposal = services.propose(user=city["records"], files=[record_file], method="destroy")
    assert proposal.case is None and proposal.reference == f"proposal:{proposal.pk}"


def test_a_decided_transfer_carries_its_case_as_evidence(rules, tmp_path):
    document = rules.document(title="市史編さん資料")
    record_file = make_file(rules, title="市史編さん資料綴り", expiry=dt.date(2019, 3, 31))
    classify(document, record_file)
    proposal = services.propose(user=rules["records"], files=[record_file], method="transfer")
    approvals.approve(proposal.case, user=rules["kakaricho"])
    approvals.decide(proposal.case, user=rules["kacho"])
    proposal = services.execute(proposal.pk)
    assert proposal.state == ProposalState.AWAITING_RECEIPT
    reader = get_object_store().open(proposal.package_key)
    with tarfile.open(fileobj=io.BytesIO(reader.read())) as tar:
        tar.extractall(tmp_path, filter="data")
    reader.close()
    root = tmp_path / f"proposal-{proposal.pk}"
    bagit.Bag(str(root)).validate()
    evidence = root / "data" / "decisions" / f"case-{proposal.case_id}"
    events = json.loads((evidence / "events.json").read_text())
    assert [e["action"] for e in events["events"]][-1] == "decide"
    assert events["state"] == CaseState.DECIDED
    assert (evidence / "body.pdf").read_bytes().startswith(b"%PDF")
