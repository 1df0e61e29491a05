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

DO $$
DECLARE
    svc text;
BEGIN
    FOREACH svc IN ARRAY ARRAY['gateway', 'management', 'notification'] LOOP
        -- The services' migrator runs `CREATE SCHEMA IF NOT EXISTS <schema>`, which PostgreSQL
        -- permits only with CREATE on the database, even when the schema already exists.
        EXECUTE format('GRANT CONNECT, CREATE ON DATABASE %I TO %I', current_database(), 'cbec_' || svc);
        -- A role that connects without setting search_path lands in its own schema.
        EXECUTE format('ALTER ROLE %I IN DATABASE %I SET search_path = %I',
                       'cbec_' || svc, current_database(), svc);
    END LOOP;
END
$$;

\if :{?cbec_db_password}
ALTER ROLE cbec_gateway PASSWORD :'cbec_db_password';
ALTER ROLE cbec_management PASSWORD :'cbec_db_password';
ALTER ROLE cbec_notification PASSWORD :'cbec_db_password';
\endif

-- The sandbox's tables (shared/sandbox/store.py: the clock every service reads, receipts held back)
-- are shared by the three services: whichever starts first creates them, the others use them.
CREATE SCHEMA IF NOT EXISTS cbec_sandbox;
GRANT USAGE, CREATE ON SCHEMA cbec_sandbox TO cbec_gateway, cbec_management, cbec_notification;
