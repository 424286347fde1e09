// The reports of a run: their data loaded from the store (with the reviews applied), its summary
// (verdicts per site, sites not audited, findings resting on pages not re-checked), and the files
// written side by side, each put in place whole. The HTML report itself is html.cpp.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <functional>
#include <future>
#include <nlohmann/json.hpp>
#include <set>
#include <spdlog/spdlog.h>
#include <system_error>

#include "reports/report.hpp"
#include "reports/history.hpp"
#include "reports/rectification.hpp"
#include "reports/scoring.hpp"

namespace govaudit {

RunSummary summarize(const ReportData& d) {
  RunSummary s;
  for (auto& f : d.findings) {
    s.by_site[f.site_id].push_back(&f);
    if (f.rule.find("manual_check") != std::string::npos) {
      s.manual.push_back(&f);
      continue;
    }
    ++s.by_category[d.config->rule_text(f.rule).category];
  }
  for (auto& site : d.sites) {
    if (!site_audited(site)) {
      s.verdicts[site.site.id] = not_measured();
      ++s.not_audited[site.error.empty() ? d.config->words("report.audit_unfinished") : site.error];
      continue;
    }
    auto& v = s.verdicts[site.site.id] = judge_site(s.by_site[site.site.id], *d.config, site.probes, site.probes_failed);
    s.failed += v.failed();
    if (auto cut = crawl_cut_short(site.limits); !cut.empty()) {
      v.complete = false;
      s.cut_short.emplace_back(site.site.name, cut);
    }
  }
  return s;
}

std::string not_audited_line(const Config& cfg, const RunSummary& s) {
  if (s.not_audited.empty()) return "";
  int n = 0;
  std::string why;
  for (auto& [reason, k] : s.not_audited) {
    n += k;
    why += (why.empty() ? "" : "；") + cfg.say("report.not_audited_reason", {{"reason", reason}, {"n", std::to_string(k)}});
  }
  return cfg.say("report.not_audited_line", {{"n", std::to_string(n)}, {"why", why}});
}

std::string cut_short_line(const Config& cfg, const RunSummary& s) {
  if (s.cut_short.empty()) return "";
  // The crawl names its limits in English ("pages per site (20000)"): said here in the report's words.
  auto said = [&](const std::string& limit) {
    auto open = limit.find('('), close = limit.find(')');
    std::string n = open < close && close != std::string::npos ? limit.substr(open + 1, close - open - 1) : "";
    return cfg.say(limit.starts_with("depth") ? "report.limit_depth" : "report.limit_pages", {{"n", n}});
  };
  std::string sites;
  for (auto& [name, limit] : s.cut_short) sites += (sites.empty() ? "" : "；") + name + "：" + said(limit);
  return cfg.say("report.cut_short_line", {{"n", std::to_string(s.cut_short.size())}, {"sites", sites}});
}

std::string unchecked_line(const ReportData& d) {
  int n = 0;
  std::string oldest;
  for (auto& f : d.findings) {
    auto j = nlohmann::json::parse(f.detail_json, nullptr, false);
    if (!j.is_object() || !j.contains("not_rechecked_since")) continue;
    ++n;
    std::string since = j["not_rechecked_since"].is_string() ? j["not_rechecked_since"].get<std::string>() : "";
    if (oldest.empty() || since < oldest) oldest = since;
  }
  if (n == 0) return "";
  return d.config->say("report.unchecked_line", {{"n", std::to_string(n)}, {"oldest", oldest}});
}

void apply_reviews(ReportData& d, Campaign& store, std::int64_t audit_run) {
  d.reviews = store.reviews_for(audit_run);
  d.rechecks = store.rechecks_for(audit_run);
  auto false_positive = [&](const Finding& f) { return d.state(f) == ReviewState::FalsePositive; };
  d.findings.clear();
  d.excluded.clear();
  for (auto& f : store.findings(audit_run)) (false_positive(f) ? d.excluded : d.findings).push_back(std::move(f));
  d.previous.clear();
  d.has_previous = false;
  if (auto prev = store.previous_audit_run(audit_run)) {
    d.has_previous = true;
    for (auto& f : store.findings(*prev))
      if (!false_positive(f)) d.previous.push_back(std::move(f));
  }
}

ReportData load_report_data(Store& store, const Config& config, std::int64_t audit_run) {
  ReportData d;
  d.config = &config;
  auto a = store.run(audit_run);
  if (!a || a->kind != RunKind::Audit) throw std::runtime_error("run " + std::to_string(audit_run) + " is not an audit run");
  d.audit = *a;
  d.crawl = store.run(a->crawl_run.value_or(0)).value_or(RunInfo{});
  apply_reviews(d, store, audit_run);
  auto measures = store.site_measures(audit_run);
  for (auto& site : store.sites(d.crawl.id)) {
    SiteSummary s;
    if (auto it = measures.find(site.id); it != measures.end()) static_cast<SiteMeasures&>(s) = std::move(it->second);
    s.site = site;
    if (!site_audited(s)) s.error = config.words("report.crawl_stopped");
    d.sites.push_back(std::move(s));
  }
  return d;
}

ReportData load_unfinished_crawl_data(Store& store, const Config& config, std::int64_t crawl_run) {
  ReportData d;
  d.config = &config;
  d.crawl = store.run(crawl_run).value_or(RunInfo{});
  d.audit.kind = RunKind::Audit;
  d.audit.today = d.crawl.today;
  d.audit.crawl_run = crawl_run;
  auto rows = store.site_summaries(crawl_run, false);
  for (auto& site : store.sites(crawl_run)) {
    SiteSummary s;
    s.site = site;
    s.status = "not_audited";
    auto it = rows.find(site.id);
    bool crawled = it != rows.end() && (it->second.status == "done" || it->second.status == "unreachable");
    s.error = config.say(crawled ? "report.crawled_not_judged" : "report.crawl_run_stopped", {{"run", std::to_string(crawl_run)}});
    d.sites.push_back(std::move(s));
  }
  return d;
}

std::vector<std::filesystem::path> write_reports(const ReportData& data, const std::filesystem::path& dir,
                                                 const std::set<std::string>& formats, const FileWritten& written) {
  namespace fs = std::filesystem;
  for (auto& f : formats)
    if (!kReportFormats.count(f)) throw std::invalid_argument("unknown report format '" + f + "' (html, xlsx, csv, md, jsonl)");
  fs::create_directories(dir);
  // Each file is written under a temporary name, synced, then renamed into place: a reader (or a
  // run killed half way) never sees a half-written report under its final name. A full disk or a
  // read-only directory is an error naming the file. The files are independent and written side
  // by side (the xlsx and the html take longest); they are named in a fixed order once all are done.
  std::vector<std::pair<fs::path, std::future<void>>> jobs;
  auto put = [&](const char* name, std::function<void(const fs::path&)> make) {
    fs::path p = dir / name, tmp = dir / (std::string(".") + name + ".tmp");
    jobs.emplace_back(p, std::async(std::launch::async, [p, tmp, make = std::move(make)] {
      make(tmp);
      int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
      bool synced = fd >= 0 && ::fsync(fd) == 0;
      if (fd >= 0) ::close(fd);
      std::error_code ec;
      // std::system_error keeps the errno: the command tells a full disk from other failures by it.
      if (!synced) throw std::system_error(errno, std::generic_category(), p.string() + ": write failed");
      fs::rename(tmp, p, ec);
      if (ec) throw std::system_error(ec, p.string() + ": cannot put the file in place");
    }));
  };
  auto stream = [&](const char* name, std::function<void(std::ostream&)> body) {
    put(name, [shown = dir / name, body = std::move(body)](const fs::path& tmp) {
      std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
      if (!f) throw std::system_error(errno, std::generic_category(), shown.string() + ": cannot write");
      body(f);
      f.flush();
      if (!f) throw std::system_error(errno ? errno : EIO, std::generic_category(), shown.string() + ": write failed");
    });
  };
  auto want = [&](const char* f) { return formats.empty() || formats.count(f); };
  const auto rows = rectification_rows(data);
  if (want("jsonl")) stream("findings.jsonl", [&](std::ostream& o) {
    write_jsonl(data.findings, o, &data);
    write_jsonl(data.excluded, o, &data);
  });
  if (want("csv")) stream("rectification.csv", [&](std::ostream& o) { write_rectification_csv(*data.config, rows, o); });
  if (want("md")) stream("report.md", [&](std::ostream& o) { write_markdown(data, rows, o); });
  if (want("xlsx"))
    put("rectification.xlsx", [&](const fs::path& tmp) { write_rectification_xlsx(data, rows, tmp.string()); });
  if (want("html")) stream("report.html", [&](std::ostream& o) { write_html(data, o); });
  std::exception_ptr error;
  for (auto& [p, job] : jobs) try {
      job.get();
    } catch (const std::exception& e) {  // the first is thrown; any other is said here
      if (!error) error = std::current_exception();
      else spdlog::error("{}: {}", p.string(), e.what());
    }
  if (error) std::rethrow_exception(error);
  std::vector<fs::path> out;
  for (auto& job : jobs) {
    out.push_back(job.first);
    if (written) written(job.first);
  }
  return out;
}

}  // namespace govaudit
