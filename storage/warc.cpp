#include "storage/warc.hpp"

#include <isa-l/igzip_lib.h>
#include <libdeflate.h>
#include <openssl/evp.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <random>
#include <stdexcept>
#include <vector>

#include "model/id_number.hpp"
#include "storage/sqlite.hpp"

namespace govaudit {

namespace fs = std::filesystem;

namespace {

std::string uuid_urn() {
  static thread_local std::mt19937_64 rng{std::random_device{}()};
  std::array<unsigned char, 16> b;
  for (size_t i = 0; i < 16; i += 8) {
    auto v = rng();
    std::memcpy(&b[i], &v, 8);
  }
  b[6] = (b[6] & 0x0f) | 0x40;  // version 4
  b[8] = (b[8] & 0x3f) | 0x80;  // variant 1
  static const char* hex = "0123456789abcdef";
  std::string s = "<urn:uuid:";
  for (size_t i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) s += '-';
    s += hex[b[i] >> 4];
    s += hex[b[i] & 15];
  }
  return s + '>';
}

// "sha1:" + base32 (RFC 4648) of the parts one after another, the digest form WARC readers check.
// SHA-1 is looked up once: OpenSSL 3 looked it up again on every EVP_Digest (half the cost of a
// small page's digest).
std::string sha1_label(std::initializer_list<std::string_view> parts) {
  static EVP_MD* const sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
  thread_local std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!sha1 || !ctx || !EVP_DigestInit_ex2(ctx.get(), sha1, nullptr)) throw sqlite::StorageError("OpenSSL: no SHA-1");
  for (std::string_view p : parts) EVP_DigestUpdate(ctx.get(), p.data(), p.size());
  EVP_DigestFinal_ex(ctx.get(), md, &len);
  static const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  std::string out = "sha1:";
  unsigned buffer = 0;
  int bits = 0;
  for (unsigned i = 0; i < len; ++i) {
    buffer = (buffer << 8) | md[i];
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;  // 160 bits = 32 characters, no padding needed
}

// Appends a WARC record whose block is `block`'s parts one after another (no copy of them joined).
void record(std::string& out, std::string_view type, std::string_view id, std::string_view date, std::string_view uri,
            std::string_view extra, std::string_view content_type, std::initializer_list<std::string_view> block) {
  size_t size = 0;
  for (std::string_view b : block) size += b.size();
  out.reserve(out.size() + 400 + uri.size() + extra.size() + size);
  ((((out += "WARC/1.1\r\nWARC-Type: ") += type) += "\r\nWARC-Record-ID: ") += id) += "\r\nWARC-Date: ";
  (out += date) += "\r\n";
  if (!uri.empty()) ((out += "WARC-Target-URI: ") += uri) += "\r\n";
  out += extra;
  ((out += "WARC-Block-Digest: ") += sha1_label(block)) += "\r\n";
  ((out += "Content-Type: ") += content_type) += "\r\nContent-Length: ";
  (out += std::to_string(size)) += "\r\n\r\n";
  for (std::string_view b : block) out += b;
  out += "\r\n\r\n";
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

// Appends `rec` to `out` as one gzip member. Levels 1–3 go through ISA-L's igzip (its levels
// 0–2): a WARC record is a few KB, and libdeflate's level 1 spent more on setting up its match
// finder per member (~5 µs) than on compressing; igzip's level 0 takes a third of the time for
// ~20 % more bytes. Higher levels go through libdeflate, whose compressor is kept per thread.
void gzip_member(std::string& out, int level, std::string_view rec) {
  size_t start = out.size();
  if (level <= 3) {
    thread_local std::vector<std::uint8_t> level_buf;  // igzip's levels 1 and 2 need one; 0 none
    size_t bound = rec.size() + rec.size() / 8 + 1024;  // stored blocks at worst, with their headers
    out.resize(start + bound);
    isal_zstream z;
    isal_deflate_stateless_init(&z);
    z.level = std::uint32_t(level - 1);
    if (z.level > 0) {
      level_buf.resize(ISAL_DEF_LVL2_SMALL);  // records are small: the small buffer of the larger level
      z.level_buf = level_buf.data();
      z.level_buf_size = std::uint32_t(level_buf.size());
    }
    z.gzip_flag = IGZIP_GZIP;
    z.end_of_stream = 1;
    z.flush = NO_FLUSH;
    z.next_in = reinterpret_cast<std::uint8_t*>(const_cast<char*>(rec.data()));
    z.avail_in = std::uint32_t(rec.size());
    z.next_out = reinterpret_cast<std::uint8_t*>(out.data() + start);
    z.avail_out = std::uint32_t(bound);
    if (rec.size() > UINT32_MAX / 2 || isal_deflate_stateless(&z) != COMP_OK)
      throw sqlite::StorageError("igzip: cannot compress a WARC record of " + std::to_string(rec.size()) + " bytes");
    out.resize(start + z.total_out);
    return;
  }
  struct Compressors {
    std::array<libdeflate_compressor*, 13> by_level{};  // libdeflate's levels are 0..12
    ~Compressors() {
      for (auto* c : by_level)
        if (c) libdeflate_free_compressor(c);
    }
  };
  thread_local Compressors s;
  libdeflate_compressor*& c = s.by_level.at(size_t(level));
  if (!c && !(c = libdeflate_alloc_compressor(level))) throw sqlite::StorageError("libdeflate: cannot start a gzip compressor");
  out.resize(start + libdeflate_gzip_compress_bound(c, rec.size()));
  size_t n = libdeflate_gzip_compress(c, rec.data(), rec.size(), out.data() + start, out.size() - start);
  if (n == 0) throw sqlite::StorageError("libdeflate: gzip member did not fit its bound");
  out.resize(start + n);
}

}  // namespace

std::string warc_pack(const Exchange& e, int gzip_level) {
  // The evidence keeps no resident ID number: digits in the payload are masked in place.
  // A packed file (an attachment) that shows them is not kept at all.
  std::string masked;
  if (e.withheld.empty() && !id_number::find(e.body, Date::today_china(), false).empty()) {
    masked = e.body;
    id_number::mask_all(masked, Date::today_china(), false);
  }
  static const std::string none;
  const std::string& body = !e.withheld.empty() ? none : masked.empty() ? e.body : masked;
  std::string date = e.date.size() >= 19 ? e.date.substr(0, 19) + "Z" : e.date;
  std::string resp_id = uuid_urn(), req_id = uuid_urn();
  std::string ip = e.ip.empty() ? "" : "WARC-IP-Address: " + e.ip + "\r\n";
  std::string extra = ip + "WARC-Payload-Digest: " + sha1_label({body}) + "\r\n";
  if (!e.withheld.empty()) extra += "WARC-Truncated: unspecified\r\nGovaudit-Withheld: " + e.withheld + "\r\n";
  else if (e.truncated) extra += "WARC-Truncated: length\r\n";
  // The records are made in a buffer the thread keeps: a page's record was three copies of it.
  thread_local std::string rec;
  rec.clear();
  record(rec, "response", resp_id, date, e.url, extra, "application/http;msgtype=response",
         {warc_http_head(e.response_head, body.size()), body});
  std::string out;
  gzip_member(out, gzip_level, rec);
  // The request record (a few hundred bytes) at the fastest level, whatever the response's.
  if (!e.request_head.empty()) {
    rec.clear();
    record(rec, "request", req_id, date, e.url, ip + "WARC-Concurrent-To: " + resp_id + "\r\n",
           "application/http;msgtype=request", {e.request_head});
    gzip_member(out, 1, rec);
  }
  if (rec.capacity() > (1 << 20)) std::string().swap(rec);  // a huge page's buffer is not kept
  return out;
}

std::string warc_http_head(const std::string& head, size_t body_size) {
  std::string out;
  size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    std::string_view line = std::string_view(head).substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? head.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (first) {
      (out += line) += "\r\n";
      first = false;
      continue;
    }
    if (header_is(line, "transfer-encoding") || header_is(line, "content-encoding") || header_is(line, "content-length"))
      out += "X-Crawler-";
    (out += line) += "\r\n";
  }
  if (first) out += "HTTP/1.1 000 No Response\r\n";
  (out += "Content-Length: ") += std::to_string(body_size);
  out += "\r\n\r\n";
  return out;
}

WarcWriter::WarcWriter(fs::path dir, std::string prefix, std::int64_t rotate_bytes, int gzip_level, fs::path earlier_root)
    : dir_(std::move(dir)), earlier_root_(earlier_root.empty() ? dir_.parent_path() : std::move(earlier_root)), prefix_(std::move(prefix)),
      rotate_bytes_(rotate_bytes), level_(gzip_level) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw sqlite::StorageError(dir_.string() + ": cannot create the WARC directory: " + ec.message());
}

WarcWriter::~WarcWriter() {
  if (file_) std::fclose(file_);
}

void WarcWriter::open_next() {
  if (file_) {
    if (std::fclose(file_) != 0) throw sqlite::StorageError(name_ + ": " + std::strerror(errno), sqlite::no_room_errno(errno));
    file_ = nullptr;
  }
  fs::path p;
  do {
    char n[32];
    std::snprintf(n, sizeof n, "-%05d.warc.gz", ++seq_);
    p = dir_ / (prefix_ + n);
  } while (fs::exists(p));
  file_ = std::fopen(p.c_str(), "wbx");
  if (!file_) throw sqlite::StorageError(p.string() + ": cannot create: " + std::strerror(errno), sqlite::no_room_errno(errno));
  // stdio's 4 KB buffer made a write per 4 KB (11,000 for a 20,000-page site); the writer flushes
  // before each commit anyway. (glibc ignores the size unless given the buffer.)
  buffer_.resize(256 * 1024);
  std::setvbuf(file_, buffer_.data(), _IOFBF, buffer_.size());
  name_ = (dir_.filename() / p.filename()).string();
  offset_ = 0;
  std::string info = "software: govaudit\r\nformat: WARC File Format 1.1\r\nconformsTo: "
                     "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n";
  char date[32];
  std::time_t t = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  std::string rec, member;
  record(rec, "warcinfo", uuid_urn(), date, "", "WARC-Filename: " + p.filename().string() + "\r\n", "application/warc-fields",
         {info});
  gzip_member(member, level_, rec);
  append(member);
}

void WarcWriter::append(const std::string& members) {
  if (std::fwrite(members.data(), 1, members.size(), file_) != members.size())
    throw sqlite::StorageError(name_ + ": write failed: " + std::strerror(errno), sqlite::no_room_errno(errno));
  offset_ += std::int64_t(members.size());
}

std::string WarcWriter::write_revisit(const Exchange& e, const std::string& earlier) {
  WarcRecord prior;
  try {
    prior = read_warc_record(earlier_root_, earlier, 1);  // its header is enough
  } catch (const std::exception&) {  // the earlier file is gone: the revisit still names its URI
  }
  std::string date = e.date.size() >= 19 ? e.date.substr(0, 19) + "Z" : e.date;
  std::string extra = (e.ip.empty() ? "" : "WARC-IP-Address: " + e.ip + "\r\n") +
                      "WARC-Profile: http://netpreserve.org/warc/1.1/revisions/server-not-modified\r\n" +
                      (prior.record_id.empty() ? "" : "WARC-Refers-To: " + prior.record_id + "\r\n") +
                      "WARC-Refers-To-Target-URI: " + (prior.target_uri.empty() ? e.url : prior.target_uri) + "\r\n" +
                      (prior.date.empty() ? "" : "WARC-Refers-To-Date: " + prior.date + "\r\n") +
                      "Govaudit-Refers-To-Location: " + earlier + "\r\n";
  std::string rec, out, resp_id = uuid_urn();
  record(rec, "revisit", resp_id, date, e.url, extra, "application/http;msgtype=response", {warc_http_head(e.response_head, 0)});
  gzip_member(out, level_, rec);
  if (!e.request_head.empty()) {
    rec.clear();
    record(rec, "request", uuid_urn(), date, e.url, "WARC-Concurrent-To: " + resp_id + "\r\n", "application/http;msgtype=request",
           {e.request_head});
    gzip_member(out, 1, rec);
  }
  if (!file_ || offset_ >= rotate_bytes_) open_next();
  std::string where = name_ + "#" + std::to_string(offset_);
  append(out);
  return where;
}

std::string WarcWriter::write(const Exchange& e) {
  if (!file_ || offset_ >= rotate_bytes_) open_next();
  std::string where = name_ + "#" + std::to_string(offset_);
  append(e.packed.empty() ? warc_pack(e, level_) : e.packed);
  return where;
}

void WarcWriter::flush() {
  if (file_ && std::fflush(file_) != 0) throw sqlite::StorageError(name_ + ": " + std::strerror(errno), sqlite::no_room_errno(errno));
}

}  // namespace govaudit

namespace govaudit {

namespace {
WarcRecord read_record(const std::filesystem::path& root, const std::string& location, std::size_t max_bytes, bool follow) {
  auto hash = location.rfind('#');
  if (hash == std::string::npos) throw std::runtime_error("not a WARC location: " + location);
  std::filesystem::path rel(location.substr(0, hash));
  if (rel.is_absolute() || rel.lexically_normal().string().rfind("..", 0) == 0)
    throw std::runtime_error("WARC location outside the output directory: " + location);
  std::filesystem::path file = root / rel;
  char* end = nullptr;
  unsigned long long offset = std::strtoull(location.c_str() + hash + 1, &end, 10);
  if (!end || *end) throw std::runtime_error("not a WARC location: " + location);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> f(std::fopen(file.c_str(), "rb"), std::fclose);
  if (!f || std::fseek(f.get(), long(offset), SEEK_SET) != 0)
    throw std::runtime_error("cannot read " + file.string() + ": " + std::strerror(errno));
  // One gzip member: inflate stops at its end.
  z_stream z{};
  if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw std::runtime_error("zlib: cannot start inflating");
  std::string out;
  std::array<unsigned char, 65536> in;  // not zeroed: filled before it is read
  std::array<char, 65536> buf;
  // A header alone (a revisit naming its response) is in the member's first kilobyte: inflating
  // more is most of what a periodic run's writer spends on a revisit.
  const std::size_t step = max_bytes < 4096 ? 1024 : in.size();
  int rc = Z_OK;
  bool cut = false;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0) {
      z.avail_in = unsigned(std::fread(in.data(), 1, step, f.get()));
      z.next_in = in.data();
      if (z.avail_in == 0) break;
    }
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = unsigned(step);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf.data(), step - z.avail_out);
    if (out.size() > max_bytes && (max_bytes >= 4096 || out.find("\r\n\r\n") != std::string::npos)) {
      cut = true;
      break;
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END && !cut) throw std::runtime_error("damaged WARC record at " + location);
  // WARC headers, a blank line, then the HTTP message.
  auto warc_end = out.find("\r\n\r\n");
  if (out.rfind("WARC/", 0) != 0 || warc_end == std::string::npos) throw std::runtime_error("not a WARC record at " + location);
  WarcRecord r;
  r.truncated = cut;
  auto header = [&](const std::string& name) {
    auto p = out.find("\r\n" + name + ": ");
    if (p == std::string::npos || p > warc_end) return std::string();
    p += name.size() + 4;
    return out.substr(p, out.find("\r\n", p) - p);
  };
  r.target_uri = header("WARC-Target-URI");
  r.date = header("WARC-Date");
  r.record_id = header("WARC-Record-ID");
  if (header("WARC-Type") == "revisit") {
    std::string earlier = header("Govaudit-Refers-To-Location");
    if (earlier.empty() || !follow) throw std::runtime_error("revisit record without its earlier response at " + location);
    WarcRecord e = read_record(root, earlier, max_bytes, false);  // always the response itself: one hop
    e.revisit_date = r.date;
    return e;
  }
  if (header("WARC-Truncated").size()) r.truncated = true;
  std::string content = out.substr(warc_end + 4, std::strtoull(header("Content-Length").c_str(), nullptr, 10));
  auto head_end = content.find("\r\n\r\n");
  if (head_end == std::string::npos) {
    r.http_head = std::move(content);
    return r;
  }
  r.http_head = content.substr(0, head_end + 4);
  r.body = content.substr(head_end + 4);
  return r;
}

}  // namespace

WarcRecord read_warc_record(const std::filesystem::path& root, const std::string& location, std::size_t max_bytes) {
  return read_record(root, location, max_bytes, true);
}

}  // namespace govaudit
