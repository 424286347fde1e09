-- Schema version 2: homepage availability probes (govaudit probe), kept across runs.
CREATE TABLE availability (
  site_id    TEXT NOT NULL,
  homepage   TEXT NOT NULL,
  at         TEXT NOT NULL,            -- ISO 8601 UTC
  ok         INTEGER NOT NULL,         -- 1 when the homepage opened within the time limit
  status     INTEGER NOT NULL,
  error      TEXT NOT NULL DEFAULT '',
  elapsed_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX availability_by_site ON availability (site_id, at);
