#!/bin/sh
# Run once by the postgres image when it initialises its data directory (docker-entrypoint-initdb.d): DoitCRM gets
# a role of its own that owns its database, so the services never log in as the superuser (production mode refuses
# that; a superuser session can run programs on the database host through COPY … PROGRAM).
# DOITCRM_DB_USER and DOITCRM_DB_NAME default to doitcrm; DOITCRM_DB_PASSWORD is required.
set -eu
: "${DOITCRM_DB_PASSWORD:?set POSTGRES_PASSWORD in .env}"
psql -v ON_ERROR_STOP=1 --no-psqlrc --username "${POSTGRES_USER:-postgres}" --dbname postgres \
  --set=role="${DOITCRM_DB_USER:-doitcrm}" --set=database="${DOITCRM_DB_NAME:-doitcrm}" --set=password="$DOITCRM_DB_PASSWORD" <<'SQL'
CREATE ROLE :"role" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' LOCALE 'C.UTF-8' TEMPLATE template0;
SQL
