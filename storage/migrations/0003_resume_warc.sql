-- Schema version 3: resumable crawls and WARC evidence.
-- Pages are unique per site (two sites linking the same national page each keep their record),
-- and say where their HTTP exchange is in the run's WARC files.
CREATE TABLE pages_v3 (
  id             INTEGER PRIMARY KEY,
  run_id         INTEGER NOT NULL REFERENCES runs(id),
  site_id        TEXT NOT NULL,
  url            TEXT NOT NULL,
  final_url      TEXT NOT NULL,
  status         INTEGER NOT NULL,           -- HTTP status; 0 when no response
  error_kind     TEXT NOT NULL DEFAULT '',   -- dns, connect, tls, timeout, size, http, refused, loop, …
  error          TEXT NOT NULL DEFAULT '',
  kind           TEXT NOT NULL,              -- home, list, article, page, attachment, external
  depth          INTEGER NOT NULL,
  content_type   TEXT NOT NULL DEFAULT '',
  charset        TEXT NOT NULL DEFAULT '',
  charset_source TEXT NOT NULL DEFAULT '',
  bytes          INTEGER NOT NULL DEFAULT 0,
  elapsed_ms     INTEGER NOT NULL DEFAULT 0,
  fetched_at     TEXT NOT NULL,
  title          TEXT NOT NULL DEFAULT '',
  meta           TEXT NOT NULL DEFAULT '{}', -- JSON object of <meta name> -> content
  published      TEXT,                       -- YYYY-MM-DD
  published_src  TEXT NOT NULL DEFAULT '',
  digest         TEXT NOT NULL DEFAULT '',   -- of the decoded visible text
  duplicate_of   TEXT NOT NULL DEFAULT '',   -- URL of an earlier page with the same content
  redirects      TEXT NOT NULL DEFAULT '[]', -- JSON array of {url,status}
  text_z         BLOB,                       -- zstd-compressed visible text (UTF-8)
  warc           TEXT NOT NULL DEFAULT '',   -- FILE#OFFSET of the response record, relative to OUT
  UNIQUE (run_id, site_id, url)
);
INSERT INTO pages_v3 SELECT *, '' FROM pages;
DROP TABLE pages;
ALTER TABLE pages_v3 RENAME TO pages;

-- The crawl frontier: every task a crawl run created, in order. A task is done when its record
-- exists (pages by site and url; probes by site, url, family, purpose and attempt); a resumed run
-- re-queues the rest.
CREATE TABLE frontier (
  run_id   INTEGER NOT NULL,
  site_id  TEXT NOT NULL,
  url      TEXT NOT NULL,
  mode     TEXT NOT NULL,                  -- home, page, check, probe
  depth    INTEGER NOT NULL DEFAULT 0,
  head     INTEGER NOT NULL DEFAULT 0,
  family   INTEGER NOT NULL DEFAULT 0,
  purpose  TEXT NOT NULL DEFAULT '',
  attempt  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX frontier_by_run ON frontier (run_id);

-- Crawl limits met so far (kept across a resume; copied to sites.limits at the end).
CREATE TABLE crawl_limits (
  run_id  INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  what    TEXT NOT NULL,
  PRIMARY KEY (run_id, site_id, what)
);
