-- What each unit's audit measured of its sites besides the findings (model/measures.hpp, JSON),
-- published with them: shared reports and the console read these, not the units' databases.
-- Evidence locations in it are keys under the artifact store.
CREATE TABLE shared_site_measures (
  run_id   BIGINT NOT NULL REFERENCES shared_runs(id),
  site_id  TEXT NOT NULL,
  measures TEXT NOT NULL,
  PRIMARY KEY (run_id, site_id)
);
