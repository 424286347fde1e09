#include "crawler/extract/cms.hpp"

#include "crawler/extract/dates.hpp"

namespace govaudit::cms {

Detection detect(std::string_view html, std::string_view url) {
  struct Mark {
    const char* cms;
    const char* needle;
    const char* evidence;
    bool in_url;
  };
  static const Mark marks[] = {
      {"TRS", "createPageHTML", "createPageHTML pager", false},
      {"TRS", "/was5/web/search", "TRS WAS search link", false},
      {"TRS", "trs_", "TRS element ids", false},
      {"TRS", "TRS", "TRS name in the page", false},
      {"Hanweb", "<datastore", "Hanweb <datastore> list data", false},
      {"Hanweb", "/module/jslib/", "Hanweb /module/jslib/ scripts", false},
      {"Hanweb", "dataproxy.jsp", "Hanweb dataproxy.jsp pager", false},
      {"Hanweb", "ZJEG_RSS", "Hanweb ZJEG_RSS markers", false},
      {"Hanweb", "/art/", "Hanweb /art/YYYY/M/D/art_… URL", true},
      {"Hanweb", "/col/col", "Hanweb /col/colNNN/ URL", true},
  };
  int trs = 0, hanweb = 0;
  Detection d;
  for (auto& m : marks) {
    std::string_view hay = m.in_url ? url : html;
    if (hay.find(m.needle) == std::string_view::npos) continue;
    (std::string_view(m.cms) == "TRS" ? trs : hanweb)++;
    d.evidence.push_back(m.evidence);
  }
  // TRS article URLs: …/t20230512_123.html
  if (auto slash = url.rfind('/'); slash != std::string_view::npos && url.substr(slash).rfind("/t", 0) == 0 &&
                                   dates::from_url(url)) {
    ++trs;
    d.evidence.push_back("TRS /tYYYYMMDD_N URL");
  }
  d.name = trs > hanweb ? "TRS" : hanweb > trs ? "Hanweb" : trs ? "TRS" : "other";
  if (trs && hanweb) d.evidence.push_back("signs of both; the stronger wins");
  return d;
}

}  // namespace govaudit::cms
