-- Schema version 8: reviews of findings (人工复核) by evaluators and the county's staff. A review is
-- keyed by the finding's (site_id, rule, subject), which is the same in every run, so it carries
-- over to the same finding in later runs; run_id is the audit run it was made on. Rows are never
-- changed: the newest one of a key is the finding's review, the others its history.
CREATE TABLE reviews (
  id       INTEGER PRIMARY KEY,
  site_id  TEXT NOT NULL,
  rule     TEXT NOT NULL,
  subject  TEXT NOT NULL,
  run_id   INTEGER NOT NULL REFERENCES runs(id),
  status   TEXT NOT NULL CHECK (status IN ('confirmed', 'false_positive', 'fixed')),
  note     TEXT NOT NULL DEFAULT '',
  reviewer TEXT NOT NULL DEFAULT '',
  at       TEXT NOT NULL            -- ISO 8601 UTC
);
CREATE INDEX reviews_by_key ON reviews (site_id, rule, subject, id);
CREATE INDEX findings_by_key ON findings (site_id, rule, subject, run_id);
