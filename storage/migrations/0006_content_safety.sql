-- Schema version 6: content safety. Resident ID numbers a page or attachment shows (masked, with
-- their line, as {"count": N, "seen": [{number, context} …]}), what of an attachment was not read, and how a link is hidden from readers.
ALTER TABLE pages ADD COLUMN id_numbers TEXT NOT NULL DEFAULT '{}';
ALTER TABLE pages ADD COLUMN content_note TEXT NOT NULL DEFAULT '';
ALTER TABLE links ADD COLUMN hidden TEXT NOT NULL DEFAULT '';
