-- The shared store: runs planned for several machines, their work units (sites that share a
-- server, crawled by one worker at a time under a lease), and what each unit published.
CREATE TABLE shared_runs (
  id         BIGSERIAL PRIMARY KEY,
  created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  today      TEXT NOT NULL,               -- the audit date, YYYY-MM-DD
  options    TEXT NOT NULL DEFAULT '{}',  -- JSON: what the plan was made with
  config     TEXT NOT NULL DEFAULT '',    -- the configuration file's text: every worker judges alike
  status     TEXT NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'done'))
);
CREATE TABLE units (
  run_id       BIGINT NOT NULL REFERENCES shared_runs(id),
  unit_id      INT NOT NULL,
  server       TEXT NOT NULL,             -- the address (or platform) its sites share
  sites        TEXT NOT NULL,             -- JSON array of the sites, as a site list gives them
  state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'leased', 'done', 'failed')),
  generation   BIGINT NOT NULL DEFAULT 0, -- fencing token: every claim raises it; a publish must hold the latest
  owner        TEXT,
  lease_until  TIMESTAMPTZ,
  attempts     INT NOT NULL DEFAULT 0,
  last_error   TEXT NOT NULL DEFAULT '',
  published_at TIMESTAMPTZ,
  PRIMARY KEY (run_id, unit_id)
);
CREATE INDEX units_claimable ON units (state, lease_until);
-- Findings, one partition per run (created with the run): a run's findings are read and dropped together.
CREATE TABLE shared_findings (
  run_id   BIGINT NOT NULL,
  unit_id  INT NOT NULL,
  seq      INT NOT NULL,                  -- order within the unit, as its audit made them
  site_id  TEXT NOT NULL,
  rule     TEXT NOT NULL,
  subject  TEXT NOT NULL,
  url      TEXT NOT NULL,
  detail   TEXT NOT NULL,
  severity TEXT NOT NULL,
  PRIMARY KEY (run_id, site_id, rule, subject)
) PARTITION BY LIST (run_id);
CREATE TABLE site_results (
  run_id  BIGINT NOT NULL,
  unit_id INT NOT NULL,
  site_id TEXT NOT NULL,
  status  TEXT NOT NULL,
  error   TEXT NOT NULL DEFAULT '',
  pages   INT NOT NULL DEFAULT 0,
  checked INT NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, site_id)
);
CREATE TABLE artifacts (
  run_id  BIGINT NOT NULL,
  unit_id INT NOT NULL,
  key     TEXT NOT NULL,                  -- where the artifact store keeps it
  kind    TEXT NOT NULL,                  -- db, warc
  bytes   BIGINT NOT NULL,
  PRIMARY KEY (run_id, unit_id, key)
);
