-- Schema version 5: what a reader takes from a page beside its publication date: the column it
-- names (ColumnName, breadcrumb) and the document's own date (成文日期 / 发文日期 …).
ALTER TABLE pages ADD COLUMN column_name TEXT NOT NULL DEFAULT '';
ALTER TABLE pages ADD COLUMN document_date TEXT;
