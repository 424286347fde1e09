#pragma once
// The required columns (栏目) of the catalog as found on one crawled site, and the rules that
// judge them: columns.missing, columns.empty, columns.stale, homepage.stale,
// annual_report.missing.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rules/rule.hpp"

namespace govaudit {

// One catalog column located on a site.
struct ColumnMatch {
  const ColumnSpec* spec = nullptr;
  std::string url;                 // the column's own page (the first link named like it)
  std::vector<std::string> pages;  // that page, its pager pages and its sub-column lists
  std::vector<std::uint32_t> items;  // in the site's ItemList, distinct by URL
  bool fetched = false;            // a column page answered 200
  bool single_page = false;        // the column is one article, not a list
  std::optional<Date> newest;      // newest item date not after "today"
};

// Finds every catalog column on a site: by links whose anchor text (normalised) is the column's
// name or a synonym, or list pages titled so; then collects the items of the column's list, its
// further pages (TRS pager, 下一页 / ?page=N links) and its sub-columns.
class ColumnIndex {
 public:
  ColumnIndex(const SiteView& site, const Config& cfg, const Date& today);
  // nullptr when the column was not found on the site.
  const ColumnMatch* find(const std::string& canonical_name) const;
  const std::map<std::string, ColumnMatch>& all() const { return found_; }

 private:
  std::map<std::string, ColumnMatch> found_;
};

// The site's ColumnIndex, shared through the context's cache when judge() set one.
std::shared_ptr<const ColumnIndex> column_index(const SiteView& site, const RuleContext& ctx);

// Resolves an item's date: the list's own date, else the linked article's publication date.
std::optional<Date> item_date(const SiteView& site, const ItemRef& item);

class ColumnsRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"columns.missing", "columns.empty", "columns.stale"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

class HomepageStaleRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"homepage.stale"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
};

class AnnualReportRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"annual_report.missing"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
  // The newest year whose report is due on `today` for a site of `level`.
  static int due_year(const Date& today, const std::string& level, const Thresholds& t);
};

// annual_report.website_form_missing: last year's 政府网站工作年度报表 (国办函〔2018〕12号) is not
// found from the homepage after its due date (31 January). Distinct from the 政务公开年报.
class WebsiteFormRule : public Rule {
 public:
  std::vector<std::string> ids() const override { return {"annual_report.website_form_missing"}; }
  std::vector<Finding> check(const SiteView& site, const RuleContext& ctx) const override;
  static int due_year(const Date& today, const Thresholds& t);
};

}  // namespace govaudit
