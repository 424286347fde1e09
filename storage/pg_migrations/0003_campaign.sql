-- The campaign over the shared store: findings get ids (the console's handle) and the WARC record
-- of what they point at (a key under the artifact store); reviews and accounts as in SQLite; a
-- unit remembers when it was claimed, for the operator's view of leases.
ALTER TABLE shared_findings ADD COLUMN id BIGSERIAL;
ALTER TABLE shared_findings ADD COLUMN warc TEXT NOT NULL DEFAULT '';
CREATE INDEX shared_findings_by_id ON shared_findings (id);
CREATE INDEX shared_findings_by_key ON shared_findings (site_id, rule, subject);
ALTER TABLE units ADD COLUMN leased_at TIMESTAMPTZ;
CREATE TABLE shared_reviews (
  id       BIGSERIAL PRIMARY KEY,
  site_id  TEXT NOT NULL,
  rule     TEXT NOT NULL,
  subject  TEXT NOT NULL,
  run_id   BIGINT NOT NULL REFERENCES shared_runs(id),
  status   TEXT NOT NULL CHECK (status IN ('confirmed', 'false_positive', 'fixed')),
  note     TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL DEFAULT '',
  at       TEXT NOT NULL,
  account  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX shared_reviews_by_key ON shared_reviews (site_id, rule, subject, id);
CREATE TABLE shared_accounts (
  id         BIGSERIAL PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('evaluator', 'county', 'viewer')),
  sites      TEXT NOT NULL DEFAULT '[]',
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
CREATE TABLE shared_rechecks (
  id      BIGSERIAL PRIMARY KEY,
  site_id TEXT NOT NULL,
  rule    TEXT NOT NULL,
  subject TEXT NOT NULL,
  run_id  BIGINT NOT NULL REFERENCES shared_runs(id),
  result  TEXT NOT NULL CHECK (result IN ('passed', 'failed', 'unmeasured')),
  note    TEXT NOT NULL DEFAULT '',
  warc    TEXT NOT NULL DEFAULT '',
  at      TEXT NOT NULL
);
