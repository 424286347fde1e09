// An earlier crawl taken over from another SQLite database (a shared run's unit database from the
// artifact store), so that a worker asks again with its validators as a local periodic run does.
#include <spdlog/spdlog.h>

#include "storage/store.hpp"

namespace govaudit {
namespace {

// Every column of `table` but its id, and what each is filled with: the new run's id, a WARC
// location made a key of the artifact store, the page text kept in the row itself (the row the
// earlier text_of names is not taken over), or the column as it is.
std::string columns_of(sqlite::Connection& db, const std::string& table, std::string& select) {
  std::string cols;
  auto st = db.prepare("SELECT name FROM pragma_table_info(?) ORDER BY cid");
  st.bind(1, table);
  while (st.step()) {
    std::string c = st.text(0);
    if (c == "id") continue;
    std::string e = c == "run_id"                       ? "?1"
                    : c == "warc" || c == "revisit_of"  ? "CASE WHEN " + c + " LIKE 'warc/%' THEN ?2 || " + c + " ELSE " + c + " END"
                    : c == "text_z"                     ? "COALESCE(text_z, (SELECT t.text_z FROM prior.pages t WHERE t.id = p.text_of))"
                    : c == "text_of"                    ? "NULL"
                                                        : c;
    cols += (cols.empty() ? "" : ", ") + c;
    select += (select.empty() ? "" : ", ") + e;
  }
  return cols;
}

}  // namespace

std::int64_t Store::import_crawl(const std::string& from, const std::vector<Site>& sites, const std::string& warc_prefix,
                                 const Date& today) {
  db_.prepare("ATTACH DATABASE ? AS prior").bind(1, from).run();
  struct Detach {
    sqlite::Connection& db;
    ~Detach() {
      try {
        db.exec("DETACH DATABASE prior");
      } catch (const std::exception& e) {
        spdlog::warn("cannot detach the earlier crawl's database: {}", e.what());
      }
    }
  } detach{db_};
  std::vector<std::pair<std::string, std::int64_t>> earlier;  // site -> its last finished crawl run there
  for (auto& site : sites) {
    auto last = db_.prepare(
        "SELECT s.run_id FROM prior.sites s JOIN prior.runs r ON r.id = s.run_id WHERE r.kind='crawl' AND r.status='done' "
        "AND s.site_id=? AND s.status='done' ORDER BY r.id DESC LIMIT 1");
    last.bind(1, site.id);
    if (last.step()) earlier.emplace_back(site.id, last.integer(0));
  }
  if (earlier.empty()) return 0;
  // Finished in the same transaction as its rows: a run left unfinished by a kill is crawled anew.
  std::int64_t run = begin_run(RunKind::Crawl, today, std::nullopt, R"({"imported":true})");
  try {
    add_sites(run, sites);
    sqlite::Transaction tx(db_);
    for (auto& [site, from_run] : earlier) {
      set_site_status(run, site, "done", "", {});
      for (std::string table : {"pages", "page_links", "items", "messages"}) {
        std::string select, cols = columns_of(db_, table, select);
        db_.prepare("INSERT INTO main." + table + " (" + cols + ") SELECT " + select + " FROM prior." + table +
                    " p WHERE run_id=?3 AND site_id=?4 ORDER BY " + (table == "pages" ? "id" : "rowid"))
            .bind(1, run).bind(2, warc_prefix).bind(3, from_run).bind(4, site).run();
      }
    }
    finish_run(run, RunStatus::Done);
    tx.commit();
  } catch (const std::exception&) {
    finish_run(run, RunStatus::Abandoned);  // not a crawl to continue, nor one to ask again with
    throw;
  }
  return run;
}

}  // namespace govaudit
