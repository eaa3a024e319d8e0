#!/bin/sh
# First start of the production database (docker-entrypoint-initdb.d): the app's role and
# database, and the audit tables' owner role. The app's role is no superuser and is never a
# member of the owner role; the owner is a member of the app's role so that
# `manage.py secure_audit` can take over the audit tables the app's migrations create.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
  -v app_password="$KIROKU_DB_PASSWORD" -v owner_password="$KIROKU_AUDIT_OWNER_PASSWORD" <<'SQL'
CREATE ROLE kiroku LOGIN PASSWORD :'app_password';
CREATE ROLE kiroku_audit_owner LOGIN PASSWORD :'owner_password';
GRANT kiroku TO kiroku_audit_owner;
CREATE DATABASE kiroku OWNER postgres ENCODING 'UTF8' TEMPLATE template0;
\connect kiroku
-- The app creates its tables (migrations) but does not own the schema: it cannot drop
-- tables it does not own, such as the audit tables once secured.
GRANT CONNECT, TEMPORARY ON DATABASE kiroku TO kiroku;
GRANT USAGE, CREATE ON SCHEMA public TO kiroku;
SQL
