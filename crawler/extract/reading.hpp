#pragma once
// What a careful reader takes from a page that extract::parse has read: when it was published and
// from where that date came, the document's own date, the column it belongs to, and the links of
// its 关联稿件 / 相关解读 block. Real portals say these in many forms (a labelled date in the
// 信息公开 box, a bare date line under the title, a CMS's meta tag re-saved years later, a TRS URL
// date that differs from the shown one); a reader trusts what the page shows over what its CMS
// wrote in the head, and the URL least. Pure functions of the parsed page: inspect, the crawler and
// the tests read pages through the same code.
#include <optional>
#include <string>
#include <string_view>

#include "model/date.hpp"
#include "crawler/extract/extract.hpp"

namespace govaudit::reading {

// The document's own date: 成文日期 / 发文日期 / 生成日期 / 印发日期 (and 成文时间 …).
std::optional<Date> document_label(std::string_view text);

// Fills page.published / published_source ("label", "header", "meta", "url"), page.meta_published
// and page.document_date, in the order a reader goes: a labelled date on the page, the date line
// under the title, the page's meta tags, and only then the URL. page.date_reading lists what was
// weighed: the taken date first, then the other sources, each with why it came after.
void read_dates(extract::Page& page, const std::string& url);

// Adds the other dates of the page's text to page.date_reading (at most 16 candidates in all), each
// with why it is not the publication date (another kind of date, a build stamp, a copyright line,
// a list item, a clock). For inspect only: the crawl does not need it.
void weigh_text_dates(extract::Page& page);

// Fills page.column and page.column_reading: the breadcrumb's last column step (TRS CurrChnlCls
// links, a 当前位置 line or an unlabelled 首页 > … line, without a trailing 正文 / 信息详情 step) when
// it goes below the site's top sections, else the ColumnName meta (without the site's name glued
// on; not a year), else the breadcrumb. Empty when the page names none.
void read_column(extract::Page& page);

}  // namespace govaudit::reading
