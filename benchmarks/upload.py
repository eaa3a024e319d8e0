"""Upload benchmark: Kiroku's HTTP upload path against a plain S3 put of the same bytes.

Run with the services' settings loaded (see ``benchmarks/README.md``)::

    set -a; eval "$(scripts/services.sh env)"; set +a
    .venv/bin/python -m benchmarks.upload

In one run it

1. creates a scratch database on the PostgreSQL server of ``DATABASE_URL`` and a scratch
   bucket (Object Lock, hence versioning, as Kiroku's own) on the S3 server of
   ``KIROKU_S3_ENDPOINT``, migrates, creates a bench user in a department and starts
   Kiroku's real web server: ``gunicorn dms.wsgi`` with one sync worker and one thread;
2. memory: uploads one 500 MiB file through ``POST /api/documents/`` while sampling the
   gunicorn worker's RSS (``/proc/<pid>/status`` every 50 ms, and the kernel's ``VmHWM``
   after resetting it), after a 1 MiB warm-up upload on the fresh worker;
3. throughput: uploads 1 MiB and 50 MiB files (N files per round, several rounds, warm-up
   first) with the plain ``minio`` SDK ``put_object`` to the same bucket (the baseline),
   with ``put_object`` as Kiroku's store calls it (diagnostic), through a bare WSGI
   pass-through to S3 (diagnostic floor: ``benchmarks/upload_floor_app.py``), and over
   HTTP through the API, the four taking turns file by file; prints the median rate per
   size and the ratio Kiroku / baseline. The API upload sends the file as the request
   body, as the web app does; ``--body multipart`` measures the multipart form instead.

Every upload gets a fresh 32-byte nonce in its first line, on both sides, so that Kiroku's
content addressing never takes its "same bytes again" path. It exits 0 whatever the
figures (it reports PASS/FAIL, it does not gate); 1 only when the benchmark itself broke.
Everything it creates (server, database, bucket, temp files) is removed at the end.
"""

from __future__ import annotations

import argparse
import http.client
import inspect
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import urllib3
from minio import Minio
from minio.error import S3Error

from dms.storage.s3 import S3ObjectStore
from tests.storage.helpers import empty_bucket, grant_governance_bypass

ROOT = Path(__file__).resolve().parent.parent
MiB = 1024 * 1024

SIZES = ((1 * MiB, 20), (50 * MiB, 5))  # (file size, files per round and way)
ROUNDS = 5
WARMUP = 2  # uploads of each size, each way, before measuring
MEMORY_SIZE = 500 * MiB
RSS_INTERVAL = 0.05
# Targets against the bare WSGI pass-through of the same run (the S3 server shares the
# two cores, so a plain put is out of any web front's reach): issue #10 restated them.
TARGET_RATIO_TO_FLOOR = 0.85  # Kiroku / bare WSGI throughput, 50 MiB files
TARGET_ADDED_MS = 15.0  # Kiroku's p50 per upload minus bare WSGI's, 1 MiB files
TARGET_GROWTH = 50 * MiB
SEND_CHUNK = 1 * MiB  # the HTTP client streams the file from disk in chunks of this size
# S3ObjectStore's defaults (dms/storage/s3.py), read from it so the diagnostic follows.
_STORE_DEFAULTS = inspect.signature(S3ObjectStore.__init__).parameters
KIROKU_PART_SIZE = _STORE_DEFAULTS["part_size"].default
KIROKU_PARALLEL_PARTS = _STORE_DEFAULTS["parallel_parts"].default

BENCH_DB = "kiroku_bench_upload"
BENCH_BUCKET = "kiroku-bench-upload"
BENCH_USER = "bench-upload"
BENCH_DEPARTMENT = "bench-upload"

# First line of every file: a PDF header, then a nonce that each upload replaces.
HEADER_PREFIX = b"%PDF-1.7\n%kiroku-bench "
NONCE_LEN = 32
HEADER_LEN = len(HEADER_PREFIX) + NONCE_LEN + 1


class BenchError(Exception):
    """The benchmark itself could not run (as opposed to a figure missing its target)."""


def log(message: str) -> None:
    print(f"[bench] {message}", flush=True)


# --- the files ----------------------------------------------------------------------------


def make_file(path: Path, size: int, *, sparse: bool = False) -> Path:
    """A file starting with the PDF header; random bytes after it (or a sparse tail)."""
    with path.open("wb") as out:
        out.write(HEADER_PREFIX + b"0" * NONCE_LEN + b"\n")
        left = size - HEADER_LEN
        if sparse:
            out.write(os.urandom(min(left, MiB)))
            out.truncate(size)
        else:
            while left > 0:
                out.write(os.urandom(min(left, MiB)))
                left -= MiB
    return path


class NoncedFile:
    """Reads ``path`` with a fresh nonce in its header: every upload has distinct bytes."""

    def __init__(self, path: Path):
        self.size = path.stat().st_size
        self._file = path.open("rb")
        self._file.seek(HEADER_LEN)
        self._head = HEADER_PREFIX + uuid.uuid4().hex.encode() + b"\n"

    def read(self, n: int = -1) -> bytes:
        if self._head:
            head, self._head = self._head, b""
            return head + self._file.read(-1 if n < 0 else max(n - len(head), 0))
        return self._file.read(n)

    def close(self) -> None:
        self._file.close()

    def __enter__(self) -> NoncedFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --- scratch database and bucket -----------------------------------------------------------


def with_db_name(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


class ScratchDatabase:
    """A database of its own on the same server, dropped at the end."""

    def __init__(self, url: str):
        self.admin_url = url
        self.url = url
        self.created = False

    def _run(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True, connect_timeout=10) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if urlsplit(self.admin_url).scheme not in ("postgres", "postgresql"):
            raise BenchError(f"DATABASE_URL must name a PostgreSQL server, not {self.admin_url}")
        try:
            self._run(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            self._run(f'CREATE DATABASE "{BENCH_DB}"')
        except Exception as exc:
            import psycopg

            if isinstance(exc, psycopg.errors.InsufficientPrivilege):
                log(f"no CREATEDB privilege: using DATABASE_URL itself ({exc})")
                return
            raise BenchError(f"PostgreSQL at DATABASE_URL: {exc}") from exc
        self.url = with_db_name(self.admin_url, BENCH_DB)
        self.created = True

    def drop(self) -> None:
        if self.created:
            try:
                self._run(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
            except Exception as exc:
                log(f"warning: could not drop database {BENCH_DB}: {exc}")


def s3_client(env: dict[str, str]) -> Minio:
    endpoint = env["KIROKU_S3_ENDPOINT"]
    if "://" not in endpoint:
        endpoint = "https://" + endpoint
    parts = urlsplit(endpoint)
    return Minio(
        parts.netloc,
        # The server's root account when there is one (scripts/services.sh env): it makes,
        # opens to Kiroku's least-privilege account, and empties the bench bucket.
        access_key=env.get("KIROKU_S3_ROOT_ACCESS_KEY") or env.get("KIROKU_S3_ACCESS_KEY") or None,
        secret_key=env.get("KIROKU_S3_ROOT_SECRET_KEY") or env.get("KIROKU_S3_SECRET_KEY") or None,
        secure=parts.scheme == "https",
        region=env.get("KIROKU_S3_REGION") or "us-east-1",
    )


def create_bucket(client: Minio, bucket: str) -> None:
    """The bench bucket, made as Kiroku makes its own: with Object Lock (and versioning)."""
    if client.bucket_exists(bucket):
        empty_bucket(client, bucket)
    client.make_bucket(bucket, object_lock=True)
    grant_governance_bypass(client, bucket)  # Kiroku's account by policy, as on `kiroku`


def remove_bucket(client: Minio, bucket: str) -> None:
    try:
        if client.bucket_exists(bucket):
            empty_bucket(client, bucket)  # every version (bypassing GOVERNANCE), the bucket
    except Exception as exc:
        log(f"warning: could not remove bucket {bucket}: {exc}")


# --- the server ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
        return found


def proc_status(pid: int, name: str) -> int:
    """A ``/proc/<pid>/status`` memory field (``VmRSS``, ``VmHWM``) in bytes."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(name + ":"):
            return int(line.split()[1]) * 1024
    raise BenchError(f"no {name} in /proc/{pid}/status")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def reset_peak_rss(pid: int) -> bool:
    """Reset the kernel's VmHWM for ``pid`` (Linux >= 4.0, same user); False if refused."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


@dataclass
class Server:
    env: dict[str, str]
    workdir: Path
    wsgi: str = "dms.wsgi"
    port: int = 0
    process: subprocess.Popen | None = None
    worker: int = 0
    log_path: Path = field(init=False)

    def __post_init__(self) -> None:
        self.log_path = self.workdir / f"gunicorn-{self.wsgi}.log"

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if result.returncode != 0:
            raise BenchError(f"manage.py {args[0]} failed:\n{result.stdout}{result.stderr}")
        return result.stdout

    def command(self) -> list[str]:
        return [
            sys.executable,
            "-m",
            "gunicorn",
            self.wsgi,
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            "1",
            "--threads",
            "1",
            "--timeout",
            "600",
        ]

    def start(self) -> None:
        self.port = free_port()
        with self.log_path.open("ab") as out:
            self.process = subprocess.Popen(
                self.command(), cwd=ROOT, env=self.env, stdout=out, stderr=out
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(f"gunicorn exited ({self.process.returncode}):\n{self.log_tail()}")
            workers = children(self.process.pid)
            if len(workers) == 1 and self._answers():
                self.worker = workers[0]
                return
            time.sleep(0.1)
        raise BenchError(f"gunicorn did not come up within 60 s:\n{self.log_tail()}")

    def _answers(self) -> bool:
        try:
            status, _ = self.request("GET", "/api/auth/token/")
        except OSError:
            return False
        return status > 0

    def request(self, method: str, path: str, body: dict | None = None, token: str = ""):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            headers = {"Content-Type": "application/json"}
            if token:
                headers["Authorization"] = f"Token {token}"
            payload = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=payload, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"


SETUP_USER = """
import os
from dms.accounts.models import Department, User
dept, _ = Department.objects.get_or_create(
    code=os.environ["BENCH_DEPARTMENT"],
    defaults={"name": "ベンチマーク課", "level": "section"},
)
user = User.objects.filter(username=os.environ["BENCH_USER"]).first()
if user is None:
    user = User.objects.create_user(os.environ["BENCH_USER"], password=os.environ["BENCH_PW"])
else:
    user.set_password(os.environ["BENCH_PW"])
    user.save()
user.departments.set([dept])
"""


# --- the clients --------------------------------------------------------------------------


def send_file(
    server: Server,
    method: str,
    url: str,
    path: Path,
    headers: dict[str, str],
    head: bytes = b"",
    tail: bytes = b"",
) -> None:
    """Stream ``head``, the (nonced) file and ``tail`` as one request body of known length;
    anything but 201 breaks the benchmark."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    try:
        with NoncedFile(path) as data:
            conn.putrequest(method, url, skip_accept_encoding=True)
            for name, value in headers.items():
                conn.putheader(name, value)
            conn.putheader("Content-Length", str(len(head) + data.size + len(tail)))
            conn.endheaders()
            conn.send(head)
            while chunk := data.read(SEND_CHUNK):
                conn.send(chunk)
            conn.send(tail)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 201:
        raise BenchError(
            f"{method} {url} of {path.name} answered {response.status}: {body[:500]!r}\n"
            f"{server.log_tail()}"
        )


class KirokuClient:
    """``POST /api/documents/`` multipart, the body streamed from disk with a known length."""

    def __init__(self, server: Server, token: str):
        self.server = server
        self.token = token
        self.uploaded = 0

    def upload(self, path: Path) -> None:
        boundary = f"----kiroku-bench-{uuid.uuid4().hex}"
        self.uploaded += 1
        name = f"bench-{self.uploaded}.pdf"
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        headers = {
            "Authorization": f"Token {self.token}",
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        }
        tail = f"\r\n--{boundary}--\r\n".encode()
        send_file(self.server, "POST", "/api/documents/", path, headers, head, tail)


class KirokuRawClient(KirokuClient):
    """``POST /api/documents/`` with the file as the whole body (``RawFileParser``)."""

    def upload(self, path: Path) -> None:
        self.uploaded += 1
        headers = {
            "Authorization": f"Token {self.token}",
            "Content-Type": "application/pdf",
            "Content-Disposition": f'attachment; filename="bench-{self.uploaded}.pdf"',
        }
        send_file(self.server, "POST", "/api/documents/", path, headers)


class FloorClient:
    """A raw ``PUT`` of the file to the bare pass-through app (``upload_floor_app``)."""

    def __init__(self, server: Server):
        self.server = server

    def upload(self, path: Path) -> None:
        send_file(self.server, "PUT", "/", path, {"Content-Type": "application/pdf"})


class S3Put:
    """The baseline: ``minio`` ``put_object`` of the same bytes to the same bucket."""

    def __init__(self, client: Minio, bucket: str, *, as_kiroku: bool):
        self.client = client
        self.bucket = bucket
        self.as_kiroku = as_kiroku

    def upload(self, path: Path) -> None:
        key = f"baseline/{uuid.uuid4().hex}"
        with NoncedFile(path) as data:
            if self.as_kiroku:
                # as S3ObjectStore.put calls it for an upload: length unknown, its part
                # size and parts in flight
                self.client.put_object(
                    self.bucket,
                    key,
                    data,
                    -1,
                    content_type="application/pdf",
                    part_size=KIROKU_PART_SIZE,
                    num_parallel_uploads=KIROKU_PARALLEL_PARTS,
                )
            else:  # the SDK's defaults, length known
                self.client.put_object(
                    self.bucket, key, data, data.size, content_type="application/pdf"
                )


# --- measurements -------------------------------------------------------------------------


class RssSampler(threading.Thread):
    def __init__(self, pid: int, interval: float):
        super().__init__(daemon=True, name="rss-sampler")
        self.pid = pid
        self.interval = interval
        self.peak = 0
        self.samples = 0
        self.error: Exception | None = None
        self._halt = threading.Event()

    def run(self) -> None:
        try:
            while not self._halt.is_set():
                self.peak = max(self.peak, proc_status(self.pid, "VmRSS"))
                self.samples += 1
                self._halt.wait(self.interval)
        except Exception as exc:  # the worker died: reported by the caller
            self.error = exc

    def stop(self) -> None:
        self._halt.set()
        self.join()


def timed_upload(uploader, path: Path) -> float:
    start = time.perf_counter()
    uploader.upload(path)
    return time.perf_counter() - start


def fmt_size(size: int) -> str:
    return f"{size // MiB} MiB" if size >= MiB else f"{size} B"


def run_memory(server: Server, client: KirokuClient, small: Path, big: Path) -> bool:
    log(f"memory: warm-up upload of {fmt_size(small.stat().st_size)} on the fresh worker")
    client.upload(small)
    time.sleep(0.5)
    pid = server.worker
    before = proc_status(pid, "VmRSS")
    hwm_reset = reset_peak_rss(pid)
    cpu_before = cpu_seconds(pid)
    sampler = RssSampler(pid, RSS_INTERVAL)
    sampler.start()
    log(f"memory: uploading {fmt_size(big.stat().st_size)} (worker pid {pid})")
    start = time.perf_counter()
    try:
        client.upload(big)
    finally:
        sampler.stop()
    elapsed = time.perf_counter() - start
    if sampler.error is not None:
        raise BenchError(f"sampling the worker's RSS failed: {sampler.error}")
    after = proc_status(pid, "VmRSS")
    hwm = proc_status(pid, "VmHWM") if hwm_reset else 0
    peak = max(sampler.peak, hwm)
    growth = peak - before
    ok = growth <= TARGET_GROWTH
    size = big.stat().st_size
    print()
    print(f"Memory: one {fmt_size(size)} upload, gunicorn worker pid {pid}")
    print(f"  upload time              {elapsed:8.1f} s   ({size / MiB / elapsed:.0f} MiB/s)")
    print(f"  worker CPU               {cpu_seconds(pid) - cpu_before:8.1f} s")
    print(f"  RSS before               {before / MiB:8.1f} MiB")
    print(
        f"  RSS peak (sampled)       {sampler.peak / MiB:8.1f} MiB   "
        f"({sampler.samples} samples every {RSS_INTERVAL * 1000:.0f} ms)"
    )
    if hwm_reset:
        print(f"  RSS peak (kernel VmHWM)  {hwm / MiB:8.1f} MiB   (reset before the upload)")
    else:
        print("  RSS peak (kernel VmHWM)  n/a (clear_refs refused)")
    print(f"  RSS after                {after / MiB:8.1f} MiB")
    print(
        f"  growth                   {growth / MiB:8.1f} MiB   "
        f"(target <= {TARGET_GROWTH // MiB} MiB)   {'PASS' if ok else 'FAIL'}"
    )
    return ok


def run_throughput(
    server: Server,
    files: dict[int, Path],
    uploaders: dict[str, object],
    rounds: int,
    sizes: tuple[tuple[int, int], ...] = SIZES,
) -> bool:
    names = list(uploaders)
    results: dict[int, dict[str, list[float]]] = {}
    each_upload: dict[int, dict[str, list[float]]] = {}
    worker_cpu: dict[int, float] = {}
    for size, count in sizes:
        path = files[size]
        log(f"throughput {fmt_size(size)}: warm-up, then {rounds} rounds of {count} files each way")
        for uploader in uploaders.values():
            for _ in range(WARMUP):
                uploader.upload(path)
        rates: dict[str, list[float]] = {name: [] for name in names}
        seconds: dict[str, list[float]] = {name: [] for name in names}
        cpu = 0.0
        for r in range(rounds):
            # the ways take turns file by file (in a rotating order), so that a change of
            # load on the machine hits them alike; a round's rate per way is its N files'
            # bytes over their total time
            spent = dict.fromkeys(names, 0.0)
            for i in range(count):
                turn = (r + i) % len(names)
                for name in names[turn:] + names[:turn]:
                    cpu_before = cpu_seconds(server.worker)
                    took = timed_upload(uploaders[name], path)
                    spent[name] += took
                    seconds[name].append(took)
                    if name == "kiroku":
                        cpu += cpu_seconds(server.worker) - cpu_before
            for name in names:
                rates[name].append(size * count / MiB / spent[name])
        results[size] = rates
        each_upload[size] = seconds
        worker_cpu[size] = cpu / (size * count * rounds / MiB / 1024)
    all_ok = True
    print()
    print(
        f"Throughput (median of {rounds} rounds; a round = N files each way, the ways taking "
        "turns file by file; MiB/s = bytes / time)"
    )
    header = (
        f"{'size':>8} {'N':>3} {'S3 put (SDK)':>13} {'bare WSGI':>9} {'Kiroku API':>11} "
        f"{'Kiroku/WSGI':>11} {'p50 +ms':>8} {'target':>12} {'result':>6}   "
        f"{'Kiroku/S3':>9} {'S3 put as store':>15} {'wkr CPU':>9}"
    )
    print(header)
    print("-" * len(header))
    for size, count in sizes:
        rates = results[size]
        base = statistics.median(rates["baseline"])
        kiroku = statistics.median(rates["kiroku"])
        as_store = statistics.median(rates["as_store"])
        floor = statistics.median(rates["floor"])
        added_ms = 1000 * (
            statistics.median(each_upload[size]["kiroku"])
            - statistics.median(each_upload[size]["floor"])
        )
        if size >= 50 * MiB:
            ok, target = kiroku / floor >= TARGET_RATIO_TO_FLOOR, f">= {TARGET_RATIO_TO_FLOOR}x"
        else:
            ok, target = added_ms <= TARGET_ADDED_MS, f"<= +{TARGET_ADDED_MS:.0f} ms"
        all_ok &= ok
        print(
            f"{fmt_size(size):>8} {count:>3} {base:>13.1f} {floor:>9.1f} {kiroku:>11.1f} "
            f"{kiroku / floor:>11.2f} {added_ms:>+8.1f} {target:>12} "
            f"{'PASS' if ok else 'FAIL':>6}   "
            f"{kiroku / base:>9.2f} {as_store:>15.1f} {worker_cpu[size]:>6.1f} s/GiB"
        )
    print(
        "  target: 50 MiB files by throughput against the bare WSGI pass-through; 1 MiB files by\n"
        "  the time Kiroku adds to each upload (p50 of every upload, Kiroku minus bare WSGI)"
    )
    print(
        "  S3 put (SDK): minio put_object, length known, SDK defaults "
        "(5 MiB parts, 3 parts in parallel)\n"
        "  bare WSGI: the least an upload endpoint can do (benchmarks/upload_floor_app.py: "
        "gunicorn, no Django,\n    no multipart, no hashing, no database; the raw body "
        "put with its length known) - diagnostic:\n    its ratio is the ceiling for any "
        "Python web front on this machine\n"
        "  S3 put as store: put_object as S3ObjectStore.put calls it "
        f"(length unknown, {KIROKU_PART_SIZE // MiB} MiB parts, {KIROKU_PARALLEL_PARTS} "
        "parts in flight) - diagnostic\n"
        "  wkr CPU: gunicorn worker CPU seconds per GiB uploaded through the API"
    )
    for size, _ in sizes:
        each = ", ".join(
            f"{name} " + "/".join(f"{v:.0f}" for v in results[size][name]) for name in names
        )
        print(f"  rounds {fmt_size(size)} (MiB/s): {each}")
    for size, _ in sizes:
        ms = {name: size / MiB / statistics.median(results[size][name]) * 1000 for name in names}
        print(
            f"  per upload {fmt_size(size)}: S3 put {ms['baseline']:.1f} ms, "
            f"bare WSGI {ms['floor']:.1f} ms (+{ms['floor'] - ms['baseline']:.1f} ms), "
            f"Kiroku {ms['kiroku']:.1f} ms (+{ms['kiroku'] - ms['baseline']:.1f} ms)"
        )
    return all_ok


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.upload", description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds per size")
    parser.add_argument(
        "--sizes",
        default=",".join(str(size // MiB) for size, _ in SIZES),
        help="file sizes in MiB to measure, of %(default)s (to rerun one)",
    )
    parser.add_argument(
        "--memory-mib",
        type=int,
        default=MEMORY_SIZE // MiB,
        help="size of the memory upload (0: skip the memory part)",
    )
    parser.add_argument(
        "--body",
        choices=("raw", "multipart"),
        default="raw",
        help="how the API upload is sent: the file as the body, as the web app sends it "
        "(default), or a multipart form (scripts, curl -F)",
    )
    parser.add_argument(
        "--wsgi",
        default="dms.wsgi",
        help="WSGI module for gunicorn (to try a change; default dms.wsgi)",
    )
    args = parser.parse_args(argv)
    wanted = {int(mib) * MiB for mib in args.sizes.split(",")}
    sizes = tuple((size, count) for size, count in SIZES if size in wanted)
    if not sizes:
        parser.error(f"--sizes: choose from {','.join(str(s // MiB) for s, _ in SIZES)}")

    missing = [n for n in ("DATABASE_URL", "KIROKU_S3_ENDPOINT") if not os.environ.get(n)]
    if missing:
        print(
            f"missing {', '.join(missing)}: load the services' settings first:\n"
            '  set -a; eval "$(scripts/services.sh env)"; set +a',
            file=sys.stderr,
        )
        return 1

    started = time.perf_counter()
    workdir = Path(tempfile.mkdtemp(prefix="kiroku-bench-upload-"))
    database = ScratchDatabase(os.environ["DATABASE_URL"])
    s3 = s3_client(dict(os.environ))
    memory_size = args.memory_mib * MiB
    env = dict(os.environ)
    server = Server(env=env, workdir=workdir, wsgi=args.wsgi)
    floor_server = Server(env=env, workdir=workdir, wsgi="benchmarks.upload_floor_app")
    bucket_made = False
    try:
        log(f"scratch database {BENCH_DB} and bucket {BENCH_BUCKET} (Object Lock)")
        database.create()
        create_bucket(s3, BENCH_BUCKET)
        bucket_made = True
        password = secrets.token_urlsafe(24)
        env.update(
            DATABASE_URL=database.url,
            KIROKU_S3_BUCKET=BENCH_BUCKET,
            KIROKU_UPLOAD_MAX_BYTES=str(max(2 * memory_size, 200 * MiB)),
            KIROKU_SECRET_KEY=secrets.token_urlsafe(50),
            KIROKU_AUDIT_KEY=secrets.token_urlsafe(32),
            KIROKU_DEBUG="0",
            KIROKU_LOG_LEVEL="WARNING",
            BENCH_USER=BENCH_USER,
            BENCH_DEPARTMENT=BENCH_DEPARTMENT,
            BENCH_PW=password,
        )
        log("migrate, bench user and department")
        server.manage("migrate", "--noinput", "-v0")
        server.manage("shell", "-c", SETUP_USER)

        log("generating files")
        files = {size: make_file(workdir / f"f{size // MiB}.pdf", size) for size, _ in sizes}
        big = make_file(workdir / "big.pdf", memory_size, sparse=True) if memory_size else None

        server.start()
        log(f"server: {' '.join(server.command()[2:])} (pid {server.process.pid})")
        floor_server.start()
        log(f"bare pass-through: {' '.join(floor_server.command()[2:])}")
        status, body = server.request(
            "POST", "/api/auth/token/", {"username": BENCH_USER, "password": password}
        )
        if status != 200:
            raise BenchError(f"token: {status} {body[:300]!r}")
        client_class = KirokuRawClient if args.body == "raw" else KirokuClient
        client = client_class(server, json.loads(body)["token"])
        log(f"Kiroku uploads: {args.body} body")

        memory_ok = None
        if big is not None:
            memory_ok = run_memory(server, client, files[sizes[0][0]], big)
            big.unlink()
        uploaders = {
            "baseline": S3Put(s3, BENCH_BUCKET, as_kiroku=False),
            "as_store": S3Put(s3, BENCH_BUCKET, as_kiroku=True),
            "floor": FloorClient(floor_server),
            "kiroku": client,
        }
        throughput_ok = run_throughput(server, files, uploaders, args.rounds, sizes)
        print()
        print(f"THROUGHPUT {'PASS' if throughput_ok else 'FAIL'}")
        if memory_ok is not None:
            print(f"MEMORY     {'PASS' if memory_ok else 'FAIL'}")
        print(
            f"(server: gunicorn 1 sync worker x 1 thread; S3 {os.environ['KIROKU_S3_ENDPOINT']}; "
            f"{os.cpu_count()} CPUs; run time {time.perf_counter() - started:.0f} s)"
        )
        return 0
    except BenchError as exc:
        print(f"benchmark broke: {exc}", file=sys.stderr)
        return 1
    except (S3Error, OSError, urllib3.exceptions.HTTPError) as exc:
        print(f"benchmark broke: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    finally:
        server.stop()
        floor_server.stop()
        if bucket_made:
            remove_bucket(s3, BENCH_BUCKET)
        database.drop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
