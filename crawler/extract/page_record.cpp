#include "crawler/extract/page_record.hpp"

#include "model/url.hpp"

namespace govaudit {

PageKind page_kind(const extract::Page& page, bool home) {
  return home ? PageKind::Home : page.is_list ? PageKind::List : page.is_article ? PageKind::Article : PageKind::Page;
}

void fill_record(PageRecord& p, extract::Page& page, bool home) {
  p.kind = page_kind(page, home);
  p.title = std::move(page.title);
  p.meta = std::move(page.meta);
  p.published = page.published;
  p.published_source = page.published_source;
  p.document_date = page.document_date;
  p.column = std::move(page.column);
  p.a11y = page.a11y;
}

std::string page_base(const extract::Page& page, const std::string& url) {
  if (!page.base_href.empty())
    if (auto b = url::resolve(url, page.base_href)) return *b;
  return url;
}

std::vector<LinkRecord> link_records(const extract::Page& page, const std::string& site_id, const std::string& url) {
  std::string base = page_base(page, url);
  std::vector<LinkRecord> out;
  for (auto& l : page.links)
    if (auto to = url::resolve(base, l.href)) out.push_back({site_id, url, *to, l.tag, l.text, l.hidden});
  return out;
}

}  // namespace govaudit
