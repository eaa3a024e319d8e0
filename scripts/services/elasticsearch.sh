# shellcheck shell=bash
# Elasticsearch for scripts/services.sh, from Maven Central's
# org.elasticsearch.distribution.integ-test-zip (no JDK bundled, so
# ES_JAVA_HOME is set: Java 21+ for 9.x, Java 17 is enough for 8.x).

ES_URL=http://127.0.0.1:$ES_PORT

es_java_home() {
  if [[ -n ${KIROKU_ES_JAVA_HOME:-} ]]; then
    printf '%s' "$KIROKU_ES_JAVA_HOME"
  elif [[ ${ES_VERSION%%.*} -ge 9 ]]; then
    local j
    for j in /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/java-25-openjdk-amd64 \
      /usr/lib/jvm/temurin-21-jdk-amd64 /usr/lib/jvm/java-21-openjdk-amd64; do
      [[ -x $j/bin/java ]] && {
        printf '%s' "$j"
        return 0
      }
    done
    die "elasticsearch $ES_VERSION needs Java 21+ (none found in /usr/lib/jvm); set KIROKU_ES_JAVA_HOME, or KIROKU_ES_VERSION=8.19.21 to run on Java 17"
  else
    printf '%s' "$JAVA17_HOME"
  fi
}

ES_PLUGIN_SRC=$SCRIPT_DIR/services/elasticsearch-plugins
# bump when the way home/ is assembled changes (forces a rebuild + restart)
ES_ASSEMBLY_REV=1

# plugins/kiroku-rest-root: GET / and HEAD / (the zip lacks the rest-root
# module). Optional: written for the 9.x plugin API, skipped if it won't build.
es_add_rest_root() {
  local home=$1 java=$2 jar=$3 release p
  p=$home/plugins/kiroku-rest-root
  release=$(java_major "$java")
  if ! node_build_jar "$ES_PLUGIN_SRC/kiroku-rest-root/src" "$jar" "$java" "$release" "$home/lib/*"; then
    warn "elasticsearch: kiroku-rest-root does not build for $ES_VERSION; GET / will answer 405"
    return 0
  fi
  mkdir -p "$p"
  cp "$jar" "$p/"
  printf '%s\n' "# written by scripts/services/elasticsearch.sh" \
    "description=GET / and HEAD / (stand-in for the rest-root module missing from the integ-test zip)" \
    "version=$ES_VERSION" "name=kiroku-rest-root" \
    "classname=jp.kiroku.elasticsearch.root.KirokuRestRootPlugin" \
    "java.version=$release" "elasticsearch.version=$ES_VERSION" \
    "extended.plugins=" "has.native.controller=false" >"$p/plugin-descriptor.properties"
}

# Fetch + unpack + configure; sets CHANGED=1 when a running node must restart.
elasticsearch_install() {
  local zipdir=$CACHE_DIR/maven d stamp srchash java security=""
  d=$(node_dir elasticsearch)
  java=$(es_java_home)
  mvn_copy "org.elasticsearch.distribution.integ-test-zip:elasticsearch:$ES_VERSION:zip" "$zipdir"
  srchash=$(src_hash "$ES_PLUGIN_SRC")
  stamp="elasticsearch-$ES_VERSION+plugins-$srchash+rev-$ES_ASSEMBLY_REV"
  node_unpack elasticsearch "$zipdir/elasticsearch-$ES_VERSION.zip" "$stamp"
  if ((CHANGED)); then
    es_add_rest_root "$d/home" "$java" "$CACHE_DIR/elasticsearch-$ES_VERSION-plugins/$srchash/kiroku-rest-root.jar"
    node_finish_home elasticsearch "$stamp"
  fi
  # the integ-test zip of 8.x/9.x ships x-pack-security; older ones have no x-pack
  if [[ -d $d/home/modules/x-pack-security ]]; then
    security="xpack.security.enabled: false"
  fi
  node_config elasticsearch "# written by scripts/services.sh (edits are overwritten)
cluster.name: kiroku-es
node.name: kiroku-es-1
path.data: $d/data
path.logs: $d/logs
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
$security"
}

elasticsearch_healthy() { node_http_ok "$ES_URL"; }

elasticsearch_up() {
  local d java
  d=$(node_dir elasticsearch)
  java=$(es_java_home)
  # shellcheck disable=SC2034 # read in searchnode.sh
  CHANGED=0
  elasticsearch_install
  node_ensure_running elasticsearch "$ES_PORT" "$ES_URL" \
    ES_JAVA_HOME="$java" ES_PATH_CONF="$d/config" ES_TMPDIR="$d/tmp"
}

elasticsearch_down() { node_stop elasticsearch; }

elasticsearch_status() {
  if elasticsearch_healthy; then
    status_line elasticsearch "$(node_version "$ES_URL")" "$ES_PORT" healthy \
      "plugins=$(curl -sf -m 10 "$ES_URL/_cat/plugins?h=component" | sort -u | paste -sd, -) java=$(json_get "$ES_URL/_nodes/_local/jvm?filter_path=nodes.*.jvm.version" 'list(d["nodes"].values())[0]["jvm"]["version"]')"
    return 0
  fi
  status_line elasticsearch "$ES_VERSION" "$ES_PORT" down "log=var/services/elasticsearch/console.log"
  return 1
}
