-- Schema version 14: periodic runs ask again with the validators a page was served with. A page
-- answered 304 Not Modified is the earlier page: its row is copied, its text not stored again
-- (text_of names the row that holds it) and its WARC evidence is a revisit record (warc) pointing
-- at the response that carried the payload (revisit_of).
ALTER TABLE pages ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN revisit_of TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN text_of INTEGER;
