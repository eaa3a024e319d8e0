import datetime as dt
from pathlib import Path

import pytest

from retention import schedule
from retention.models import DocumentRetention, RecordFile, RetentionClass
from tests.documents.conftest import (  # noqa: F401 (fixtures shared with tests/documents)
    brief_retention,
    clients,
    org,
    store,
)

DEFAULT_SCHEDULE = Path(schedule.__file__).parent / "schedules" / "default.yaml"


def make_file(
    organisation, *, code="5y", title="契約書綴り", expiry=dt.date(2020, 3, 31), **fields
):
    """A file with its computed dates set as retention's rules would have set them."""
    if not RetentionClass.objects.exists():
        # A transactional test's teardown empties every table, the migration's shipped
        # schedule too (tests run after one, and --reuse-db databases, need it again).
        schedule.load(DEFAULT_SCHEDULE)
    klass = RetentionClass.objects.get(code=code)
    fields.setdefault("fiscal_year", expiry.year - (klass.duration or 0) - 1)
    start = dt.date(fields["fiscal_year"] + 1, 4, 1)
    return RecordFile.objects.create(
        retention_class=klass,
        title=title,
        medium=fields.pop("medium", "electronic"),
        custodian=fields.pop("custodian", organisation["bunsho"]),
        start_date=start,
        base_expiry=expiry,
        effective_expiry=fields.pop("effective_expiry", expiry),
        **fields,
    )


def classify(document, record_file):
    return DocumentRetention.objects.create(
        document=document,
        record_file=record_file,
        retention_class=record_file.retention_class,
        start_date=record_file.start_date,
        base_expiry=record_file.base_expiry,
        effective_expiry=record_file.effective_expiry,
    )


@pytest.fixture
def officers(org):  # noqa: F811
    from dms.accounts.models import Role, User

    return {
        "records": org["records"],
        "records2": User.objects.create_user("records2", role=Role.RECORDS_OFFICER),
    }
