"""Retention (issue #13) in a real browser, against the real server and worker
(``retention_flow.mjs`` drives Chromium; see ``test_browser.py`` for what the harness needs;
it fails, never skips, without it): a records officer files two documents, adds a 開示請求
hold and sees the effective expiry move, exports the register, and the XLSX it downloaded
opens with openpyxl with the file's row; an expired file is proposed from the dashboard's
queue, decided by a second officer and destroyed; staff of another department cannot see
the file.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

from openpyxl import load_workbook

from retention.register.rows import COLUMNS
from tests.e2e.stack import ROOT, run_seed, running_stack
from tests.e2e.test_browser import CHROMIUM, FONT, FRONTEND, _require, _tail

SCREENSHOTS = ROOT / "var" / "e2e-screenshots"
FLOW = Path(__file__).with_name("retention_flow.mjs")
TITLE = "令和7年度 公用車保守点検委託"
EXPIRED = "平成31年度 旧庁舎管理"


def test_a_records_officer_files_holds_and_exports_in_a_real_browser(tmp_path):
    _require()
    password = secrets.token_urlsafe(12)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    logs = tmp_path / "logs"
    download = tmp_path / "register.xlsx"
    prepared: dict = {}

    def prepare(env):
        prepared.update(
            json.loads(
                run_seed(
                    ["tests/e2e/retention_seed.py", password, str(FONT)],
                    env,
                    logs / "retention_seed.log",
                )
            )
        )

    with running_stack(tmp_path / "var", logs, password, prepare) as (base_url, _seeded):
        config = {
            "baseUrl": base_url,
            "chromium": str(CHROMIUM),
            "screenshots": str(SCREENSHOTS),
            "profileDir": str(tmp_path / "chromium-profile"),
            "password": password,
            "officer": prepared["officer"],
            "reviewer": prepared["reviewer"],
            "section": "zaisei",
            "otherDepartment": "suzuki",
            "documents": prepared["documents"],
            "download": str(download),
        }
        result = subprocess.run(
            ["node", str(FLOW), json.dumps(config)],
            cwd=FRONTEND,
            capture_output=True,
            text=True,
            timeout=900,
        )
    steps, notes = [], []
    for line in result.stdout.splitlines():
        if line.startswith("{"):
            entry = json.loads(line)
            (steps if "step" in entry else notes).append(entry)
    lines = [f"{'PASS' if s['ok'] else 'FAIL'}  {s['step']}" for s in steps]
    lines += [f"      {s['error']}" for s in steps if not s["ok"]]
    lines += [f"NOTE  {n['note']}: {n['value']}" for n in notes]
    report = "\n".join(lines)
    print(report)
    failed = [s["step"] for s in steps if not s["ok"]]
    if result.returncode != 0 or failed or len(steps) < 11:
        server_log, worker_log = (_tail(logs / name) for name in ("server.log", "worker.log"))
        raise AssertionError(
            f"retention flow failed ({len(failed)} of {len(steps)} steps): {', '.join(failed)}\n"
            f"{report}\n--- node stderr ---\n{result.stderr[-4000:]}\n"
            f"--- worker log (tail) ---\n{worker_log}\n--- server log (tail) ---\n{server_log}"
        )

    # The register the browser downloaded: the header of ファイル管理簿 and one row per
    # registered file of 財政課 (the seeded 平成31年度 file, not yet destroyed, and ours).
    sheet = load_workbook(download, read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [column.ja for column in COLUMNS]
    data = [dict(zip([c.key for c in COLUMNS], row, strict=True)) for row in rows[1:]]
    assert [row["title"] for row in data] == [EXPIRED, TITLE], data
    expired, row = data
    file_id = int(next(n["value"] for n in notes if n["note"] == "file"))
    assert int(expired["id"]) == prepared["expired"]
    assert str(expired["expiry"]).startswith("2021-03-31")
    assert int(row["id"]) == file_id
    assert int(row["fiscal_year"]) == 2025
    assert row["period"] == "1年"
    assert row["location"] == "本庁舎書庫B"  # edited on the file page before the export
    assert str(row["expiry"]).startswith("2027-03-31")
    assert str(row["effective_expiry"]).startswith("2027-11-30")
