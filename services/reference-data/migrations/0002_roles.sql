-- Up Migration
-- The application roles, created by the migration (never by hand) and reached only with IAM
-- database authentication: membership in rds_iam makes RDS accept an IAM token as the password
-- and refuse a password. Roles are cluster-wide, so creation is guarded and the rest is idempotent.
--   trading_app      the trading API: reads the cache entries and what changed, nothing else
--   trading_refdata  the reference-data CLI: changes reference data; reads, never writes, the audit

DO $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'trading_app') THEN
    CREATE ROLE trading_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'trading_refdata') THEN
    CREATE ROLE trading_refdata LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
  END IF;
  EXECUTE format('GRANT CONNECT ON DATABASE %I TO trading_app, trading_refdata', current_database());
END $$;

GRANT rds_iam TO trading_app, trading_refdata;

-- The service is read-only by construction, with short statements.
ALTER ROLE trading_app SET default_transaction_read_only = on;
ALTER ROLE trading_app SET statement_timeout = '5s';
ALTER ROLE trading_app SET idle_in_transaction_session_timeout = '10s';
ALTER ROLE trading_refdata SET statement_timeout = '30s';
ALTER ROLE trading_refdata SET idle_in_transaction_session_timeout = '60s';

GRANT USAGE ON SCHEMA refdata TO trading_app, trading_refdata;

GRANT SELECT ON refdata.instrument_entries, refdata.account_entries, refdata.client_entries, refdata.revision
  TO trading_app;
-- Which entities changed since a revision; not who changed them or how.
GRANT SELECT (revision, table_name, entity_key) ON refdata.audit TO trading_app;

GRANT SELECT, INSERT, UPDATE ON refdata.instruments, refdata.accounts, refdata.risk_limits, refdata.api_clients
  TO trading_refdata;
GRANT SELECT, INSERT, UPDATE, DELETE ON refdata.client_entitlements TO trading_refdata;
GRANT SELECT ON refdata.audit, refdata.revision, refdata.instrument_entries, refdata.account_entries,
  refdata.client_entries TO trading_refdata;
