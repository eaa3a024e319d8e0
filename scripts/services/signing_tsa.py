"""Serve certomancer's test PKI (RFC 3161 TSA, OCSP, CRL, certificates) on 127.0.0.1.

    python signing_tsa.py CONFIG.yml PORT

Used instead of ``certomancer animate``, which exits at once when the port is still held
(e.g. by a connection in TIME-WAIT just after a restart): this one retries the bind for
up to two TIME-WAIT periods, so ``services.sh down signing; up signing`` is reliable.
The tests start a second instance on another port to stop it mid-approval.
"""

import sys
import time

from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import CertomancerConfig
from werkzeug.serving import make_server


def main() -> None:
    config, port = sys.argv[1], int(sys.argv[2])
    cfg = CertomancerConfig.from_file(config, external_url_prefix=f"http://127.0.0.1:{port}")
    app = Animator(AnimatorArchStore(cfg.pki_archs), with_web_ui=False, allow_time_override=False)
    deadline = time.monotonic() + 130
    while True:
        try:
            server = make_server("127.0.0.1", port, app, threaded=True)
            break
        except SystemExit:  # werkzeug exits on EADDRINUSE after printing why
            if time.monotonic() > deadline:
                raise
            time.sleep(2)
    server.serve_forever()


if __name__ == "__main__":
    main()
