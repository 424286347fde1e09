-- Schema version 10: console accounts (govaudit user add). A token is stored only as its SHA-256;
-- a county account sees only the sites listed in `sites` (a JSON array of site ids). Every review
-- records the account that made it.
CREATE TABLE accounts (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL UNIQUE,
  role       TEXT NOT NULL CHECK (role IN ('evaluator', 'county', 'viewer')),
  sites      TEXT NOT NULL DEFAULT '[]',
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL
);
ALTER TABLE reviews ADD COLUMN account TEXT NOT NULL DEFAULT '';
