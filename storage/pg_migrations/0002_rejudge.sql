-- Re-judging: an audit run judges the databases a crawl run's workers made, with the rules and
-- configuration of today, leased out per unit the same way. A unit of an audit run names the
-- database it judges (the artifact key).
ALTER TABLE shared_runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'crawl' CHECK (kind IN ('crawl', 'audit'));
ALTER TABLE shared_runs ADD COLUMN parent BIGINT REFERENCES shared_runs(id);
ALTER TABLE units ADD COLUMN source TEXT NOT NULL DEFAULT '';
