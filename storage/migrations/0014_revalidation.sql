-- Schema version 14: periodic runs ask again with the validators a page was served with. A page
-- answered 304 Not Modified is the earlier page: its row is copied, its text not stored again
-- (text_of names the row that holds it) and its WARC evidence is a revisit record (warc) pointing
-- at the response that carried the payload (revisit_of).
ALTER TABLE pages ADD COLUMN etag TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN last_modified TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN revisit_of TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN text_of INTEGER;
-- A daily delta run (run --delta) does not ask again for a known article whose last check is recent:
-- its earlier row is carried over unchecked (fetched_at stays the earlier check's).
ALTER TABLE pages ADD COLUMN carried INTEGER NOT NULL DEFAULT 0;
