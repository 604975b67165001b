-- Up Migration
-- Reference data: the system of record the order path's risk checks are cached from.
-- Forward-only: an applied migration is never edited (migrations.sha256 pins every file); change
-- the schema with a new, higher-numbered file.

CREATE SCHEMA IF NOT EXISTS refdata;

-- One row whose value every change bumps under its row lock. Writers therefore take revisions in
-- commit order, and a reader that sees revision N also sees every change numbered below N: the
-- cache syncer relies on that to copy changes incrementally without missing one.
CREATE TABLE refdata.revision (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  value bigint NOT NULL DEFAULT 0 CHECK (value >= 0)
);
INSERT INTO refdata.revision (singleton, value) VALUES (true, 0);

-- Prices and sizes are integers in minor units (cents) and whole units, as on the order path.
CREATE TABLE refdata.instruments (
  symbol text PRIMARY KEY CHECK (symbol ~ '^[A-Z0-9][A-Z0-9._-]{0,15}$'),
  status text NOT NULL DEFAULT 'trading' CHECK (status IN ('trading', 'halted')),
  tick_size bigint NOT NULL CHECK (tick_size > 0 AND tick_size <= 999999999999999),
  lot_size bigint NOT NULL CHECK (lot_size > 0 AND lot_size <= 1000000000000),
  currency char(3) NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  reference_price bigint NOT NULL CHECK (reference_price > 0 AND reference_price <= 999999999999999),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refdata.accounts (
  account_id text PRIMARY KEY CHECK (account_id ~ '^[A-Za-z0-9_-]{1,64}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'closed')),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Pre-trade limits (SEC 15c3-5 style credit and erroneous-order controls) and the order rate.
CREATE TABLE refdata.risk_limits (
  account_id text PRIMARY KEY REFERENCES refdata.accounts (account_id),
  max_order_quantity bigint NOT NULL CHECK (max_order_quantity > 0 AND max_order_quantity <= 1000000000000),
  -- quantity x price can exceed 2^63 only beyond any sane limit; numeric keeps it exact anyway
  max_order_notional numeric(38, 0) NOT NULL CHECK (max_order_notional > 0),
  max_open_orders integer NOT NULL CHECK (max_open_orders >= 0 AND max_open_orders <= 1000000),
  -- the collar in basis points of the instrument's reference price (500 = 5 %)
  price_collar_bps integer NOT NULL CHECK (price_collar_bps BETWEEN 1 AND 10000),
  orders_per_second integer NOT NULL CHECK (orders_per_second BETWEEN 1 AND 100000),
  burst integer NOT NULL CHECK (burst BETWEEN 1 AND 1000000),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- API clients (OAuth client ids) and the accounts each may act for, with which scopes.
CREATE TABLE refdata.api_clients (
  client_id text PRIMARY KEY CHECK (client_id ~ '^[A-Za-z0-9._:-]{1,128}$'),
  name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  kind text NOT NULL CHECK (kind IN ('trading', 'execution_gateway')),
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
  orders_per_second integer NOT NULL CHECK (orders_per_second BETWEEN 1 AND 100000),
  burst integer NOT NULL CHECK (burst BETWEEN 1 AND 1000000),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE refdata.client_entitlements (
  client_id text NOT NULL REFERENCES refdata.api_clients (client_id),
  account_id text NOT NULL REFERENCES refdata.accounts (account_id),
  scopes text[] NOT NULL CHECK (
    cardinality(scopes) > 0 AND scopes <@ ARRAY['orders.read', 'orders.write', 'fills.write']::text[]
  ),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (client_id, account_id)
);
CREATE INDEX client_entitlements_by_account ON refdata.client_entitlements (account_id);

-- fills.write belongs to the execution gateway only: a check across two tables needs a trigger.
CREATE FUNCTION refdata.check_entitlement_scopes() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, refdata AS $$
BEGIN
  IF 'fills.write' = ANY (NEW.scopes)
     AND (SELECT kind FROM refdata.api_clients WHERE client_id = NEW.client_id) <> 'execution_gateway' THEN
    RAISE EXCEPTION 'only an execution_gateway client may hold fills.write (client %)', NEW.client_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER check_scopes BEFORE INSERT OR UPDATE ON refdata.client_entitlements
  FOR EACH ROW EXECUTE FUNCTION refdata.check_entitlement_scopes();

-- A client that holds fills.write cannot be turned into a trading client.
CREATE FUNCTION refdata.check_client_kind() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, refdata AS $$
BEGIN
  IF NEW.kind <> 'execution_gateway' AND EXISTS (
    SELECT 1 FROM refdata.client_entitlements WHERE client_id = NEW.client_id AND 'fills.write' = ANY (scopes)
  ) THEN
    RAISE EXCEPTION 'client % holds fills.write and must stay an execution_gateway', NEW.client_id
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER check_kind BEFORE UPDATE OF kind ON refdata.api_clients
  FOR EACH ROW EXECUTE FUNCTION refdata.check_client_kind();

-- Every change, who made it, when, and the row before and after. Written only by the trigger below
-- (SECURITY DEFINER): the roles that change reference data can read the audit but never write it.
CREATE TABLE refdata.audit (
  id bigserial PRIMARY KEY,
  revision bigint NOT NULL,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  actor text NOT NULL CHECK (length(actor) BETWEEN 1 AND 512),
  db_user text NOT NULL DEFAULT session_user,
  client_addr inet DEFAULT inet_client_addr(),
  table_name text NOT NULL,
  operation text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
  entity_key text NOT NULL,
  before jsonb,
  after jsonb
);
CREATE INDEX audit_by_revision ON refdata.audit (revision);
CREATE INDEX audit_by_entity ON refdata.audit (table_name, entity_key, id);

-- updated_at moves only when something else changed, so a repeated command is a no-op.
CREATE FUNCTION refdata.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, refdata AS $$
BEGIN
  IF to_jsonb(NEW) - 'updated_at' IS DISTINCT FROM to_jsonb(OLD) - 'updated_at' THEN
    NEW.updated_at := now();
  ELSE
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END $$;

-- TG_ARGV names the key columns of the table.
CREATE FUNCTION refdata.record_change() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, refdata AS $$
DECLARE
  who text := nullif(current_setting('refdata.actor', true), '');
  old_row jsonb := CASE WHEN TG_OP = 'INSERT' THEN NULL ELSE to_jsonb(OLD) END;
  new_row jsonb := CASE WHEN TG_OP = 'DELETE' THEN NULL ELSE to_jsonb(NEW) END;
  key_parts text[] := ARRAY[]::text[];
  column_name text;
  next_revision bigint;
BEGIN
  IF who IS NULL THEN
    RAISE EXCEPTION 'reference data changes must name their actor (SET LOCAL refdata.actor)'
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  IF TG_OP = 'UPDATE' AND old_row = new_row THEN
    RETURN NULL;
  END IF;
  FOREACH column_name IN ARRAY TG_ARGV LOOP
    key_parts := key_parts || (coalesce(new_row, old_row) ->> column_name);
  END LOOP;
  UPDATE refdata.revision SET value = value + 1 WHERE singleton RETURNING value INTO next_revision;
  INSERT INTO refdata.audit (revision, actor, table_name, operation, entity_key, before, after)
  VALUES (next_revision, who, TG_TABLE_NAME, TG_OP, array_to_string(key_parts, '/'), old_row, new_row);
  RETURN NULL;
END $$;

CREATE TRIGGER touch BEFORE UPDATE ON refdata.instruments FOR EACH ROW EXECUTE FUNCTION refdata.touch_updated_at();
CREATE TRIGGER touch BEFORE UPDATE ON refdata.accounts FOR EACH ROW EXECUTE FUNCTION refdata.touch_updated_at();
CREATE TRIGGER touch BEFORE UPDATE ON refdata.risk_limits FOR EACH ROW EXECUTE FUNCTION refdata.touch_updated_at();
CREATE TRIGGER touch BEFORE UPDATE ON refdata.api_clients FOR EACH ROW EXECUTE FUNCTION refdata.touch_updated_at();
CREATE TRIGGER touch BEFORE UPDATE ON refdata.client_entitlements FOR EACH ROW EXECUTE FUNCTION refdata.touch_updated_at();

CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON refdata.instruments
  FOR EACH ROW EXECUTE FUNCTION refdata.record_change('symbol');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON refdata.accounts
  FOR EACH ROW EXECUTE FUNCTION refdata.record_change('account_id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON refdata.risk_limits
  FOR EACH ROW EXECUTE FUNCTION refdata.record_change('account_id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON refdata.api_clients
  FOR EACH ROW EXECUTE FUNCTION refdata.record_change('client_id');
CREATE TRIGGER audit AFTER INSERT OR UPDATE OR DELETE ON refdata.client_entitlements
  FOR EACH ROW EXECUTE FUNCTION refdata.record_change('client_id', 'account_id');

-- What the order path reads, one row per cache entry. Numbers that can exceed 2^53 are text.
CREATE VIEW refdata.instrument_entries AS
  SELECT symbol, status, tick_size::text AS tick_size, lot_size::text AS lot_size, currency,
         reference_price::text AS reference_price
  FROM refdata.instruments;

CREATE VIEW refdata.account_entries AS
  SELECT a.account_id, a.status,
         l.max_order_quantity::text AS max_order_quantity, l.max_order_notional::text AS max_order_notional,
         l.max_open_orders, l.price_collar_bps, l.orders_per_second, l.burst
  FROM refdata.accounts a LEFT JOIN refdata.risk_limits l USING (account_id);

CREATE VIEW refdata.client_entries AS
  SELECT c.client_id, c.kind, c.status, c.orders_per_second, c.burst,
         coalesce(jsonb_object_agg(e.account_id, to_jsonb(e.scopes)) FILTER (WHERE e.account_id IS NOT NULL), '{}'::jsonb)
           AS entitlements
  FROM refdata.api_clients c LEFT JOIN refdata.client_entitlements e USING (client_id)
  GROUP BY c.client_id, c.kind, c.status, c.orders_per_second, c.burst;
