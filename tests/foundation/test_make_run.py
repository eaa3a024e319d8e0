"""`make run`'s gunicorn keeps its control socket under var/, not in the user's home, so
two instances on one machine do not take over each other's socket."""

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _run_recipe_gunicorn_options() -> str:
    recipe = re.search(r"^run:.*?(?=^\S)", (ROOT / "Makefile").read_text(), re.M | re.S)
    assert recipe, "no run target in the Makefile"
    command = recipe.group(0).replace("\\\n", " ")
    found = re.search(r"gunicorn dms\.wsgi([^'\n]*)", command)
    assert found, "make run starts no gunicorn"
    return found.group(1)


def test_make_run_puts_the_control_socket_under_var():
    options = _run_recipe_gunicorn_options()
    socket = re.search(r"--control-socket\s+(\S+)", options)
    assert socket, "gunicorn would put its control socket in ~/.gunicorn/"
    assert socket.group(1).startswith("var/") and "$(PORT)" in socket.group(1)


def test_this_gunicorn_honours_the_control_socket_option(tmp_path):
    (tmp_path / "stub.py").write_text(
        "def app(environ, start_response):\n    start_response('200 OK', [])\n    return [b'']\n"
    )
    (tmp_path / "var").mkdir()
    home = tmp_path / "home"
    home.mkdir()
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "stub:app",
            "--bind",
            "127.0.0.1:0",
            "--workers",
            "1",
            "--control-socket",
            "var/gunicorn-0.ctl",
        ],
        cwd=tmp_path,
        env={**os.environ, "HOME": str(home)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 20
        while not (tmp_path / "var/gunicorn-0.ctl").exists():
            assert server.poll() is None, server.stderr.read().decode()
            assert time.monotonic() < deadline, "no control socket under var/"
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(20)
    assert not (home / ".gunicorn").exists()
