// HTML extraction (links, CDATA lists, pagers, dates), CMS detection and date parsing on any input.
#include <cstdint>
#include <string>
#include "crawler/extract/cms.hpp"
#include "crawler/extract/dates.hpp"
#include "crawler/extract/extract.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto page = govaudit::extract::parse(in, "http://www.example.gov.cn/col/col123/index.html");
  if (page.pager) govaudit::extract::pager_pages(*page.pager, 50);
  govaudit::cms::detect(in, "http://www.example.gov.cn/");
  govaudit::dates::find_all(in);
  govaudit::dates::first(in, 2024);
  govaudit::dates::after_label(in, "发布日期");
  govaudit::dates::from_url(in);
  return 0;
}
