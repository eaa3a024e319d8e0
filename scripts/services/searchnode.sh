# shellcheck shell=bash
# Helpers shared by elasticsearch.sh and opensearch.sh: both are a JVM search
# node unpacked from a Maven Central "integ-test-zip" into
# var/services/<name>/home, configured in var/services/<name>/config, started
# in the background as $SVC_USER with a pidfile. Kept in one place so the two
# services behave identically.
#
# Layout of var/services/<name>/:
#   home/            unpacked distribution (+ modules/plugins); rebuilt when the stamp changes
#   config/          ES_PATH_CONF / OPENSEARCH_PATH_CONF (yml + jvm.options.d/kiroku.options)
#   data/ logs/ tmp/
#   <name>.pid       server pid (written by the node itself, -p)
#   launcher.pid     pid of the process we started (liveness while booting)
#   console.log      stdout/stderr of the node

node_dir() { printf '%s/%s' "$VAR_DIR" "$1"; }

# node_alive NAME: print a live pid of the node (server pid, else launcher).
node_alive() {
  local d
  d=$(node_dir "$1")
  pid_from "$d/$1.pid" || pid_from "$d/launcher.pid"
}

# node_unpack NAME ZIP STAMP: (re)create home/ from ZIP unless home/.kiroku-stamp
# equals STAMP (stopping a running node first). Sets CHANGED=1 when rebuilt;
# the caller then adds modules/plugins and calls node_finish_home.
node_unpack() {
  local name=$1 zip=$2 stamp=$3 d tmp top
  d=$(node_dir "$name")
  if [[ -f $d/home/.kiroku-stamp && $(cat "$d/home/.kiroku-stamp") == "$stamp" ]]; then
    return 0
  fi
  if node_alive "$name" >/dev/null; then
    log "$name: installation changed, stopping the running node first"
    node_stop "$name"
  fi
  log "$name: unpacking $(basename "$zip")"
  mkdir -p "$d"
  tmp=$(mktemp -d "$d/.unpack.XXXXXX")
  unzip -q "$zip" -d "$tmp"
  top=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d | head -n1)
  [[ -n $top && -x $top/bin/$name ]] || die "$name: unexpected layout in $zip"
  rm -rf "${d:?}/home"
  mv "$top" "$d/home"
  rmdir "$tmp"
  # shellcheck disable=SC2034 # read by the caller
  CHANGED=1
}

# node_finish_home NAME STAMP: mark home/ complete (node_config chowns it).
node_finish_home() {
  printf '%s\n' "$2" >"$(node_dir "$1")/home/.kiroku-stamp"
}

# node_build_jar SRC_DIR OUT_JAR JAVA_HOME RELEASE CLASSPATH: compile the
# adapter sources under SRC_DIR into OUT_JAR (skipped if OUT_JAR exists; the
# caller puts a source hash in its path). Every step is checked explicitly, so
# it behaves the same inside `if` (where bash ignores set -e).
node_build_jar() {
  local src=$1 out=$2 java=$3 release=$4 cp=$5 tmp
  [[ -s $out ]] && return 0
  log "compiling $(basename "$(dirname "$src")") adapter ($(basename "$java"), --release $release)"
  tmp=$(mktemp -d) || return 1
  find "$src" -name '*.java' | sort >"$tmp/sources" || return 1
  if ! "$java/bin/javac" -nowarn --release "$release" -encoding UTF-8 -cp "$cp" -d "$tmp/classes" "@$tmp/sources"; then
    rm -rf "$tmp"
    return 1
  fi
  mkdir -p "$(dirname "$out")" || return 1
  "$java/bin/jar" --create --file "$out.tmp" -C "$tmp/classes" . || return 1
  mv "$out.tmp" "$out" || return 1
  rm -rf "$tmp"
}

# src_hash DIR: short hash of all *.java under DIR.
src_hash() {
  find "$1" -type f -name '*.java' -print0 | sort -z | xargs -0 cat | sha256sum | cut -c1-16
}

# node_config NAME YML_CONTENT: seed config/ from home/config once, then write
# <name>.yml and the heap options. Sets CHANGED=1 if anything was rewritten.
node_config() {
  local name=$1 yml=$2 d
  d=$(node_dir "$name")
  mkdir -p "$d/config" "$d/data" "$d/logs" "$d/tmp"
  if [[ ! -f $d/config/jvm.options ]]; then
    cp -r "$d/home/config/." "$d/config/"
  fi
  mkdir -p "$d/config/jvm.options.d"
  printf '%s\n' "$yml" | write_if_changed "$d/config/$name.yml"
  printf '%s\n' "# written by scripts/services.sh" "-Xms$SEARCH_HEAP_MIN" "-Xmx$SEARCH_HEAP_MAX" |
    write_if_changed "$d/config/jvm.options.d/kiroku.options"
  chown -R "$SVC_USER:$SVC_USER" "$d"
}

# node_ensure_running NAME PORT URL ENV=VALUE...: restart if CHANGED=1 and
# running, start if not running, then wait until healthy.
node_ensure_running() {
  local name=$1 port=$2 url=$3 d
  shift 3
  d=$(node_dir "$name")
  if node_alive "$name" >/dev/null; then
    if ((CHANGED)); then
      log "$name: configuration changed, restarting"
      node_stop "$name"
    else
      log "$name: already running, checking health"
    fi
  fi
  if ! node_alive "$name" >/dev/null; then
    node_launch "$name" "$port" "$@"
  fi
  wait_healthy "$name" "${name}_healthy" "$SEARCH_TIMEOUT" "$d/console.log" node_alive "$name"
  log "$name: version $(node_version "$url") at $url"
}

# node_launch NAME PORT ENV=VALUE...: start bin/NAME in the background as
# SVC_USER (own session, survives this script), pid in launcher.pid.
node_launch() {
  local name=$1 port=$2 d
  shift 2
  d=$(node_dir "$name")
  if port_busy "$port"; then
    die "$name: port $port is taken by another process"
  fi
  log "$name: starting on 127.0.0.1:$port"
  rm -f "$d/$name.pid"
  {
    printf '\n===== %s start %s =====\n' "$name" "$(date -Is)"
  } >>"$d/console.log"
  chown "$SVC_USER:$SVC_USER" "$d/console.log"
  setsid setpriv --reuid="$SVC_USER" --regid="$SVC_USER" --init-groups -- \
    env -i PATH=/usr/bin:/bin HOME="$d" LANG=C.UTF-8 "$@" \
    "$d/home/bin/$name" -p "$d/$name.pid" >>"$d/console.log" 2>&1 </dev/null &
  printf '%s\n' "$!" >"$d/launcher.pid"
}

node_stop() {
  local name=$1 d
  d=$(node_dir "$name")
  if pid_from "$d/$name.pid" >/dev/null; then
    stop_pidfile "$name" "$d/$name.pid" 90
  else
    stop_pidfile "$name" "$d/launcher.pid" 90
  fi
  # the launcher exits together with the server
  local i
  for ((i = 0; i < 20; i++)); do
    pid_from "$d/launcher.pid" >/dev/null || break
    sleep 0.5
  done
  rm -f "$d/launcher.pid" "$d/$name.pid"
}

# node_http_ok URL: cluster answers and is not red.
node_http_ok() {
  local st
  st=$(json_get "$1/_cluster/health" 'd["status"]') || return 1
  [[ $st == green || $st == yellow ]]
}

# (the ES integ-test zip has no rest-root module, so GET / is not available there)
node_version() {
  json_get "$1/_nodes/_local?filter_path=nodes.*.version" 'list(d["nodes"].values())[0]["version"]' || echo -
}
