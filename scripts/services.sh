#!/usr/bin/env bash
# Kiroku backing services on 127.0.0.1, without Docker: install, start, stop
# and report PostgreSQL, Elasticsearch, OpenSearch, S3 (versitygw, object lock)
# and Tesseract. Everything comes from Debian apt, Maven Central and the Go
# module proxy. See scripts/README.md.
#
#   scripts/services.sh up [SERVICE...]     install if needed, start, wait until healthy
#   scripts/services.sh down [SERVICE...]   stop (data is kept in var/services/)
#   scripts/services.sh restart [SERVICE...]
#   scripts/services.sh status [SERVICE...] one line per service; exit 1 if any is down
#   scripts/services.sh env                 export lines for the app and tests
#   scripts/services.sh install-tesseract   only the apt packages for OCR (no servers)
#   scripts/services.sh install-browser     Debian's Chromium for the end-to-end tests
#   scripts/services.sh s3-selftest         object lock / legal hold check on bucket svc-selftest
#
# SERVICE: postgres elasticsearch opensearch s3 tesseract signing (default: all)
set -euo pipefail

# ---- versions (override with the environment) -------------------------------
ES_VERSION=${KIROKU_ES_VERSION:-9.5.3}         # newest 8.x/9.x integ-test-zip on Maven Central
OS_VERSION=${KIROKU_OS_VERSION:-2.19.6}        # OpenSearch 2.19.x integ-test-zip
VGW_VERSION=${KIROKU_VERSITYGW_VERSION:-v1.7.0} # github.com/versity/versitygw
PG_MAJOR=${KIROKU_PG_MAJOR:-15}                # Debian postgresql-15
JAVA17_HOME=${KIROKU_JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}

# ---- fixed ports and credentials (the app and the tests depend on these) ----
PG_PORT=55432
PG_USER=kiroku
PG_PASSWORD=kiroku
PG_DB=kiroku
PG_AUDIT_OWNER=kiroku_audit_owner # owns the audit tables (manage.py secure_audit)
PG_AUDIT_OWNER_PASSWORD=kiroku-audit
ES_PORT=59200
ES_TRANSPORT_PORT=59300
OS_PORT=59201
OS_TRANSPORT_PORT=59301
S3_PORT=59000
S3_ACCESS_KEY=kirokuadmin # root: setup and the tests' own checks, never the app
S3_SECRET_KEY=kirokusecret123
S3_APP_ACCESS_KEY=kirokuapp # Kiroku's least-privilege account (scripts/services/s3.sh)
S3_APP_SECRET_KEY=kirokuappsecret123
S3_BUCKET=kiroku
S3_REGION=us-east-1

SEARCH_HEAP_MIN=512m
SEARCH_HEAP_MAX=1g
SEARCH_TIMEOUT=${KIROKU_SERVICES_TIMEOUT:-300} # seconds to wait for ES / OpenSearch
PG_TIMEOUT=60
SVC_USER=kiroku-svc # unprivileged user for the servers that refuse root

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT_DIR=$(dirname "$SCRIPT_DIR")
# Worktrees of one checkout may share the services of the main one (its var/ and cache).
VAR_DIR=${KIROKU_SERVICES_VAR_DIR:-$ROOT_DIR/var/services}
CACHE_DIR=${KIROKU_CACHE_DIR:-$ROOT_DIR/.cache/services}
mkdir -p "$CACHE_DIR"
CACHE_DIR=$(cd "$CACHE_DIR" && pwd)
ALL_SERVICES=(postgres elasticsearch opensearch s3 tesseract signing)
BASE_PACKAGES=(ca-certificates curl unzip python3 util-linux)

# shellcheck source=scripts/services/lib.sh
source "$SCRIPT_DIR/services/lib.sh"
# shellcheck source=scripts/services/postgres.sh
source "$SCRIPT_DIR/services/postgres.sh"
# shellcheck source=scripts/services/searchnode.sh
source "$SCRIPT_DIR/services/searchnode.sh"
# shellcheck source=scripts/services/elasticsearch.sh
source "$SCRIPT_DIR/services/elasticsearch.sh"
# shellcheck source=scripts/services/opensearch.sh
source "$SCRIPT_DIR/services/opensearch.sh"
# shellcheck source=scripts/services/s3.sh
source "$SCRIPT_DIR/services/s3.sh"
# shellcheck source=scripts/services/tesseract.sh
source "$SCRIPT_DIR/services/tesseract.sh"
# shellcheck source=scripts/services/signing.sh
source "$SCRIPT_DIR/services/signing.sh"

usage() {
  sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
}

status_line() {
  printf '%-13s %-24s %-6s %-8s %s\n' "$1" "$2" "$3" "$4" "${5:-}"
}

# select_services ARGS...: validate names; default all. Result in SERVICES.
select_services() {
  SERVICES=()
  if (($# == 0)); then
    SERVICES=("${ALL_SERVICES[@]}")
    return 0
  fi
  local s k known
  for s in "$@"; do
    known=0
    for k in "${ALL_SERVICES[@]}"; do [[ $s == "$k" ]] && known=1; done
    ((known)) || die "unknown service '$s' (known: ${ALL_SERVICES[*]})"
    SERVICES+=("$s")
  done
}

wants() {
  local s
  for s in "${SERVICES[@]}"; do [[ $s == "$1" ]] && return 0; done
  return 1
}

require_root() {
  [[ $(id -u) -eq 0 ]] || die "run as root (needs apt-get and to start servers as $SVC_USER)"
}

# run_service NAME: start NAME_up as a background job (pid in $!), output
# prefixed with [NAME]. Always a background job and collected with `wait`, so
# errexit stays active inside it (bash ignores set -e in `f || x` contexts) and
# a failure of one service does not stop the others.
run_service() {
  local name=$1
  (
    set -o pipefail
    "${name}_up" 2>&1 | sed -u "s/^/[$name] /"
  ) &
}

cmd_up() {
  select_services "$@"
  require_root
  local t0 pkgs=("${BASE_PACKAGES[@]}") s
  t0=$(date +%s)
  log "services up: ${SERVICES[*]} (data: ${VAR_DIR#"$ROOT_DIR"/}, cache: $CACHE_DIR)"

  # 1. apt (sequential, and only when something is missing)
  if wants postgres; then mapfile -t -O "${#pkgs[@]}" pkgs < <(postgres_apt_packages); fi
  if wants elasticsearch || wants opensearch; then pkgs+=(maven openjdk-17-jdk-headless); fi
  if wants tesseract; then mapfile -t -O "${#pkgs[@]}" pkgs < <(tesseract_apt_packages); fi
  if wants signing; then mapfile -t -O "${#pkgs[@]}" pkgs < <(signing_apt_packages); fi
  apt_ensure "${pkgs[@]}"
  if wants postgres || wants elasticsearch || wants opensearch; then ensure_svc_user; fi
  mkdir -p "$VAR_DIR"

  # 2. slow ones in the background (downloads, go build, JVM start), the quick
  #    ones in the foreground meanwhile
  local bg_names=() bg_pids=() failed=() i
  for s in opensearch elasticsearch s3; do
    if wants "$s"; then
      run_service "$s"
      bg_pids+=("$!")
      bg_names+=("$s")
    fi
  done
  for s in postgres tesseract signing; do
    if wants "$s"; then
      run_service "$s"
      wait "$!" || failed+=("$s")
    fi
  done
  for i in "${!bg_pids[@]}"; do
    wait "${bg_pids[$i]}" || failed+=("${bg_names[$i]}")
  done

  echo
  cmd_status "${SERVICES[@]}" || true
  log "services up finished in $(($(date +%s) - t0))s"
  if ((${#failed[@]})); then
    die "failed: ${failed[*]} (logs under ${VAR_DIR#"$ROOT_DIR"/}/<service>/)"
  fi
}

cmd_down() {
  select_services "$@"
  require_root
  local s i
  for ((i = ${#SERVICES[@]} - 1; i >= 0; i--)); do
    s=${SERVICES[$i]}
    "${s}_down"
  done
}

cmd_status() {
  select_services "$@"
  local s rc=0
  status_line SERVICE VERSION PORT STATE DETAILS
  for s in "${SERVICES[@]}"; do
    "${s}_status" || rc=1
  done
  return "$rc"
}

cmd_env() {
  cat <<EOF
export DATABASE_URL=postgres://$PG_USER:$PG_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB
export KIROKU_AUDIT_OWNER_URL=postgres://$PG_AUDIT_OWNER:$PG_AUDIT_OWNER_PASSWORD@127.0.0.1:$PG_PORT/$PG_DB
export KIROKU_ELASTICSEARCH_URL=http://127.0.0.1:$ES_PORT
export KIROKU_OPENSEARCH_URL=http://127.0.0.1:$OS_PORT
export KIROKU_SEARCH_URL=http://127.0.0.1:$OS_PORT
export KIROKU_S3_ENDPOINT=http://127.0.0.1:$S3_PORT
export KIROKU_S3_ACCESS_KEY=$S3_APP_ACCESS_KEY
export KIROKU_S3_SECRET_KEY=$S3_APP_SECRET_KEY
export KIROKU_S3_ROOT_ACCESS_KEY=$S3_ACCESS_KEY
export KIROKU_S3_ROOT_SECRET_KEY=$S3_SECRET_KEY
export KIROKU_S3_BUCKET=$S3_BUCKET
export KIROKU_S3_REGION=$S3_REGION
export KIROKU_DEFAULT_RETENTION_MODE=$S3_DEFAULT_RETENTION_MODE
EOF
  signing_env
}

cmd_s3_selftest() {
  s3_healthy || die "s3 is not running (scripts/services.sh up s3)"
  if ! python3 -c 'import boto3' 2>/dev/null; then
    local venv=$CACHE_DIR/selftest-venv
    if [[ ! -x $venv/bin/python ]]; then
      log "creating $venv with boto3 for the self test"
      python3 -m venv "$venv"
      "$venv/bin/pip" install -q boto3
    fi
    "$venv/bin/python" "$SCRIPT_DIR/services/s3_selftest.py" "$S3_URL" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_REGION"
    return
  fi
  s3_selftest
}

main() {
  local cmd=${1:-help}
  (($#)) && shift
  case $cmd in
  up) cmd_up "$@" ;;
  down | stop) cmd_down "$@" ;;
  restart)
    cmd_down "$@"
    cmd_up "$@"
    ;;
  status) cmd_status "$@" ;;
  env) cmd_env ;;
  install-tesseract)
    require_root
    apt_ensure "${TESSERACT_PACKAGES[@]}"
    tesseract_up
    ;;
  install-browser)
    # Debian's Chromium for the end-to-end tests (no browser download is possible here).
    require_root
    apt_ensure chromium fonts-ipaexfont-gothic
    ;;
  s3-selftest) cmd_s3_selftest ;;
  help | -h | --help) usage ;;
  *)
    usage >&2
    die "unknown command '$cmd'"
    ;;
  esac
}

main "$@"
