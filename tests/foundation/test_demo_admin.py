"""The quick start's demo administrator: created once, login printed, can upload at once."""

import io

import pytest
from django.core.management import call_command

from dms.accounts.models import User


@pytest.mark.django_db
def test_demo_admin_is_created_once_with_a_department(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = io.StringIO(), io.StringIO()
    call_command("demo_admin", stdout=first)
    call_command("demo_admin", stdout=second)
    username, password = (tmp_path / "demo-login.txt").read_text().split()
    assert first.getvalue() == second.getvalue()  # the same login, not a new password
    assert f"{username} / {password}" in first.getvalue()
    admin = User.objects.get(username=username)
    assert admin.is_superuser and admin.check_password(password)
    assert [d.code for d in admin.departments.all()] == ["bunsho"]
