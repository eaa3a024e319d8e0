# shellcheck shell=bash
# S3 with Object Lock for scripts/services.sh: versitygw (posix backend with a
# versioning directory, which object lock requires), built from the Go module
# proxy into the cache. Runs as root (allowed), data in var/services/s3.

S3_DIR=$VAR_DIR/s3
S3_BIN=$CACHE_DIR/bin/versitygw
S3_PIDFILE=$S3_DIR/s3.pid
S3_LOG=$S3_DIR/versitygw.log
S3_URL=http://127.0.0.1:$S3_PORT

s3_go() {
  if [[ -n ${KIROKU_GO:-} ]]; then
    printf '%s' "$KIROKU_GO"
  elif command -v go >/dev/null 2>&1; then
    command -v go
  elif [[ -x /usr/local/go/bin/go ]]; then
    printf '%s' /usr/local/go/bin/go
  else
    die "s3: no Go toolchain found (need go >= 1.25 to build versitygw); set KIROKU_GO"
  fi
}

s3_install() {
  if [[ -x $S3_BIN && -f $S3_BIN.version && $(cat "$S3_BIN.version") == "$VGW_VERSION" ]]; then
    return 0
  fi
  local go start
  go=$(s3_go)
  start=$(date +%s)
  log "s3: building versitygw $VGW_VERSION with $("$go" version | awk '{print $3}') (go install, first time ~1-2 min)"
  mkdir -p "$CACHE_DIR/bin"
  CGO_ENABLED=0 GOBIN="$CACHE_DIR/bin" GOFLAGS=-trimpath "$go" install \
    -ldflags "-s -w -X main.Version=$VGW_VERSION -X main.Build=go-install" \
    "github.com/versity/versitygw/cmd/versitygw@$VGW_VERSION" ||
    die "s3: go install github.com/versity/versitygw/cmd/versitygw@$VGW_VERSION failed"
  printf '%s\n' "$VGW_VERSION" >"$S3_BIN.version"
  log "s3: built $S3_BIN in $(($(date +%s) - start))s"
}

s3_healthy() {
  # anonymous GET / answers 403 AccessDenied; the Server header tells it is versitygw
  curl -s -o /dev/null -D - -m 5 "$S3_URL/" 2>/dev/null | grep -qi '^server: versitygw'
}

s3_alive() { pid_from "$S3_PIDFILE"; }

s3_up() {
  s3_install
  mkdir -p "$S3_DIR/data" "$S3_DIR/versions"
  if s3_alive >/dev/null; then
    log "s3: already running, checking health"
  else
    if port_busy "$S3_PORT"; then
      die "s3: port $S3_PORT is taken by another process"
    fi
    log "s3: starting versitygw on 127.0.0.1:$S3_PORT"
    printf '\n===== s3 start %s =====\n' "$(date -Is)" >>"$S3_LOG"
    setsid "$S3_BIN" --access "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" \
      --port "127.0.0.1:$S3_PORT" --region "$S3_REGION" --quiet \
      posix --versioning-dir "$S3_DIR/versions" "$S3_DIR/data" >>"$S3_LOG" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$S3_PIDFILE"
  fi
  wait_healthy s3 s3_healthy 60 "$S3_LOG" s3_alive
}

s3_down() { stop_pidfile s3 "$S3_PIDFILE" 30; }

s3_status() {
  local ver=-
  [[ -f $S3_BIN.version ]] && ver="versitygw-$(cat "$S3_BIN.version")"
  if s3_healthy; then
    status_line s3 "$ver" "$S3_PORT" healthy "object-lock via posix --versioning-dir; bucket=$S3_BUCKET region=$S3_REGION"
    return 0
  fi
  status_line s3 "$ver" "$S3_PORT" down "log=${S3_LOG#"$ROOT_DIR"/}"
  return 1
}

# Object Lock self test (bucket svc-selftest, 60 s COMPLIANCE retention).
s3_selftest() {
  python3 "$SCRIPT_DIR/services/s3_selftest.py" "$S3_URL" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_REGION"
}
