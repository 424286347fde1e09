-- Schema version 12: what an audit measured of each site besides its findings (status, IPv6
-- figures, message boxes, accessibility, search, pages counted, availability, evidence locations),
-- as JSON (model/measures.hpp). Reports and the console read these instead of judging the crawl
-- again; an audit made before this version gets them computed once, when it is first reported.
CREATE TABLE site_measures (
  run_id   INTEGER NOT NULL REFERENCES runs(id),
  site_id  TEXT NOT NULL,
  measures TEXT NOT NULL,
  PRIMARY KEY (run_id, site_id)
);
