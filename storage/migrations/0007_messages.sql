-- Schema version 7: citizen messages (留言) as message boxes' lists and the messages' own pages show them.
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
