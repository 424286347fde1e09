-- Schema version 13: how many of a citizen's mobile numbers a message's own page showed unmasked
-- (privacy.phone_number). The numbers themselves are never stored: the page's text and its WARC
-- payload keep them masked (138****5678).
ALTER TABLE messages ADD COLUMN phone_numbers INTEGER NOT NULL DEFAULT 0;
