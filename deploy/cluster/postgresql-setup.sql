-- The role and database of a clustered trueup (trueup.store=postgresql). Run once, as a
-- PostgreSQL superuser, with psql; the role's password comes from a psql variable, so it never
-- lands in this file or in the shell's history:
--
--   read -rs TRUEUP_DB_PASSWORD
--   sudo -u postgres psql -X -v ON_ERROR_STOP=1 -v role=trueup -v database=trueup \
--     -v password="$TRUEUP_DB_PASSWORD" -f deploy/cluster/postgresql-setup.sql
--
-- trueup's replicas make and upgrade their own tables (Flyway, at start, in schema public:
-- trueup_* for the controller's state, qrtz_* for Quartz's clustered scheduler, and
-- trueup_schema_history), so the role owns its database and needs nothing more. The e2e suite's
-- scenario 17 sets up its PostgreSQL with this file.

CREATE ROLE :"role" LOGIN PASSWORD :'password';
CREATE DATABASE :"database" OWNER :"role" ENCODING 'UTF8' TEMPLATE template0;
-- Only trueup connects to its database.
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"role";
\connect :"database"
-- PostgreSQL 15 and newer: the database owner owns schema public already. Older servers let
-- every role create in it; keep it to trueup there too.
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
ALTER SCHEMA public OWNER TO :"role";
