"""The real application for the browser test: gunicorn + a worker on a temporary var dir.

Embedded defaults only (SQLite, local object store, embedded search index): variables that
point at external services are removed from the environment of the processes started here.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTERNAL = (
    "DATABASE_URL",
    "KIROKU_SEARCH_URL",
    "KIROKU_ELASTICSEARCH_URL",
    "KIROKU_OPENSEARCH_URL",
    "KIROKU_S3_ENDPOINT",
    "KIROKU_OBJECTS_DIR",
    "KIROKU_INDEX_DIR",
    "KIROKU_SCANNER_DIR",
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def environment(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in EXTERNAL}
    env.update(
        KIROKU_VAR_DIR=str(var_dir),
        KIROKU_SECRET_KEY=secrets.token_urlsafe(40),
        KIROKU_AUDIT_KEY=secrets.token_urlsafe(32),
        KIROKU_JOB_BACKOFF_SECONDS="1",
        KIROKU_DEBUG="0",
        PYTHONUNBUFFERED="1",
    )
    return env


def _run(args: list[str], env: dict, log: Path) -> str:
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    log.write_text(result.stdout + result.stderr)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def _wait_http(url: str, process: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not answer at {url} within {timeout} s:\n{log.read_text()}")


def signing_available(env: dict[str, str], logs: Path) -> bool:
    """True when the code has ``manage.py setup_signing`` (the signing branch): then the
    signing service's settings must be there too, and it is run (idempotent)."""
    probe = subprocess.run(
        [sys.executable, "manage.py", "help", "setup_signing"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    if probe.returncode != 0:
        return False
    _run(["manage.py", "setup_signing"], env, logs / "setup_signing.log")
    return True


def run_seed(args: list[str], env: dict[str, str], log: Path) -> str:
    """Run a seed script in the stack's environment; its last output line (JSON)."""
    return _run(args, env, log).strip().splitlines()[-1]


@contextlib.contextmanager
def running_stack(var_dir: Path, logs: Path, password: str, prepare=None):
    """Yield (base_url, seed info) with gunicorn and one worker running; stop both after.

    ``prepare(env)``, if given, runs after the seed and before the server starts (more
    seed data, signing setup)."""
    var_dir.mkdir(parents=True, exist_ok=True)
    logs.mkdir(parents=True, exist_ok=True)
    env = environment(var_dir)
    _run(["manage.py", "migrate", "--noinput", "-v0"], env, logs / "migrate.log")
    seeded = run_seed(["tests/e2e/seed.py", password], env, logs / "seed.log")
    if prepare is not None:
        prepare(env)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    processes: list[subprocess.Popen] = []
    files = []
    try:
        server_log = open(logs / "server.log", "w")  # noqa: SIM115
        worker_log = open(logs / "worker.log", "w")  # noqa: SIM115
        files += [server_log, worker_log]
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(
            [str(gunicorn), "dms.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "2",
             "--threads", "4", "--timeout", "300", "--access-logfile", "-",
             "--no-control-socket"],
            cwd=ROOT, env=env, stdout=server_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        processes.append(server)
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "run_worker", "--worker-id", "e2e", "--poll-interval",
             "0.3"],
            cwd=ROOT, env=env, stdout=worker_log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        processes.append(worker)
        _wait_http(f"{base}/api/health/", server, logs / "server.log")
        yield base, seeded
    finally:
        for process in processes:
            if process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
        for f in files:
            f.close()


SCANNED_LINES = [
    "令和6年度 防災備蓄倉庫 整備工事 契約書",
    "",
    "契約金額  金1,234,000円",
    "契約相手方  株式会社みらい建設",
    "",
    "本契約は、市立第三小学校に設置する",
    "防災備蓄倉庫の整備について定める。",
    "工期は令和6年4月1日から令和6年9月30日までとする。",
]


def make_scanned_pdf(path: Path, font: Path, lines: list[str] = SCANNED_LINES) -> None:
    """A one-page "scan": Japanese text drawn into a 300 dpi greyscale image, saved as a
    PDF with no text layer (only OCR can read it), with a slight tilt and speckle."""
    from PIL import Image, ImageDraw, ImageFilter, ImageFont

    width, height = 2480, 3508  # A4 at 300 dpi
    page = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(str(font), 72)
    body = ImageFont.truetype(str(font), 56)
    y = 320
    for i, line in enumerate(lines):
        draw.text((240, y), line, font=title if i == 0 else body, fill=25)
        y += 130 if i == 0 else 100
    page = page.rotate(0.4, resample=Image.BICUBIC, fillcolor=255)
    page = page.filter(ImageFilter.GaussianBlur(0.6))
    rng = secrets.SystemRandom()
    pixels = page.load()
    for _ in range(4000):
        pixels[rng.randrange(width), rng.randrange(height)] = rng.randrange(120, 220)
    page.save(path, "PDF", resolution=300.0)
