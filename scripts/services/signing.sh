# shellcheck shell=bash
# Signing for scripts/services.sh: a SoftHSM2 token (the PKCS#11 module the
# approvals sign with) and certomancer's test PKI services (RFC 3161 TSA, OCSP,
# CRL) on 127.0.0.1:$SIGNING_PORT. Production points the same settings at an
# HSM or LGPKI card and a certified TSA (docs/signing.md).

SIGNING_PACKAGES=(softhsm2 opensc libnss3-tools poppler-utils openssl)
# Below 32768: outside Linux's ephemeral port range, so no client connection can hold it.
SIGNING_PORT=${KIROKU_SIGNING_PORT:-29310}
SIGNING_TOKEN_LABEL=kiroku-signing
SIGNING_PIN=${KIROKU_SIGNING_PIN:-kiroku-pin}
SIGNING_SO_PIN=${KIROKU_SIGNING_SO_PIN:-kiroku-so-pin}
SIGNING_PKCS11_MODULE=/usr/lib/softhsm/libsofthsm2.so
SIGNING_DIR=$VAR_DIR/signing
SIGNING_PIDFILE=$SIGNING_DIR/certomancer.pid
SIGNING_LOG=$SIGNING_DIR/certomancer.log
SIGNING_ARCH=kiroku-test
SIGNING_TSA_URL=http://127.0.0.1:$SIGNING_PORT/$SIGNING_ARCH/tsa/tsa

signing_apt_packages() { printf '%s\n' "${SIGNING_PACKAGES[@]}"; }

# The venv that has certomancer (requirements.lock): the checkout's own .venv,
# that of the checkout owning VAR_DIR (a worktree sharing the main services),
# else whatever python3 can import it.
signing_python() {
  local p
  for p in "$ROOT_DIR/.venv/bin/python" "$(dirname "$(dirname "$VAR_DIR")")/.venv/bin/python" "${KIROKU_PYTHON:-}" python3; do
    [[ -n $p ]] && "$p" -c 'import certomancer, werkzeug' 2>/dev/null && {
      printf '%s\n' "$p"
      return 0
    }
  done
  return 1
}

signing_token_ready() {
  [[ -f $SIGNING_DIR/softhsm2.conf ]] &&
    SOFTHSM2_CONF=$SIGNING_DIR/softhsm2.conf softhsm2-util --show-slots 2>/dev/null |
    grep -q "Label:.*$SIGNING_TOKEN_LABEL"
}

signing_tsa_healthy() {
  curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$SIGNING_PORT/$SIGNING_ARCH/certs/root/ca.crt" 2>/dev/null
}

signing_write_config() {
  local d=$SIGNING_DIR/pki k
  mkdir -p "$d/keys"
  # Test-only keys, generated once per machine; never used for real signatures.
  for k in root tsa ocsp; do
    [[ -f $d/keys/$k.key.pem ]] || openssl genrsa -out "$d/keys/$k.key.pem" 2048 2>/dev/null
  done
  CHANGED=0
  write_if_changed "$d/certomancer.yml" <<YAML
external-url-prefix: "http://127.0.0.1:$SIGNING_PORT"
keysets:
  kiroku-test:
    path-prefix: keys
    keys:
      root: {path: root.key.pem}
      tsa: {path: tsa.key.pem}
      ocsp: {path: ocsp.key.pem}
pki-architectures:
  $SIGNING_ARCH:
    keyset: kiroku-test
    entity-defaults:
      country-name: JP
      organization-name: Kiroku Test Trust Services
    entities:
      root: {common-name: Kiroku Test TSA Root}
      tsa: {common-name: Kiroku Test Time Stamping Authority}
      ocsp: {common-name: Kiroku Test OCSP Responder}
    certs:
      root:
        subject: root
        subject-key: root
        issuer: root
        authority-key: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2100-01-01T00:00:00+0000"}
        extensions:
          - {id: basic_constraints, critical: true, value: {ca: true}}
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature, key_cert_sign, crl_sign]}
      tsa:
        issuer: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2099-01-01T00:00:00+0000"}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature]}
          - {id: extended_key_usage, critical: true, value: [time_stamping]}
          - id: crl_distribution_points
            smart-value: {schema: crl-dist-url, params: {crl-repo-names: [root]}}
      ocsp:
        issuer: root
        validity: {valid-from: "2020-01-01T00:00:00+0000", valid-to: "2099-01-01T00:00:00+0000"}
        extensions:
          - id: key_usage
            critical: true
            smart-value: {schema: key-usage, params: [digital_signature]}
          - {id: extended_key_usage, critical: true, value: [ocsp_signing]}
          - {id: ocsp_no_check}
    services:
      ocsp:
        root: {for-issuer: root, responder-cert: ocsp, signing-key: ocsp}
      crl-repo:
        root: {for-issuer: root, signing-key: root, simulated-update-schedule: "P30D"}
      cert-repo:
        root: {for-issuer: root, publish-issued-certs: yes}
      time-stamping:
        tsa: {signing-key: tsa, signing-cert: tsa}
YAML
}

signing_init_token() {
  local tokdir=$SIGNING_DIR/tokens
  mkdir -p "$tokdir"
  chmod 700 "$SIGNING_DIR" "$tokdir"
  write_if_changed "$SIGNING_DIR/softhsm2.conf" <<CONF
directories.tokendir = $tokdir
objectstore.backend = file
log.level = ERROR
slots.removable = false
CONF
  if signing_token_ready; then
    log "signing: SoftHSM2 token '$SIGNING_TOKEN_LABEL' present"
    return 0
  fi
  SOFTHSM2_CONF=$SIGNING_DIR/softhsm2.conf softhsm2-util --init-token --free \
    --label "$SIGNING_TOKEN_LABEL" --pin "$SIGNING_PIN" --so-pin "$SIGNING_SO_PIN" >/dev/null
  log "signing: SoftHSM2 token '$SIGNING_TOKEN_LABEL' initialised"
}

signing_start_certomancer() {
  local py
  py=$(signing_python) || die "signing: no python with certomancer[web-api] (requirements.lock)"
  (
    cd "$SIGNING_DIR/pki"
    nohup "$py" "$SCRIPT_DIR/services/signing_tsa.py" certomancer.yml "$SIGNING_PORT" \
      >>"$SIGNING_LOG" 2>&1 &
    echo $! >"$SIGNING_PIDFILE"
  )
}

signing_up() {
  apt_ensure "${SIGNING_PACKAGES[@]}"
  mkdir -p "$SIGNING_DIR"
  signing_init_token
  signing_write_config
  if pid_from "$SIGNING_PIDFILE" >/dev/null && ((CHANGED == 0)) && signing_tsa_healthy; then
    log "signing: certomancer already running on $SIGNING_PORT"
    signing_fetch_root
    return 0
  fi
  stop_pidfile signing-tsa "$SIGNING_PIDFILE" 10
  if port_busy "$SIGNING_PORT"; then die "signing: port $SIGNING_PORT is taken by another process"; fi
  signing_start_certomancer
  wait_healthy signing-tsa signing_tsa_healthy 150 "$SIGNING_LOG" pid_from "$SIGNING_PIDFILE"
  signing_fetch_root
}

# The TSA's root certificate, for verifying timestamps (KIROKU_TSA_TRUST_ROOTS).
signing_fetch_root() {
  curl -fsS --max-time 5 -o "$SIGNING_DIR/pki/tsa-root.crt" \
    "http://127.0.0.1:$SIGNING_PORT/$SIGNING_ARCH/certs/root/ca.crt"
}

signing_down() { stop_pidfile signing-tsa "$SIGNING_PIDFILE" 10; }

signing_status() {
  local tok=missing
  signing_token_ready && tok=ok
  if signing_tsa_healthy && [[ $tok == ok ]]; then
    status_line signing softhsm2+certomancer "$SIGNING_PORT" healthy "token=$SIGNING_TOKEN_LABEL tsa=$SIGNING_TSA_URL"
    return 0
  fi
  status_line signing - "$SIGNING_PORT" down "token=$tok tsa=$(signing_tsa_healthy && echo up || echo down)"
  return 1
}

signing_env() {
  cat <<ENV
export SOFTHSM2_CONF=$SIGNING_DIR/softhsm2.conf
export KIROKU_SIGNING_PKCS11_MODULE=$SIGNING_PKCS11_MODULE
export KIROKU_SIGNING_TOKEN_LABEL=$SIGNING_TOKEN_LABEL
export KIROKU_SIGNING_PIN=$SIGNING_PIN
export KIROKU_TSA_URL=$SIGNING_TSA_URL
export KIROKU_TSA_TRUST_ROOTS=$SIGNING_DIR/pki/tsa-root.crt
export KIROKU_SIGNING_TEST_PKI_DIR=$SIGNING_DIR/pki
ENV
}
