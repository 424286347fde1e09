-- govaudit storage, schema version 1. Migrations are applied in order by storage/store.cpp (PRAGMA user_version).
-- A crawl run records what the sites served; an audit run records findings judged from a crawl run.

CREATE TABLE runs (
  id          INTEGER PRIMARY KEY,
  kind        TEXT NOT NULL CHECK (kind IN ('crawl', 'audit')),
  crawl_run   INTEGER REFERENCES runs(id),   -- for an audit: the crawl it judged
  started_at  TEXT NOT NULL,                 -- ISO 8601 UTC
  finished_at TEXT,
  today       TEXT NOT NULL,                 -- the audit date, YYYY-MM-DD
  status      TEXT NOT NULL DEFAULT 'running',  -- running, done, failed
  options     TEXT NOT NULL DEFAULT '{}'     -- JSON: command line and settings that shaped the run
);

CREATE TABLE sites (
  run_id    INTEGER NOT NULL REFERENCES runs(id),
  site_id   TEXT NOT NULL,
  name      TEXT NOT NULL,
  homepage  TEXT NOT NULL,
  level     TEXT NOT NULL DEFAULT '',
  hosts     TEXT NOT NULL,                   -- JSON array
  site_code TEXT NOT NULL DEFAULT '',
  unit      TEXT NOT NULL DEFAULT '',
  status    TEXT NOT NULL DEFAULT 'pending', -- pending, done, unreachable
  error     TEXT NOT NULL DEFAULT '',
  limits    TEXT NOT NULL DEFAULT '[]',      -- JSON: crawl limits that cut this site's crawl
  PRIMARY KEY (run_id, site_id)
);

CREATE TABLE pages (
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
  UNIQUE (run_id, url)
);

CREATE TABLE links (
  run_id   INTEGER NOT NULL,
  site_id  TEXT NOT NULL,
  from_url TEXT NOT NULL,
  to_url   TEXT NOT NULL,
  tag      TEXT NOT NULL,                    -- a, area, img, script, iframe, frame
  text     TEXT NOT NULL DEFAULT ''          -- anchor text with image alt/title text
);
CREATE INDEX links_by_run_site ON links (run_id, site_id);

CREATE TABLE items (                         -- dated entries of list pages
  run_id   INTEGER NOT NULL,
  site_id  TEXT NOT NULL,
  list_url TEXT NOT NULL,
  url      TEXT NOT NULL,
  title    TEXT NOT NULL,
  date     TEXT                              -- YYYY-MM-DD
);
CREATE INDEX items_by_run_site ON items (run_id, site_id);

CREATE TABLE dns (
  run_id     INTEGER NOT NULL,
  host       TEXT NOT NULL,
  type       TEXT NOT NULL,                  -- A, AAAA
  answers    TEXT NOT NULL DEFAULT '[]',     -- JSON array of addresses
  error      TEXT NOT NULL DEFAULT '',
  elapsed_ms INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, host, type)
);

CREATE TABLE probes (                        -- homepage and links fetched over one IP family
  run_id     INTEGER NOT NULL,
  site_id    TEXT NOT NULL,
  url        TEXT NOT NULL,
  family     INTEGER NOT NULL,               -- 4 or 6
  purpose    TEXT NOT NULL,                  -- homepage, link2, link3
  attempt    INTEGER NOT NULL,
  status     INTEGER NOT NULL,
  error      TEXT NOT NULL DEFAULT '',
  elapsed_ms INTEGER NOT NULL DEFAULT 0,
  digest     TEXT NOT NULL DEFAULT '',
  text_z     BLOB
);
CREATE INDEX probes_by_run_site ON probes (run_id, site_id);

CREATE TABLE findings (
  run_id   INTEGER NOT NULL REFERENCES runs(id),
  site_id  TEXT NOT NULL,
  rule     TEXT NOT NULL,
  subject  TEXT NOT NULL,
  url      TEXT NOT NULL DEFAULT '',
  detail   TEXT NOT NULL DEFAULT '{}',       -- JSON
  severity TEXT NOT NULL DEFAULT 'major',
  PRIMARY KEY (run_id, site_id, rule, subject)
);
