-- Schema version 9: a page's links in one row of page_links instead of one row per link. A crawl
-- stored ~9 rows per page on a small template and over 100 on a real portal's, each repeating the
-- page's URL: the link rows were the writer's largest cost and a third of the database.
-- `links` holds, per link in page order, its target, tag, text and how it is hidden, each as
-- "<byte length>:<bytes>"; earlier runs' rows are packed the same way here.
CREATE TABLE page_links (
  run_id   INTEGER NOT NULL,
  site_id  TEXT NOT NULL,
  from_url TEXT NOT NULL,
  links    BLOB NOT NULL
);
INSERT INTO page_links (run_id, site_id, from_url, links)
SELECT run_id, site_id, from_url, links FROM (
  SELECT run_id, site_id, from_url, min(r) AS first, CAST(group_concat(field, '') AS BLOB) AS links
  FROM (SELECT rowid AS r, run_id, site_id, from_url,
               length(CAST(to_url AS BLOB)) || ':' || to_url || length(CAST(tag AS BLOB)) || ':' || tag ||
               length(CAST(text AS BLOB)) || ':' || text || length(CAST(hidden AS BLOB)) || ':' || hidden AS field
        FROM links ORDER BY run_id, site_id, from_url, rowid)
  GROUP BY run_id, site_id, from_url)
ORDER BY first;
DROP TABLE links;
CREATE INDEX page_links_by_run_site ON page_links (run_id, site_id);
