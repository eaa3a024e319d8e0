# shellcheck shell=bash
# Shared helpers for scripts/services.sh: logging, apt/maven fetching, the
# unprivileged service user, pidfiles and health waiting. Kept apart so each
# per-service file (postgres.sh, elasticsearch.sh, ...) stays short.
# Sourced, never executed; expects ROOT_DIR, VAR_DIR, CACHE_DIR, SVC_USER.

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*"; }
warn() { printf '%s WARNING: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() {
  printf '%s ERROR: %s\n' "$(date +%H:%M:%S)" "$*" >&2
  exit 1
}

# Print the last lines of a log file to stderr (used when a service fails),
# only from the last "===== ... start" marker that the launchers write.
show_log_tail() {
  local file=$1 n=${2:-40}
  if [[ -f $file ]]; then
    printf -- '----- last lines of %s -----\n' "$file" >&2
    awk '/^===== .* start /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$file" | tail -n "$n" >&2 || true
    printf -- '----- end of %s -----\n' "$file" >&2
  else
    printf 'no log file at %s\n' "$file" >&2
  fi
}

# ---------------------------------------------------------------- apt

APT_UPDATED=0

pkg_installed() {
  dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

# apt_ensure PKG...: install the packages that are missing (apt-get update at
# most once per run). A no-op, without touching the network, when all exist.
apt_ensure() {
  local missing=() p
  for p in "$@"; do
    pkg_installed "$p" || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  [[ $(id -u) -eq 0 ]] || die "need root to apt-get install: ${missing[*]}"
  if ((APT_UPDATED == 0)); then
    log "apt-get update"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ---------------------------------------------------------------- maven

# mvn_run ARGS...: quiet batch maven; output goes to CACHE_DIR/maven.log and
# is shown only on failure. flock: ES and OpenSearch fetch in parallel and
# share ~/.m2.
mvn_run() {
  local logf=$CACHE_DIR/maven.log out rc=0
  out=$(mktemp "$CACHE_DIR/.maven.XXXXXX")
  flock "$CACHE_DIR/.maven.lock" mvn -B -q "$@" >"$out" 2>&1 || rc=$?
  if ((rc)); then
    show_log_tail "$out" 30
  fi
  cat "$out" >>"$logf"
  rm -f "$out"
  return "$rc"
}

# mvn_copy GROUP:ARTIFACT:VERSION[:TYPE] OUTDIR: fetch one artifact from Maven
# Central (through ~/.m2) into OUTDIR unless the file is already there.
mvn_copy() {
  local gav=$1 outdir=$2 a v t
  IFS=: read -r _ a v t <<<"$gav"
  t=${t:-jar}
  if [[ -s $outdir/$a-$v.$t ]]; then
    return 0
  fi
  mkdir -p "$outdir"
  log "maven: fetching $gav"
  if ! mvn_run org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy \
    -Dartifact="$gav" -DoutputDirectory="$outdir" -Dmdep.overWriteReleases=false; then
    die "maven could not fetch $gav (is it served by Maven Central?)"
  fi
  [[ -s $outdir/$a-$v.$t ]] || die "maven reported success but $outdir/$a-$v.$t is missing"
}

# ---------------------------------------------------------------- service user

# Create the unprivileged user for servers that refuse to run as root and
# make sure it can reach VAR_DIR (every parent directory needs search 'x').
ensure_svc_user() {
  if ! id -u "$SVC_USER" >/dev/null 2>&1; then
    log "creating system user $SVC_USER"
    useradd --system --user-group --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin "$SVC_USER"
  fi
  mkdir -p "$VAR_DIR"
  if as_svc test -x "$VAR_DIR" 2>/dev/null; then
    return 0
  fi
  local d=$VAR_DIR parts=()
  while [[ $d != / ]]; do
    parts=("$d" "${parts[@]}")
    d=$(dirname "$d")
  done
  for d in "${parts[@]}"; do
    if ! as_svc test -x "$d" 2>/dev/null; then
      if command -v setfacl >/dev/null 2>&1; then
        log "granting $SVC_USER search permission on $d (setfacl u:$SVC_USER:x)"
        setfacl -m "u:$SVC_USER:x" "$d"
      else
        log "granting search permission on $d (chmod o+x) so $SVC_USER can reach $VAR_DIR"
        chmod o+x "$d"
      fi
    fi
  done
  as_svc test -x "$VAR_DIR" || die "$SVC_USER still cannot reach $VAR_DIR"
}

# as_svc CMD...: run CMD as the service user (setpriv execs, no extra parent).
as_svc() {
  setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --init-groups -- "$@"
}

# svc_dirs NAME SUBDIR...: create var/services/NAME/SUBDIR... owned by SVC_USER.
svc_dirs() {
  local name=$1 sub
  shift
  mkdir -p "$VAR_DIR/$name"
  for sub in "$@"; do mkdir -p "$VAR_DIR/$name/$sub"; done
  chown -R "$SVC_USER:$SVC_USER" "$VAR_DIR/$name"
}

# ---------------------------------------------------------------- processes

# pid_from FILE: print the pid recorded in FILE if that process is alive.
pid_from() {
  local f=$1 pid
  [[ -s $f ]] || return 1
  # the node may delete its own pidfile while we read it
  pid=$(head -n1 "$f" 2>/dev/null | tr -dc '0-9') || return 1
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null || return 1
  # a zombie is not alive
  [[ $(ps -o stat= -p "$pid" 2>/dev/null) != Z* ]] || return 1
  printf '%s\n' "$pid"
}

# stop_pidfile NAME PIDFILE [TIMEOUT]: SIGTERM, wait, then SIGKILL.
stop_pidfile() {
  local name=$1 f=$2 timeout=${3:-60} pid i
  if ! pid=$(pid_from "$f"); then
    log "$name: not running"
    rm -f "$f"
    return 0
  fi
  log "$name: stopping pid $pid"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < timeout * 2; i++)); do
    pid_from "$f" >/dev/null || break
    sleep 0.5
  done
  if pid_from "$f" >/dev/null; then
    warn "$name: pid $pid did not stop in ${timeout}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$f"
  log "$name: stopped"
}

# port_busy PORT: true if something listens on 127.0.0.1:PORT.
port_busy() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_healthy NAME CHECK_FN TIMEOUT LOGFILE [ALIVE_CMD...]: poll CHECK_FN until
# it succeeds; fail early when ALIVE_CMD (e.g. pid_from FILE) says the process
# died; on failure print the tail of LOGFILE.
wait_healthy() {
  local name=$1 check=$2 timeout=$3 logfile=$4 start now
  shift 4
  start=$(date +%s)
  while true; do
    if "$check"; then
      log "$name: healthy after $(($(date +%s) - start))s"
      return 0
    fi
    now=$(date +%s)
    if (($#)) && ((now - start > 3)) && ! "$@" >/dev/null 2>&1; then
      show_log_tail "$logfile"
      die "$name: process exited before becoming healthy (see $logfile)"
    fi
    if ((now - start >= timeout)); then
      show_log_tail "$logfile"
      die "$name: not healthy after ${timeout}s (see $logfile)"
    fi
    sleep 1
  done
}

# write_if_changed FILE < content: (re)write FILE only if the content differs;
# sets CHANGED=1 when it wrote (callers reset CHANGED=0 first). Always returns
# 0 so it is safe under set -e (no "if func" contexts that disable errexit).
# shellcheck disable=SC2034
CHANGED=0
write_if_changed() {
  local f=$1 tmp
  tmp=$(mktemp)
  cat >"$tmp"
  if [[ -f $f ]] && cmp -s "$tmp" "$f"; then
    rm -f "$tmp"
    return 0
  fi
  mkdir -p "$(dirname "$f")"
  mv "$tmp" "$f"
  chmod 644 "$f"
  # shellcheck disable=SC2034 # read by the service files
  CHANGED=1
}

# java_major JAVA_HOME: feature release of that JDK (17, 21, 25, ...).
java_major() {
  "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p'
}

# json_get URL PYEXPR: fetch JSON and print PYEXPR evaluated on it as `d`.
json_get() {
  curl -sf -m 10 "$1" 2>/dev/null | python3 -c "import json,sys; d=json.load(sys.stdin); print($2)" 2>/dev/null
}
