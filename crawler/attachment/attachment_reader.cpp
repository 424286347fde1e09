// The attachment reader (govaudit-reader): the formats' readers and the loop that serves them on
// a socket. A program of its own, so that poppler and its twenty libraries are not loaded by
// govaudit itself (3 MB of every crawl's and audit's memory).
#include <libxml/xmlreader.h>
#include <poppler/cpp/poppler-document.h>
#include <poppler/cpp/poppler-global.h>
#include <poppler/cpp/poppler-page.h>
#include <sys/resource.h>
#include <unistd.h>
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <optional>
#include <stdexcept>
#include <vector>

#include "crawler/attachment/attachment.hpp"
#include "crawler/attachment/attachment_wire.hpp"
#include "crawler/extract/charset.hpp"

namespace govaudit::attachment {
namespace {

struct Failure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The members of a zip archive held in memory, inflated up to a shared budget.
class Zip {
 public:
  Zip(std::string_view body, std::int64_t budget) : budget_(budget) {
    zip_error_t err;
    zip_error_init(&err);
    zip_source_t* src = zip_source_buffer_create(body.data(), body.size(), 0, &err);
    if (!src) throw Failure("not a zip archive");
    z_ = zip_open_from_source(src, ZIP_RDONLY, &err);
    if (!z_) {
      zip_source_free(src);
      zip_error_fini(&err);
      throw Failure("not a readable zip archive (an OOXML file is one)");
    }
  }
  ~Zip() { zip_discard(z_); }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  std::vector<std::string> names() const {
    std::vector<std::string> out;
    zip_int64_t n = zip_get_num_entries(z_, 0);
    for (zip_int64_t i = 0; i < n && i < 100000; ++i)
      if (const char* name = zip_get_name(z_, zip_uint64_t(i), 0)) out.emplace_back(name);
    return out;
  }

  // The member's bytes, or nullopt when absent. Stops at the budget (a zip bomb declares little
  // and inflates much): what was inflated so far is kept and `cut` is set.
  std::optional<std::string> member(const std::string& name, bool& cut) {
    zip_file_t* f = zip_fopen(z_, name.c_str(), 0);
    if (!f) return std::nullopt;
    std::string out;
    char buf[65536];
    while (true) {
      zip_int64_t n = zip_fread(f, buf, sizeof buf);
      if (n < 0) {
        zip_fclose(f);
        throw Failure("damaged zip member " + name);
      }
      if (n == 0) break;
      if (std::int64_t(out.size()) + n > budget_) {
        out.append(buf, size_t(std::max<std::int64_t>(0, budget_ - std::int64_t(out.size()))));
        cut = true;
        break;
      }
      out.append(buf, size_t(n));
    }
    zip_fclose(f);
    budget_ -= std::int64_t(out.size());
    return out;
  }

 private:
  zip_t* z_ = nullptr;
  std::int64_t budget_;
};

// Streams an XML part: the callback sees element starts and ends (local names) and text.
class Xml {
 public:
  // `partial`: the document was cut at the unpacking budget, so its end is missing.
  explicit Xml(const std::string& doc, bool partial = false)
      : partial_(partial), r_(xmlReaderForMemory(doc.data(), int(std::min<size_t>(doc.size(), INT32_MAX)), nullptr, nullptr,
                              XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_RECOVER)) {
    if (!r_) throw Failure("cannot read XML");
  }
  ~Xml() { xmlFreeTextReader(r_); }
  Xml(const Xml&) = delete;
  Xml& operator=(const Xml&) = delete;

  enum Kind { Start, End, Text };
  template <class F>
  void each(F&& f) {
    int rc;
    while ((rc = xmlTextReaderRead(r_)) == 1) {
      int type = xmlTextReaderNodeType(r_);
      auto name = [&] { return reinterpret_cast<const char*>(xmlTextReaderConstLocalName(r_)); };
      if (type == XML_READER_TYPE_ELEMENT) {
        bool empty = xmlTextReaderIsEmptyElement(r_) == 1;
        f(Start, name(), "");
        if (empty) f(End, name(), "");
      } else if (type == XML_READER_TYPE_END_ELEMENT) {
        f(End, name(), "");
      } else if (type == XML_READER_TYPE_TEXT || type == XML_READER_TYPE_CDATA ||
                 type == XML_READER_TYPE_SIGNIFICANT_WHITESPACE) {
        const xmlChar* v = xmlTextReaderConstValue(r_);
        f(Text, "", v ? reinterpret_cast<const char*>(v) : "");
      }
    }
    if (rc < 0 && !partial_) throw Failure("malformed XML");
  }
  std::string attribute(const char* name) {
    xmlChar* v = xmlTextReaderGetAttribute(r_, reinterpret_cast<const xmlChar*>(name));
    std::string s = v ? reinterpret_cast<const char*>(v) : "";
    xmlFree(v);
    return s;
  }

 private:
  bool partial_;
  xmlTextReaderPtr r_;
};

struct Out {
  std::string& text;
  std::int64_t max;
  bool full = false;
  void add(std::string_view s) {
    if (full) return;
    if (std::int64_t(text.size() + s.size()) > max) {
      full = true;
      return;
    }
    text.append(s);
  }
};

int sheet_number(const std::string& name) {  // xl/worksheets/sheet12.xml -> 12
  size_t d = name.find_first_of("0123456789", name.rfind('/') + 1);
  return d == std::string::npos ? 0 : std::atoi(name.c_str() + d);
}

void read_xlsx(Zip& zip, Out& out, bool& cut) {
  std::vector<std::string> shared;
  if (auto ss = zip.member("xl/sharedStrings.xml", cut)) {
    Xml x(*ss, cut);
    std::string cur;
    int phonetic = 0;
    x.each([&](Xml::Kind k, const char* name, const char* v) {
      if (k == Xml::Start && !std::strcmp(name, "si")) cur.clear();
      else if (k == Xml::Start && !std::strcmp(name, "rPh")) ++phonetic;
      else if (k == Xml::End && !std::strcmp(name, "rPh")) --phonetic;
      else if (k == Xml::End && !std::strcmp(name, "si")) shared.push_back(cur);
      else if (k == Xml::Text && !phonetic) cur += v;
    });
  }
  std::vector<std::string> sheets;
  for (auto& n : zip.names())
    if (n.rfind("xl/worksheets/", 0) == 0 && n.size() > 4 && n.compare(n.size() - 4, 4, ".xml") == 0 &&
        n.find('/', 14) == std::string::npos)
      sheets.push_back(n);
  std::sort(sheets.begin(), sheets.end(), [](auto& a, auto& b) { return sheet_number(a) < sheet_number(b); });
  if (sheets.empty()) throw Failure("no worksheet in the spreadsheet");
  for (auto& name : sheets) {
    auto doc = zip.member(name, cut);
    if (!doc) continue;
    Xml x(*doc, cut);
    std::string type, value, row;
    bool in_value = false, in_inline = false, first = true;
    x.each([&](Xml::Kind k, const char* el, const char* v) {
      if (k == Xml::Start) {
        if (!std::strcmp(el, "row")) row.clear(), first = true;
        else if (!std::strcmp(el, "c")) type = x.attribute("t"), value.clear();
        else if (!std::strcmp(el, "v")) in_value = true;
        else if (!std::strcmp(el, "is")) in_inline = true;
      } else if (k == Xml::End) {
        if (!std::strcmp(el, "v")) in_value = false;
        else if (!std::strcmp(el, "is")) in_inline = false;
        else if (!std::strcmp(el, "c")) {
          std::string cell = value;
          if (type == "s") {
            size_t i = size_t(std::strtoul(value.c_str(), nullptr, 10));
            cell = i < shared.size() ? shared[i] : "";
          }
          if (!first) row += '\t';
          row += cell;
          first = false;
        } else if (!std::strcmp(el, "row")) {
          out.add(row);
          out.add("\n");
        }
      } else if (in_value || in_inline) {
        value += v;
      }
    });
    out.add("\n");
  }
}

void read_docx(Zip& zip, Out& out, bool& cut) {
  std::vector<std::string> parts{"word/document.xml"};
  for (auto& n : zip.names())
    if (n.rfind("word/header", 0) == 0 || n.rfind("word/footer", 0) == 0 || n == "word/footnotes.xml")
      parts.push_back(n);
  bool any = false;
  for (auto& name : parts) {
    auto doc = zip.member(name, cut);
    if (!doc) continue;
    any = true;
    Xml x(*doc, cut);
    bool in_t = false;
    x.each([&](Xml::Kind k, const char* el, const char* v) {
      if (k == Xml::Start && !std::strcmp(el, "t")) in_t = true;
      else if (k == Xml::End && !std::strcmp(el, "t")) in_t = false;
      else if (k == Xml::Start && !std::strcmp(el, "tab")) out.add("\t");
      else if (k == Xml::Start && (!std::strcmp(el, "br") || !std::strcmp(el, "cr"))) out.add("\n");
      else if (k == Xml::End && !std::strcmp(el, "p")) out.add("\n");
      else if (k == Xml::End && !std::strcmp(el, "tc")) out.add("\t");
      else if (k == Xml::Text && in_t) out.add(v);
    });
  }
  if (!any) throw Failure("no word/document.xml in the document");
}

void quiet(const std::string&, void*) {}

void read_pdf(std::string_view body, Out& out, const Limits& limits, std::string& note) {
  poppler::set_debug_error_function(quiet, nullptr);
  // Poppler builds its global tables (fonts, encodings) while any document is open and drops them
  // with the last one: keeping the previous document open spares each PDF that setup, which was
  // half of reading a small one. The document owns its copy of the bytes.
  static std::unique_ptr<poppler::document> previous;
  poppler::byte_array data(body.begin(), body.begin() + long(std::min<size_t>(body.size(), INT32_MAX)));
  std::unique_ptr<poppler::document> doc(poppler::document::load_from_data(&data));
  if (!doc) throw Failure("not a readable PDF");
  struct Keep {
    std::unique_ptr<poppler::document>& doc;
    ~Keep() { previous = std::move(doc); }
  } keep{doc};
  if (doc->is_locked()) throw Failure("the PDF is encrypted");
  int pages = doc->pages();
  int n = std::min(pages, limits.max_pdf_pages);
  if (n < pages) note = "read the first " + std::to_string(n) + " of " + std::to_string(pages) + " pages";
  for (int i = 0; i < n && !out.full; ++i) {
    std::unique_ptr<poppler::page> p(doc->create_page(i));
    if (!p) continue;
    poppler::byte_array b = p->text().to_utf8();
    out.add(std::string_view(b.data(), b.size()));
    out.add("\n");
  }
}

}  // namespace

Text read(std::string_view body, std::string_view format, const Limits& limits) {
  Text t;
  Out out{t.text, limits.max_text};
  try {
    bool cut = false;
    if (format == "xlsx" || format == "docx") {
      Zip zip(body, limits.max_unpacked);
      if (format == "xlsx") read_xlsx(zip, out, cut);
      else read_docx(zip, out, cut);
      if (cut) t.note = "read the first " + std::to_string(limits.max_unpacked >> 20) + " MB unpacked (the limit)";
    } else if (format == "pdf") {
      read_pdf(body, out, limits, t.note);
    } else if (format == "csv" || format == "txt") {
      out.add(charset::decode(body, "text/plain").text);
    } else {
      t.note = "format not read";
      return t;
    }
    t.read = true;
  } catch (const std::exception& e) {
    t.note = std::string("not read: ") + e.what();
    t.read = !t.text.empty();
  }
  if (out.full) t.note += std::string(t.note.empty() ? "" : "; ") + "text cut at " + std::to_string(limits.max_text >> 20) + " MB";
  return t;
}

// The child: reads requests (limits, format, body) until its socket closes. Its address space may
// grow by `limits.memory` past what it inherited; each request may use about its timeout in CPU.
[[noreturn]] void serve_reads(int fd, [[maybe_unused]] const Limits& limits) {  // unused under ASan (no rlimit)
  using namespace wire;
#if !defined(__SANITIZE_ADDRESS__)
  long pages = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld", &pages) != 1) pages = 0;
    std::fclose(f);
  }
  rlim_t as = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE)) + rlim_t(limits.memory);
  rlimit mem{as, as};
  setrlimit(RLIMIT_AS, &mem);
#endif
  auto forever = Deadline::max();
  while (true) {
    std::string format, body;
    Limits lim;
    if (!recv_all(fd, &lim, sizeof lim, forever) || !recv_string(fd, format, 16, forever) ||
        !recv_string(fd, body, std::uint64_t(1) << 40, forever))
      _exit(0);
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    rlimit cpu{rlim_t(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + lim.timeout_ms / 1000 + 1), RLIM_INFINITY};
    setrlimit(RLIMIT_CPU, &cpu);
    Text t = read(body, format, lim);
    char ok = t.read ? 1 : 0;
    if (!send_all(fd, &ok, 1, forever) || !send_string(fd, t.note, forever) || !send_string(fd, t.text, forever)) _exit(0);
  }
}

}  // namespace govaudit::attachment
