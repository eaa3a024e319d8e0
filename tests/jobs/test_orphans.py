"""A worker killed with ``kill -9`` leaves no Tesseract child eating a core."""

import os
import signal
import time
from pathlib import Path

import pytest
from PIL import Image

from dms.jobs.models import Job, JobStatus
from tests import services
from tests.jobs import tasks
from tests.jobs.test_queue import _start_worker, _wait_for

PROC = Path("/proc")


def _stat(pid: int) -> tuple[str, str, int] | None:
    """(command name, state, parent pid) of a process, None once it is gone."""
    try:
        raw = (PROC / str(pid) / "stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    name = raw[raw.index("(") + 1 : raw.rindex(")")]
    state, ppid = raw[raw.rindex(")") + 2 :].split()[:2]
    return name, state, int(ppid)


def _children(pid: int, name: str) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            stat = _stat(int(entry.name))
            if stat and stat[0] == name and stat[2] == pid:
                found.append(int(entry.name))
    return found


def _running(pid: int) -> bool:
    stat = _stat(pid)
    return stat is not None and stat[1] != "Z"  # a zombie holds no CPU, only a table entry


@pytest.mark.tesseract
@pytest.mark.skipif(not PROC.is_dir(), reason="Linux only: PR_SET_PDEATHSIG and /proc")
@pytest.mark.django_db(transaction=True)
def test_tesseract_of_a_killed_worker_dies_with_it(tmp_path):
    services.require("tesseract")
    noise = tmp_path / "noise.png"  # seconds of work for Tesseract: it finds "text" all over
    Image.frombytes("L", (4500, 4500), os.urandom(4500 * 4500)).point(
        lambda v: 255 if v > 128 else 0
    ).save(noise, compress_level=1)
    result = tasks.ocr_image.enqueue(str(noise))
    worker = _start_worker("ocr")
    try:
        tesseract = _wait_for(
            lambda: _children(worker.pid, "tesseract"), 60, "the worker to start tesseract"
        )[0]
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        deadline = time.monotonic() + 3
        while _running(tesseract) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _running(tesseract), "tesseract outlived its killed worker"
    finally:
        if worker.poll() is None:
            worker.kill()
    job = Job.objects.get(id=result.id)
    assert job.status == JobStatus.RUNNING  # left for another worker once its lease expires
