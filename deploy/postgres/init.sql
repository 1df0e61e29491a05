-- Roles and schemas of cbec-clearance, in database `cbec` (see docs/architecture.md, "Databases").
-- Idempotent: run by deploy/postgres/postgres.sh after every start (psql, connected to `cbec` as
-- `postgres`) and by the postgres image of docker-compose.yml at first start (mounted into
-- /docker-entrypoint-initdb.d). Creating the database itself is not done here: the image does it
-- from POSTGRES_DB, postgres.sh before running this file.
--
-- Passwords: when the environment has CBEC_DB_PASSWORD (docker-compose.yml sets it), every role
-- gets that password; the local cluster of postgres.sh uses trust authentication and needs none.
\set ON_ERROR_STOP on
SET client_min_messages = warning;
\getenv cbec_db_password CBEC_DB_PASSWORD

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cbec_gateway', 'cbec_management', 'cbec_notification'] LOOP
        IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r) THEN
            EXECUTE format('CREATE ROLE %I LOGIN', r);
        END IF;
    END LOOP;
END
$$;

CREATE SCHEMA IF NOT EXISTS gateway AUTHORIZATION cbec_gateway;
CREATE SCHEMA IF NOT EXISTS management AUTHORIZATION cbec_management;
CREATE SCHEMA IF NOT EXISTS notification AUTHORIZATION cbec_notification;

-- A role that connects without setting search_path lands in its own schema.
ALTER ROLE cbec_gateway IN DATABASE cbec SET search_path = gateway;
ALTER ROLE cbec_management IN DATABASE cbec SET search_path = management;
ALTER ROLE cbec_notification IN DATABASE cbec SET search_path = notification;

\if :{?cbec_db_password}
ALTER ROLE cbec_gateway PASSWORD :'cbec_db_password';
ALTER ROLE cbec_management PASSWORD :'cbec_db_password';
ALTER ROLE cbec_notification PASSWORD :'cbec_db_password';
\endif
