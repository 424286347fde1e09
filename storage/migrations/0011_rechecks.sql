-- Schema version 11: 回头看 results. `govaudit recheck` fetches again what a finding claimed fixed
-- is about and judges its rule there: passed (整改通过), failed (整改未通过) or unmeasured (the pages
-- could not be fetched, or the rule cannot be judged from a few pages). run_id is the audit run the
-- claim was made on; warc is the new evidence, relative to the database's directory.
CREATE TABLE rechecks (
  id      INTEGER PRIMARY KEY,
  site_id TEXT NOT NULL,
  rule    TEXT NOT NULL,
  subject TEXT NOT NULL,
  run_id  INTEGER NOT NULL REFERENCES runs(id),
  result  TEXT NOT NULL CHECK (result IN ('passed', 'failed', 'unmeasured')),
  note    TEXT NOT NULL DEFAULT '',
  warc    TEXT NOT NULL DEFAULT '',
  at      TEXT NOT NULL
);
CREATE INDEX rechecks_by_run ON rechecks (run_id, site_id, rule, subject, id);
