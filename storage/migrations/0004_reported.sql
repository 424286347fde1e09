-- Schema version 4: when an audit run's reports were written in full. `govaudit run` killed after
-- its crawl finds its place from this: a done crawl with no reported audit is finished, not redone.
ALTER TABLE runs ADD COLUMN reported_at TEXT;
