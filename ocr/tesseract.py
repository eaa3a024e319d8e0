"""One Tesseract subprocess per page: text, word boxes and the invisible text layer at once.

``pytesseract.run_and_get_multiple_output`` does produce several outputs from one run, but
it accepts no ``config`` (so no ``--psm 5`` for ``jpn_vert``, no ``-c textonly_pdf=1``),
takes the command from the module-global ``pytesseract.tesseract_cmd`` and the environment
from ``os.environ``. A worker that runs pages in threads, sets ``OMP_THREAD_LIMIT=1`` for
Tesseract only and kills a hanging page needs none of that global state, so this module
runs the ``tesseract`` binary itself (same command line as pytesseract builds) and parses
its TSV output.

On Linux each Tesseract process is told by the kernel to die with the process that
started it (``PR_SET_PDEATHSIG``): a worker killed with ``kill -9`` mid-page cannot clean
up, and an orphaned Tesseract would otherwise keep a core busy until its page is done.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "OcrResult", "OcrWord", "TesseractError", "TesseractTimeout", "detect_osd", "run", "run_pages",
]  # fmt: skip


class TesseractError(RuntimeError):
    """Tesseract failed on a page (non-zero exit, missing output)."""


class TesseractTimeout(TesseractError):
    """Tesseract did not finish a page within its time limit; the process was killed."""


@dataclass(frozen=True)
class OcrWord:
    text: str
    left: int
    top: int
    width: int
    height: int
    confidence: float  # 0..100
    block: int
    paragraph: int
    line: int
    page: int = 1  # of a multi-page input (:func:`run_pages`)


@dataclass(frozen=True)
class OcrResult:
    text: str  # Tesseract's own plain-text output (raw)
    words: tuple[OcrWord, ...]
    pdf: bytes | None  # the page's text-only PDF (invisible text), when asked for

    @property
    def mean_confidence(self) -> float:
        """Mean word confidence weighted by word length (0 when nothing was read)."""
        total = sum(len(w.text) for w in self.words)
        if not total:
            return 0.0
        return sum(w.confidence * len(w.text) for w in self.words) / total

    @property
    def character_count(self) -> int:
        return sum(len(w.text) for w in self.words)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    env["OMP_THREAD_LIMIT"] = "1"  # one core per page; the worker runs pages in parallel
    return env


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _load_prctl() -> Callable[..., int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


_prctl = _load_prctl()  # looked up once: the child after fork only calls it


def _die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` that has the kernel SIGKILL the child when its parent dies.

    The signal comes when the *thread* that started the child ends; the caller's thread
    waits for the child in ``communicate``, so it outlives it unless the process dies.
    """
    if _prctl is None:
        return None
    parent = os.getpid()
    prctl = _prctl

    def setup() -> None:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before the call: nobody to wait for us
            os._exit(1)

    return setup


def _execute(args: list[str], timeout: float) -> subprocess.CompletedProcess[bytes]:
    # A process group of its own, so that a timeout kills whatever the command started.
    proc = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=_environment(),
        start_new_session=True,
        # Runs between fork and exec while other threads may hold locks: it only calls
        # the prctl looked up beforehand (no import, no I/O), which is safe there.
        preexec_fn=_die_with_parent(),
    )
    try:
        stdout, stderr = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise TesseractTimeout(f"tesseract did not finish within {timeout:g} s") from None
    except BaseException:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(args, proc.returncode, stdout, stderr)


def _parse_tsv(tsv: str) -> tuple[OcrWord, ...]:
    words = []
    for line in tsv.splitlines()[1:]:
        fields = line.split("\t")
        if len(fields) < 12 or fields[0] != "5":
            continue
        text = fields[11].strip()
        if not text:
            continue
        words.append(
            OcrWord(
                text=text,
                left=int(fields[6]),
                top=int(fields[7]),
                width=int(fields[8]),
                height=int(fields[9]),
                confidence=max(0.0, float(fields[10])),
                block=int(fields[2]),
                paragraph=int(fields[3]),
                line=int(fields[4]),
                page=int(fields[1]),
            )
        )
    return tuple(words)


def run(
    image_path: str | os.PathLike[str],
    *,
    lang: str,
    psm: int,
    dpi: int,
    timeout: float,
    text_layer: bool,
    command: str = "tesseract",
) -> OcrResult:
    """OCR one page image in a single Tesseract run: txt + tsv (+ text-only pdf)."""
    return _run(image_path, lang, psm, dpi, timeout, text_layer, command)


def run_pages(
    image_path: str | os.PathLike[str],
    pages: int,
    *,
    lang: str,
    psm: int,
    dpi: int,
    timeout: float,
    text_layer: bool,
    command: str = "tesseract",
) -> tuple[list[str], tuple[OcrWord, ...], bytes | None]:
    """OCR the ``pages`` images of a multi-page TIFF in one Tesseract run (the model is
    loaded once, not per image): each image's text, all words (``OcrWord.page``, 1-based)
    and the text-only PDF with one page per image."""
    result = _run(image_path, lang, psm, dpi, timeout, text_layer, command)
    texts = result.text.split("\f")[:pages]  # Tesseract ends each page's text with \f
    return texts + [""] * (pages - len(texts)), result.words, result.pdf


def _run(
    image_path: str | os.PathLike[str],
    lang: str,
    psm: int,
    dpi: int,
    timeout: float,
    text_layer: bool,
    command: str,
) -> OcrResult:
    with tempfile.TemporaryDirectory(prefix="kiroku-ocr-") as tmp:
        base = Path(tmp) / "page"
        args = [command, os.fspath(image_path), str(base), "-l", lang, "--psm", str(psm)]
        args += ["--dpi", str(dpi)]
        if text_layer:
            args += ["-c", "textonly_pdf=1"]
        args += ["txt", "tsv"] + (["pdf"] if text_layer else [])
        done = _execute(args, timeout)
        if done.returncode != 0:
            message = done.stderr.decode("utf-8", "replace").strip().splitlines()
            raise TesseractError(f"tesseract exited {done.returncode}: {' '.join(message[-3:])}")
        try:
            text = base.with_suffix(".txt").read_text(encoding="utf-8")
            tsv = base.with_suffix(".tsv").read_text(encoding="utf-8")
            pdf = base.with_suffix(".pdf").read_bytes() if text_layer else None
        except FileNotFoundError as exc:
            raise TesseractError(f"tesseract wrote no {Path(exc.filename).suffix} output") from exc
    return OcrResult(text=text, words=_parse_tsv(tsv), pdf=pdf)


@dataclass(frozen=True)
class Orientation:
    rotate: int  # degrees to rotate the image counter-clockwise to make it upright
    confidence: float


def detect_osd(
    image_path: str | os.PathLike[str], *, timeout: float, command: str = "tesseract"
) -> Orientation | None:
    """Tesseract's orientation detection (``--psm 0 -l osd``); None when it cannot tell."""
    done = _execute([command, os.fspath(image_path), "-", "--psm", "0", "-l", "osd"], timeout)
    if done.returncode != 0:
        return None
    values = {}
    for line in done.stdout.decode("utf-8", "replace").splitlines():
        key, _, value = line.partition(":")
        values[key.strip()] = value.strip()
    try:
        # "Rotate: 90" is how far to rotate clockwise; PIL rotates counter-clockwise.
        return Orientation(
            rotate=(360 - int(values["Rotate"])) % 360,
            confidence=float(values["Orientation confidence"]),
        )
    except (KeyError, ValueError):
        return None
