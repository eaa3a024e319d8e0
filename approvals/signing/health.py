"""The ``signing`` health probe: the PKCS#11 token and the time-stamping authority.

Off (no TSA or PIN configured, e.g. ``make run``) is ``ok`` with a note: approvals work,
unsigned. Configured but unreachable is ``degraded``, not down: every action is still
recorded and its signature waits (pending) for the token or the TSA to come back.
"""

from __future__ import annotations

import requests

from dms.health import DEGRADED, OK, ProbeResult


def probe_signing() -> ProbeResult:
    from approvals.signing import flow, keys

    if not flow.enabled():
        return ProbeResult(OK, "off", detail="signing off: KIROKU_TSA_URL / PIN not configured")
    cfg = keys.config()
    pending = len(flow.pending_case_ids())
    problems = []
    version = ""
    try:
        with keys.token_session() as session:
            token = session.token
            version = f"{token.manufacturer_id.strip()} {token.model.strip()}".strip()
    except keys.SigningUnavailable as exc:
        problems.append(f"token: {exc}")
    try:
        # Any HTTP answer proves the TSA listens; a timestamp request would cost a signature.
        requests.get(cfg["TSA_URL"], timeout=3)
    except requests.RequestException as exc:
        problems.append(f"TSA {cfg['TSA_URL']}: {type(exc).__name__}")
    return ProbeResult(
        status=DEGRADED if problems else OK,
        backend="pkcs11+rfc3161",
        version=version,
        detail="; ".join(problems) or f"token {cfg['TOKEN_LABEL']}, TSA {cfg['TSA_URL']}",
        capabilities={"cases_with_pending_signatures": pending},
    )
