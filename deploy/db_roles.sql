-- The platform's two database roles, and what each may do in one database.
--
--   owner (platform_owner)  owns every object in the `public` schema; runs
--                           `manage.py migrate`, `audit_prune` and restores.
--   app   (platform_app)    what the web server, the worker and the scheduler
--                           connect as. It owns nothing, so it cannot drop or
--                           alter a table nor disable a trigger; on the
--                           append-only tables it may add rows and nothing more
--                           (and give an audit event its place in the chain).
--
-- Run it as a superuser against the database concerned, before and after every
-- `migrate` and after every restore; a second run changes nothing:
--
--   psql "postgres://postgres@127.0.0.1:5432/platform" -f deploy/db_roles.sql \
--       [-v owner_role=NAME] [-v app_role=NAME] [-v owner_password=...] [-v app_password=...]
--
-- Passwords are set only when given; local trust authentication needs none.

\set ON_ERROR_STOP on
\set QUIET on
\if :{?owner_role}
\else
\set owner_role platform_owner
\endif
\if :{?app_role}
\else
\set app_role platform_app
\endif
\if :{?owner_password}
\else
\set owner_password ''
\endif
\if :{?app_password}
\else
\set app_password ''
\endif

-- psql does not expand its variables inside DO blocks; the names travel as settings.
SELECT set_config('platform_roles.owner', :'owner_role', false) AS _owner,
       set_config('platform_roles.app', :'app_role', false) AS _app \gset

DO $roles$
DECLARE
    owner_role text := current_setting('platform_roles.owner');
    app_role text := current_setting('platform_roles.app');
    role_name text;
BEGIN
    IF owner_role = app_role THEN
        RAISE EXCEPTION 'the owner role and the app role must be two roles, not %', owner_role;
    END IF;
    FOREACH role_name IN ARRAY ARRAY[owner_role, app_role] LOOP
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = role_name) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I LOGIN', role_name);
            EXCEPTION WHEN duplicate_object OR unique_violation THEN
                NULL;  -- created meanwhile by a run against another database of the cluster
            END;
        END IF;
        -- A superuser would bypass every grant below; refuse rather than demote one.
        IF EXISTS (SELECT FROM pg_roles WHERE rolname = role_name AND rolsuper) THEN
            RAISE EXCEPTION 'role % is a superuser; choose another role name', role_name;
        END IF;
        IF EXISTS (
            SELECT FROM pg_roles WHERE rolname = role_name
            AND (rolcreatedb OR rolcreaterole OR rolreplication OR rolbypassrls OR NOT rolcanlogin)
        ) THEN
            EXECUTE format(
                'ALTER ROLE %I LOGIN NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS', role_name
            );
        END IF;
    END LOOP;
    -- A role the app belongs to is a role it can SET ROLE to.
    FOR role_name IN
        SELECT g.rolname FROM pg_auth_members m
        JOIN pg_roles g ON g.oid = m.roleid
        JOIN pg_roles u ON u.oid = m.member
        WHERE u.rolname = app_role
    LOOP
        EXECUTE format('REVOKE %I FROM %I', role_name, app_role);
    END LOOP;
END
$roles$;

SELECT format('ALTER ROLE %I PASSWORD %L', :'owner_role', :'owner_password')
    WHERE :'owner_password' <> '' \gexec
SELECT format('ALTER ROLE %I PASSWORD %L', :'app_role', :'app_password')
    WHERE :'app_password' <> '' \gexec

DO $grants$
DECLARE
    owner_role text := current_setting('platform_roles.owner');
    app_role text := current_setting('platform_roles.app');
    owner_oid oid := (SELECT oid FROM pg_roles WHERE rolname = owner_role);
    app_oid oid := (SELECT oid FROM pg_roles WHERE rolname = app_role);
    db text := current_database();
    obj record;
BEGIN
    -- Ownership: whatever the app owns (the database included), and every
    -- object of the schema made by someone else (a migration run as a
    -- superuser), goes to the owner. Sequences of serial and identity columns
    -- follow their tables; objects of extensions stay with the extension.
    IF EXISTS (SELECT FROM pg_database WHERE datname = db AND datdba = app_oid) THEN
        EXECUTE format('ALTER DATABASE %I OWNER TO %I', db, owner_role);
    END IF;
    EXECUTE format('REASSIGN OWNED BY %I TO %I', app_role, owner_role);
    FOR obj IN
        SELECT c.oid::regclass AS name,
               CASE c.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                   WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'f' THEN 'FOREIGN TABLE'
                   ELSE 'TABLE' END AS kind
        FROM pg_class c
        WHERE c.relnamespace = 'public'::regnamespace
          AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
          AND c.relowner <> owner_oid
          AND NOT EXISTS (
              SELECT FROM pg_depend d
              WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                AND d.deptype IN ('e', 'a', 'i')
          )
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', obj.kind, obj.name, owner_role);
    END LOOP;
    FOR obj IN
        SELECT p.oid::regprocedure AS name,
               CASE p.prokind WHEN 'p' THEN 'PROCEDURE' WHEN 'a' THEN 'AGGREGATE'
                   ELSE 'FUNCTION' END AS kind
        FROM pg_proc p
        WHERE p.pronamespace = 'public'::regnamespace
          AND p.proowner <> owner_oid
          AND NOT EXISTS (
              SELECT FROM pg_depend d
              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e'
          )
    LOOP
        EXECUTE format('ALTER %s %s OWNER TO %I', obj.kind, obj.name, owner_role);
    END LOOP;

    -- The database and the schema: both connect; only the owner creates objects.
    EXECUTE format('GRANT CONNECT, TEMPORARY ON DATABASE %I TO %I, %I', db, owner_role, app_role);
    EXECUTE format('REVOKE CREATE ON DATABASE %I FROM PUBLIC, %I', db, app_role);
    REVOKE CREATE ON SCHEMA public FROM PUBLIC;
    EXECUTE format('GRANT USAGE, CREATE ON SCHEMA public TO %I', owner_role);
    EXECUTE format('REVOKE CREATE ON SCHEMA public FROM %I', app_role);
    EXECUTE format('GRANT USAGE ON SCHEMA public TO %I', app_role);

    -- Ordinary tables: read and write rows. Revoking first drops anything wider
    -- granted before (TRUNCATE, TRIGGER, REFERENCES, column grants); all of it
    -- happens in this one transaction, so a running app never sees the gap.
    REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC;
    EXECUTE format('REVOKE ALL ON ALL TABLES IN SCHEMA public FROM %I', app_role);
    EXECUTE format(
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO %I', app_role
    );
    EXECUTE format('REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM %I', app_role);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO %I', app_role);

    -- Tables the app only adds to. Their triggers refuse changes as well; the
    -- grants make the refusal hold even for a statement the triggers let by.
    --   audit_auditevent       sealing sets sequence, prev_hash and hash once
    --   audit_apirequestlog    deleting a user clears user_id (SET_NULL);
    --                          retention deletes rows, as the owner
    --   audit_auditchainanchor written only by retention, as the owner
    --   recharge_ledgerentry   a mistake gets a reversing entry
    --   django_migrations      written only by `migrate`, as the owner
    -- A new append-only table belongs in this list.
    FOR obj IN
        SELECT * FROM (VALUES
            ('audit_auditevent', 'SELECT, INSERT', 'sequence, prev_hash, hash'),
            ('audit_apirequestlog', 'SELECT, INSERT', 'user_id'),
            ('audit_auditchainanchor', 'SELECT', NULL),
            ('recharge_ledgerentry', 'SELECT, INSERT', NULL),
            ('django_migrations', 'SELECT', NULL)
        ) AS t(name, privileges, update_columns)
        WHERE to_regclass(format('public.%I', t.name)) IS NOT NULL
    LOOP
        EXECUTE format('REVOKE ALL ON public.%I FROM %I', obj.name, app_role);
        EXECUTE format('GRANT %s ON public.%I TO %I', obj.privileges, obj.name, app_role);
        IF obj.update_columns IS NOT NULL THEN
            EXECUTE format(
                'GRANT UPDATE (%s) ON public.%I TO %I', obj.update_columns, obj.name, app_role
            );
        END IF;
    END LOOP;

    -- Tables and sequences that later migrations create get the ordinary grants.
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
        'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO %I', owner_role, app_role
    );
    EXECUTE format(
        'ALTER DEFAULT PRIVILEGES FOR ROLE %I IN SCHEMA public '
        'GRANT USAGE, SELECT ON SEQUENCES TO %I', owner_role, app_role
    );

    IF EXISTS (
        SELECT FROM pg_shdepend
        WHERE refclassid = 'pg_authid'::regclass AND refobjid = app_oid AND deptype = 'o'
          AND dbid IN (0, (SELECT oid FROM pg_database WHERE datname = db))
    ) THEN
        RAISE EXCEPTION 'role % still owns objects', app_role;
    END IF;
END
$grants$;
