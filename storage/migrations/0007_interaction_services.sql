-- Schema version 7: citizen messages (留言) as message boxes' lists and the messages' own pages show them,
-- what pages offer for accessibility, and what a site search was asked.
CREATE TABLE messages (
  run_id INTEGER NOT NULL,
  site_id TEXT NOT NULL,
  list_url TEXT NOT NULL,       -- '' when read on the message's own page
  url TEXT NOT NULL,
  title TEXT NOT NULL,
  left_date TEXT,
  replied_date TEXT,
  status TEXT NOT NULL,
  unit TEXT NOT NULL,
  reply_text INTEGER NOT NULL
);
CREATE INDEX messages_by_run_site ON messages (run_id, site_id);
-- What a page offers readers with disabilities and older readers (GB/T 37668, 适老化), as JSON:
-- {"images": N, "images_without_alt": N, "fields": N, "fields_unlabeled": N, "lang": bool, "entry": bool}.
ALTER TABLE pages ADD COLUMN a11y TEXT NOT NULL DEFAULT '{}';
-- The words a site search probe searched for (purpose 'search').
ALTER TABLE probes ADD COLUMN query TEXT NOT NULL DEFAULT '';
