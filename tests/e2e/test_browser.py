"""The staff web app in a real browser (Chromium driven by playwright-core from Node),
against the real server, worker, database, object store and search index.

Needs, and fails clearly without (it never skips): the built app (``frontend/dist``, from
``npm ci && npm run build`` in ``frontend/``), Node with ``frontend/node_modules``, and
Chromium at ``/usr/bin/chromium`` (Debian package ``chromium``; ``KIROKU_E2E_CHROMIUM``
overrides the path). Screenshots of every page go to ``artifacts/screenshots/``.

The flow itself is ``browser_flow.mjs``; it runs every step, reports each one as a JSON
line, and this test fails listing the steps that failed.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.corpus import CORPUS as SHARED_CORPUS
from tests.e2e.stack import ROOT, make_scanned_pdf, running_stack

FRONTEND = ROOT / "frontend"
DIST = FRONTEND / "dist"
CHROMIUM = Path(os.environ.get("KIROKU_E2E_CHROMIUM", "/usr/bin/chromium"))
FONT = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
CORPUS = Path(os.environ.get("KIROKU_E2E_CORPUS", str(SHARED_CORPUS)))
BORN_DIGITAL = "nat06_meti_denki-yohin-kaishaku_excerpt.pdf"
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
FLOW = Path(__file__).with_name("browser_flow.mjs")


def _require() -> None:
    problems = []
    if not (DIST / "index.html").exists():
        problems.append(
            "frontend/dist is missing: build the web app first "
            "(cd frontend && npm ci && npm run build)"
        )
    if not (FRONTEND / "node_modules" / "playwright-core").exists():
        problems.append("frontend/node_modules is missing: run `npm ci` in frontend/")
    if shutil.which("node") is None:
        problems.append("node is not installed (Node 20 or later is needed)")
    if not CHROMIUM.exists():
        problems.append(
            f"Chromium is missing at {CHROMIUM}: apt-get install chromium "
            "(or set KIROKU_E2E_CHROMIUM)"
        )
    if not FONT.exists():
        problems.append(f"the IPAex font is missing at {FONT}: apt-get install fonts-ipaexfont")
    if not (CORPUS / BORN_DIGITAL).exists():
        problems.append(f"the born-digital sample {CORPUS / BORN_DIGITAL} is missing")
    if problems:
        pytest.fail("browser test cannot run:\n  " + "\n  ".join(problems), pytrace=False)


def _tail(path: Path, size: int = 3000) -> str:
    return path.read_text(errors="replace")[-size:] if path.exists() else ""


def test_staff_flow_in_a_real_browser(tmp_path):
    _require()
    scanned = tmp_path / "scan-0001.pdf"
    make_scanned_pdf(scanned, FONT)
    born_digital = tmp_path / BORN_DIGITAL
    shutil.copy(CORPUS / BORN_DIGITAL, born_digital)
    password = secrets.token_urlsafe(12)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    logs = tmp_path / "logs"
    with running_stack(tmp_path / "var", logs, password) as (base_url, seeded):
        config = {
            "baseUrl": base_url,
            "chromium": str(CHROMIUM),
            "screenshots": str(SCREENSHOTS),
            "profileDir": str(tmp_path / "chromium-profile"),
            "password": password,
            "staff": "tanaka",
            "otherDepartment": "suzuki",
            "scanned": str(scanned),
            "bornDigital": str(born_digital),
            "scannedWord": "備蓄倉庫",
            "bornDigitalWord": "速結端子",
            "departments": json.loads(seeded),
            "readyTimeoutMs": int(os.environ.get("KIROKU_E2E_READY_TIMEOUT_MS", "240000")),
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
    lines = []
    for s in steps:
        lines.append(f"{'PASS' if s['ok'] else 'FAIL'}  {s['step']}")
        if not s["ok"]:
            lines.append(f"      {s['error']}")
    lines += [f"NOTE  {n['note']}: {n['value']}" for n in notes]
    report = "\n".join(lines)
    print(report)
    failed = [s["step"] for s in steps if not s["ok"]]
    if result.returncode != 0 or failed or not steps:
        server_log, worker_log = (_tail(logs / name) for name in ("server.log", "worker.log"))
        pytest.fail(
            f"browser flow failed ({len(failed)} of {len(steps)} steps): {', '.join(failed)}\n"
            f"{report}\n--- node stderr ---\n{result.stderr[-4000:]}\n"
            f"--- worker log (tail) ---\n{worker_log}\n--- server log (tail) ---\n{server_log}",
            pytrace=False,
        )
