"""Electronic approval (issue #12) in a real browser: one whole case through the web app,
against the real server and worker (``approvals_flow.mjs`` drives Chromium; see
``test_browser.py`` for what the harness needs; it fails, never skips, without it).

When the code has the signing part (``manage.py setup_signing``), it is set up and the
decision PDF's stamps and an all-green verification panel are required; without that code
the flow still runs up to the 後閲 and the other department's 404.
"""

from __future__ import annotations

import json
import secrets
import subprocess
from pathlib import Path

from tests.e2e.stack import ROOT, run_seed, running_stack, signing_available
from tests.e2e.test_browser import CHROMIUM, FONT, FRONTEND, _require, _tail

SCREENSHOTS = ROOT / "var" / "e2e-screenshots"
FLOW = Path(__file__).with_name("approvals_flow.mjs")


def test_a_whole_approval_case_in_a_real_browser(tmp_path):
    _require()
    password = secrets.token_urlsafe(12)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    logs = tmp_path / "logs"
    prepared: dict = {}

    def prepare(env):
        prepared["documents"] = json.loads(
            run_seed(
                ["tests/e2e/approvals_seed.py", password, str(FONT)],
                env,
                logs / "approvals_seed.log",
            )
        )
        prepared["signing"] = signing_available(env, logs)

    with running_stack(tmp_path / "var", logs, password, prepare) as (base_url, _seeded):
        config = {
            "baseUrl": base_url,
            "chromium": str(CHROMIUM),
            "screenshots": str(SCREENSHOTS),
            "profileDir": str(tmp_path / "chromium-profile"),
            "password": password,
            "drafter": "sasaki",
            "otherDepartment": "suzuki",
            "documents": prepared["documents"],
            "signing": prepared["signing"],
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
            f"approvals flow failed ({len(failed)} of {len(steps)} steps): {', '.join(failed)}\n"
            f"{report}\n--- node stderr ---\n{result.stderr[-4000:]}\n"
            f"--- worker log (tail) ---\n{worker_log}\n--- server log (tail) ---\n{server_log}"
        )
