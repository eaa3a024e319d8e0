"""Users and departments for the browser test (run in the server's environment).

Two sections under two bureaus, one member of staff in each: a person in 子育て支援課 must
see nothing of 財政課's documents.
"""

import json
import os
import sys

import django

sys.path.insert(0, os.getcwd())
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dms.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from dms.accounts.models import Department  # noqa: E402

PASSWORD = sys.argv[1]


def department(code, name, name_en, level, parent=None):
    obj, _ = Department.objects.update_or_create(
        code=code, defaults={"name": name, "name_en": name_en, "level": level, "parent": parent}
    )
    return obj


soumu = department("soumu", "総務局", "General Affairs Bureau", "bureau")
zaisei = department("zaisei", "財政課", "Finance Section", "section", soumu)
fukushi = department("fukushi", "福祉局", "Welfare Bureau", "bureau")
kosodate = department("kosodate", "子育て支援課", "Child Support Section", "section", fukushi)

users = get_user_model().objects
for username, display, dept in [
    ("tanaka", "田中 花子", zaisei),
    ("suzuki", "鈴木 一郎", kosodate),
]:
    user, _ = users.get_or_create(username=username)
    user.display_name = display
    user.role = "staff"
    user.set_password(PASSWORD)
    user.save()
    user.departments.set([dept])

print(json.dumps({"zaisei": zaisei.pk, "kosodate": kosodate.pk}))
