import pytest

from retention.models import DurationUnit, RetentionClass

pytestmark = pytest.mark.django_db


def test_default_schedule_is_loaded_by_the_migration():
    codes = dict(RetentionClass.objects.values_list("code", "name"))
    assert codes == {
        "30y": "30年",
        "20y": "20年",
        "10y": "10年",
        "5y": "5年",
        "3y": "3年",
        "1y": "1年",
        "under-1y": "1年未満",
        "in-use": "常用",
        "permanent": "永年",
    }
    under = RetentionClass.objects.get(code="under-1y")
    assert (under.unit, under.registered) == (DurationUnit.MONTHS, False)
    assert RetentionClass.objects.get(code="permanent").active is False
