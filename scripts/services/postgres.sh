# shellcheck shell=bash
# PostgreSQL for scripts/services.sh: the project's own cluster (not the
# Debian system service) in var/services/postgres, run as $SVC_USER because
# postgres refuses root. Separate file because initdb/role setup is long.

PG_DIR=$VAR_DIR/postgres
PG_DATA=$PG_DIR/data
PG_SOCK=$PG_DIR/run
PG_LOG=$PG_DIR/log/postgres.log
PG_PIDFILE=$PG_DIR/postgres.pid

pg_bin() { printf '/usr/lib/postgresql/%s/bin/%s' "$PG_MAJOR" "$1"; }

postgres_apt_packages() { printf '%s\n' "postgresql-$PG_MAJOR"; }

postgres_pg_ctl() {
  as_svc env -i LANG=C.UTF-8 PATH=/usr/bin:/bin "$(pg_bin pg_ctl)" -D "$PG_DATA" "$@"
}

# superuser psql over the unix socket (trust auth for local connections)
postgres_psql() {
  "$(pg_bin psql)" -X -q -v ON_ERROR_STOP=1 -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres "$@"
}

postgres_running() { postgres_pg_ctl status >/dev/null 2>&1; }

postgres_healthy() {
  PGPASSWORD=$PG_PASSWORD PGCONNECT_TIMEOUT=3 "$(pg_bin psql)" -X -qAt \
    -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c 'select 1' >/dev/null 2>&1
}

postgres_init() {
  [[ -x $(pg_bin initdb) ]] || die "postgres: $(pg_bin initdb) missing (apt package postgresql-$PG_MAJOR)"
  svc_dirs postgres run log
  if [[ ! -s $PG_DATA/PG_VERSION ]]; then
    log "postgres: initdb $PG_DATA"
    rm -rf "$PG_DATA"
    as_svc env -i LANG=C.UTF-8 PATH=/usr/bin:/bin "$(pg_bin initdb)" -D "$PG_DATA" -U postgres \
      --encoding=UTF8 --locale=C.UTF-8 --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/log/initdb.log" 2>&1 ||
      {
        show_log_tail "$PG_DIR/log/initdb.log"
        die "postgres: initdb failed"
      }
    echo "include_if_exists = 'kiroku.conf'" >>"$PG_DATA/postgresql.conf"
  fi
  # regenerated on every up so a moved checkout still points at its own socket dir
  write_if_changed "$PG_DATA/kiroku.conf" <<EOF
# written by scripts/services.sh
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = '$PG_SOCK'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
max_connections = 200
EOF
  chown "$SVC_USER:$SVC_USER" "$PG_DATA/kiroku.conf"
}

postgres_up() {
  postgres_init
  if postgres_running; then
    log "postgres: already running"
  else
    if port_busy "$PG_PORT"; then
      die "postgres: port $PG_PORT is taken by another process"
    fi
    log "postgres: starting on 127.0.0.1:$PG_PORT"
    if ! postgres_pg_ctl start -w -t "$PG_TIMEOUT" -s -l "$PG_LOG"; then
      show_log_tail "$PG_LOG"
      die "postgres: pg_ctl start failed"
    fi
  fi
  head -n1 "$PG_DATA/postmaster.pid" >"$PG_PIDFILE"
  # role + database, idempotent
  postgres_psql <<EOF
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_USER') THEN
    CREATE ROLE "$PG_USER" LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  ELSE
    ALTER ROLE "$PG_USER" LOGIN CREATEDB PASSWORD '$PG_PASSWORD';
  END IF;
END
\$\$;
EOF
  # The audit tables' own owner (docs/security.md): a member of the app's role so that it
  # can take over the tables the app's migrations create (`manage.py secure_audit`); the
  # app's role is never a member of it.
  postgres_psql <<EOF
DO \$\$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_AUDIT_OWNER') THEN
    CREATE ROLE "$PG_AUDIT_OWNER" LOGIN PASSWORD '$PG_AUDIT_OWNER_PASSWORD';
  ELSE
    ALTER ROLE "$PG_AUDIT_OWNER" LOGIN NOCREATEDB NOCREATEROLE PASSWORD '$PG_AUDIT_OWNER_PASSWORD';
  END IF;
END
\$\$;
GRANT "$PG_USER" TO "$PG_AUDIT_OWNER";
REVOKE "$PG_AUDIT_OWNER" FROM "$PG_USER";
EOF
  if [[ -z $(postgres_psql -At -c "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") ]]; then
    log "postgres: creating database $PG_DB"
    postgres_psql -c "CREATE DATABASE \"$PG_DB\" OWNER \"$PG_USER\" ENCODING 'UTF8' TEMPLATE template0"
  fi
  wait_healthy postgres postgres_healthy "$PG_TIMEOUT" "$PG_LOG" postgres_running
}

postgres_down() {
  if [[ -s $PG_DATA/PG_VERSION ]] && postgres_running; then
    log "postgres: stopping"
    postgres_pg_ctl stop -m fast -w -t 60 -s || warn "postgres: pg_ctl stop failed"
  else
    log "postgres: not running"
  fi
  rm -f "$PG_PIDFILE"
}

postgres_status() {
  local ver=-
  if postgres_healthy; then
    ver=$(PGPASSWORD=$PG_PASSWORD "$(pg_bin psql)" -X -qAt -h 127.0.0.1 -p "$PG_PORT" -U "$PG_USER" -d "$PG_DB" -c 'show server_version' 2>/dev/null | awk '{print $1}')
    status_line postgres "$ver" "$PG_PORT" healthy "db=$PG_DB user=$PG_USER data=${PG_DATA#"$ROOT_DIR"/}"
    return 0
  fi
  status_line postgres "$ver" "$PG_PORT" down "log=${PG_LOG#"$ROOT_DIR"/}"
  return 1
}
