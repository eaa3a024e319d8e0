# shellcheck shell=bash
# S3 with Object Lock for scripts/services.sh: versitygw (posix backend with a
# versioning directory, which object lock requires), built from the Go module
# proxy into the cache. Runs as root (allowed), data in var/services/s3.
#
# Two accounts (internal IAM in var/services/s3/iam): the root account
# (S3_ACCESS_KEY, for setup and the tests' own checks) and Kiroku's account
# (S3_APP_ACCESS_KEY, role "user"), which reaches the bucket only through the
# bucket policy set here: objects, retention and legal hold, never the policy,
# the Object Lock configuration or a GOVERNANCE bypass (docs/security.md).

S3_DIR=$VAR_DIR/s3
S3_BIN=$CACHE_DIR/bin/versitygw
S3_PIDFILE=$S3_DIR/s3.pid
S3_LOG=$S3_DIR/versitygw.log
S3_URL=http://127.0.0.1:$S3_PORT
S3_IAM_DIR=$S3_DIR/iam
# The bucket's default retention: GOVERNANCE here (root can clean up a dev bucket);
# production (docker-compose.yml) uses COMPLIANCE.
S3_DEFAULT_RETENTION_MODE=GOVERNANCE
S3_DEFAULT_RETENTION_DAYS=${KIROKU_DEFAULT_RETENTION_DAYS:-365}

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
  mkdir -p "$S3_DIR/data" "$S3_DIR/versions" "$S3_IAM_DIR"
  if s3_alive >/dev/null; then
    log "s3: already running, checking health"
  else
    if port_busy "$S3_PORT"; then
      die "s3: port $S3_PORT is taken by another process"
    fi
    log "s3: starting versitygw on 127.0.0.1:$S3_PORT"
    printf '\n===== s3 start %s =====\n' "$(date -Is)" >>"$S3_LOG"
    setsid "$S3_BIN" --access "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" \
      --port "127.0.0.1:$S3_PORT" --region "$S3_REGION" --quiet --iam-dir "$S3_IAM_DIR" \
      posix --versioning-dir "$S3_DIR/versions" "$S3_DIR/data" >>"$S3_LOG" 2>&1 </dev/null &
    printf '%s\n' "$!" >"$S3_PIDFILE"
  fi
  wait_healthy s3 s3_healthy 60 "$S3_LOG" s3_alive
  s3_setup
}

# s3_root METHOD PATH [CURL ARGS...]: a request signed with the root account.
s3_root() {
  local method=$1 path=$2
  shift 2
  curl -sS -f -o /dev/null -m 30 --aws-sigv4 "aws:amz:$S3_REGION:s3" \
    --user "$S3_ACCESS_KEY:$S3_SECRET_KEY" -X "$method" "$S3_URL$path" "$@"
}

# s3_root_put PATH BODY: PUT a body with its MD5 and SHA-256 (S3 wants both for the
# Object Lock configuration and the policy).
s3_root_put() {
  local path=$1 body=$2
  s3_root PUT "$path" --data-binary "$body" \
    -H "Content-MD5: $(printf '%s' "$body" | python3 -c "$S3_MD5")" \
    -H "x-amz-content-sha256: $(printf '%s' "$body" | sha256sum | cut -d' ' -f1)"
}

S3_MD5='import base64, hashlib, sys; print(base64.b64encode(hashlib.md5(sys.stdin.buffer.read()).digest()).decode())'

s3_admin() {
  "$S3_BIN" admin --access "$S3_ACCESS_KEY" --secret "$S3_SECRET_KEY" \
    --region "$S3_REGION" --endpoint-url "$S3_URL" "$@"
}

# s3_bucket_policy BUCKET: the app's rights: objects, their retention and legal hold,
# reading the bucket's settings. Not PutBucketPolicy, PutBucketObjectLockConfiguration,
# BypassGovernanceRetention, PutBucketVersioning or DeleteBucket. Root gets the bypass
# (versitygw asks the policy even for root) to clean up. tests/storage/helpers.py
# builds the same policy for the test buckets.
s3_bucket_policy() {
  local bucket=$1
  printf '{"Version": "2012-10-17", "Statement": [
 {"Sid": "KirokuApp", "Effect": "Allow", "Principal": {"AWS": ["%s"]},
  "Action": ["s3:ListBucket", "s3:ListBucketVersions", "s3:GetBucketVersioning",
   "s3:GetBucketObjectLockConfiguration", "s3:GetBucketLocation",
   "s3:ListBucketMultipartUploads", "s3:ListMultipartUploadParts", "s3:AbortMultipartUpload",
   "s3:PutObject", "s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObjectVersion",
   "s3:GetObjectTagging", "s3:GetObjectVersionTagging", "s3:PutObjectTagging",
   "s3:PutObjectVersionTagging", "s3:GetObjectRetention", "s3:PutObjectRetention",
   "s3:GetObjectLegalHold", "s3:PutObjectLegalHold"],
  "Resource": ["arn:aws:s3:::%s", "arn:aws:s3:::%s/*"]},
 {"Sid": "RootCleanup", "Effect": "Allow", "Principal": {"AWS": ["%s"]},
  "Action": ["s3:BypassGovernanceRetention"], "Resource": ["arn:aws:s3:::%s/*"]}
]}' "$S3_APP_ACCESS_KEY" "$bucket" "$bucket" "$S3_ACCESS_KEY" "$bucket"
}

# The app account, and bucket S3_BUCKET with Object Lock, its default retention and
# the app's policy. Idempotent: runs on every `up`.
s3_setup() {
  if ! s3_admin list-users | awk '{print $1}' | grep -qx "$S3_APP_ACCESS_KEY"; then
    log "s3: creating the app account $S3_APP_ACCESS_KEY (role user)"
    s3_admin create-user --access "$S3_APP_ACCESS_KEY" --secret "$S3_APP_SECRET_KEY" --role user
  fi
  local empty
  empty=$(printf '' | sha256sum | cut -d' ' -f1)
  if ! s3_root HEAD "/$S3_BUCKET" -H "x-amz-content-sha256: $empty" 2>/dev/null; then
    log "s3: creating bucket $S3_BUCKET with Object Lock"
    s3_root PUT "/$S3_BUCKET" -H "x-amz-content-sha256: $empty" \
      -H "x-amz-bucket-object-lock-enabled: true"
  fi
  s3_root_put "/$S3_BUCKET?object-lock=" "$(
    printf '<ObjectLockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    printf '<ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>'
    printf '<Mode>%s</Mode><Days>%s</Days>' "$S3_DEFAULT_RETENTION_MODE" "$S3_DEFAULT_RETENTION_DAYS"
    printf '</DefaultRetention></Rule></ObjectLockConfiguration>'
  )"
  s3_root_put "/$S3_BUCKET?policy=" "$(s3_bucket_policy "$S3_BUCKET")"
  log "s3: bucket $S3_BUCKET: default retention $S3_DEFAULT_RETENTION_MODE $S3_DEFAULT_RETENTION_DAYS days; app account $S3_APP_ACCESS_KEY by policy"
}

s3_down() { stop_pidfile s3 "$S3_PIDFILE" 30; }

s3_status() {
  local ver=-
  [[ -f $S3_BIN.version ]] && ver="versitygw-$(cat "$S3_BIN.version")"
  if s3_healthy; then
    status_line s3 "$ver" "$S3_PORT" healthy "object-lock via posix --versioning-dir; bucket=$S3_BUCKET region=$S3_REGION app=$S3_APP_ACCESS_KEY"
    return 0
  fi
  status_line s3 "$ver" "$S3_PORT" down "log=${S3_LOG#"$ROOT_DIR"/}"
  return 1
}

# Object Lock self test (bucket svc-selftest, 60 s COMPLIANCE retention).
s3_selftest() {
  python3 "$SCRIPT_DIR/services/s3_selftest.py" "$S3_URL" "$S3_ACCESS_KEY" "$S3_SECRET_KEY" "$S3_REGION"
}
