#include "storage/warc.hpp"

#include <openssl/evp.h>
#include <libdeflate.h>
#include <zlib.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <stdexcept>

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
  char s[64];
  std::snprintf(s, sizeof s, "<urn:uuid:%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x>", b[0], b[1],
                b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
  return s;
}

// "sha1:" + base32 (RFC 4648), the digest form WARC readers check.
std::string sha1_label(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(data.data(), data.size(), md, &len, EVP_sha1(), nullptr);
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

std::string record(const std::string& type, const std::string& id, const std::string& date, const std::string& uri,
                   const std::string& extra, const std::string& content_type, const std::string& block) {
  std::string r = "WARC/1.1\r\nWARC-Type: " + type + "\r\nWARC-Record-ID: " + id + "\r\nWARC-Date: " + date + "\r\n";
  if (!uri.empty()) r += "WARC-Target-URI: " + uri + "\r\n";
  r += extra;
  r += "WARC-Block-Digest: " + sha1_label(block) + "\r\n";
  r += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(block.size()) + "\r\n\r\n";
  r += block;
  r += "\r\n\r\n";
  return r;
}

bool header_is(std::string_view line, std::string_view name) {
  if (line.size() <= name.size() || line[name.size()] != ':') return false;
  for (size_t i = 0; i < name.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) return false;
  return true;
}

// Appends `rec` to `out` as one gzip member. libdeflate compresses a whole buffer at once, about
// three times faster than zlib at the same level; its compressor is kept per thread and level.
void gzip_member(std::string& out, int level, const std::string& rec) {
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
  size_t start = out.size();
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
  std::string extra = ip + "WARC-Payload-Digest: " + sha1_label(body) + "\r\n";
  if (!e.withheld.empty()) extra += "WARC-Truncated: unspecified\r\nGovaudit-Withheld: " + e.withheld + "\r\n";
  else if (e.truncated) extra += "WARC-Truncated: length\r\n";
  std::string out;
  gzip_member(out, gzip_level, record("response", resp_id, date, e.url, extra, "application/http;msgtype=response",
                                      warc_http_response(e.response_head, body)));
  // The request record (a few hundred bytes) is stored, not deflated: deflate's setup per member
  // cost as much as compressing the whole response and saved ~100 bytes. Still one gzip member.
  if (!e.request_head.empty())
    gzip_member(out, 0, record("request", req_id, date, e.url, ip + "WARC-Concurrent-To: " + resp_id + "\r\n",
                                        "application/http;msgtype=request", e.request_head));
  return out;
}

std::string warc_http_response(const std::string& head, const std::string& body) {
  std::string out;
  size_t pos = 0;
  bool first = true;
  while (pos < head.size()) {
    size_t eol = head.find('\n', pos);
    std::string line = head.substr(pos, eol == std::string::npos ? std::string::npos : eol - pos);
    pos = eol == std::string::npos ? head.size() : eol + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (first) {
      out += line + "\r\n";
      first = false;
      continue;
    }
    if (header_is(line, "transfer-encoding") || header_is(line, "content-encoding") || header_is(line, "content-length"))
      out += "X-Crawler-" + line + "\r\n";
    else
      out += line + "\r\n";
  }
  if (first) out += "HTTP/1.1 000 No Response\r\n";
  out += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  out += body;
  return out;
}

WarcWriter::WarcWriter(fs::path dir, std::string prefix, std::int64_t rotate_bytes, int gzip_level)
    : dir_(std::move(dir)), prefix_(std::move(prefix)), rotate_bytes_(rotate_bytes), level_(gzip_level) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw sqlite::StorageError(dir_.string() + ": cannot create the WARC directory: " + ec.message());
}

WarcWriter::~WarcWriter() {
  if (file_) std::fclose(file_);
}

void WarcWriter::open_next() {
  if (file_) {
    if (std::fclose(file_) != 0) throw sqlite::StorageError(name_ + ": " + std::strerror(errno));
    file_ = nullptr;
  }
  fs::path p;
  do {
    char n[32];
    std::snprintf(n, sizeof n, "-%05d.warc.gz", ++seq_);
    p = dir_ / (prefix_ + n);
  } while (fs::exists(p));
  file_ = std::fopen(p.c_str(), "wbx");
  if (!file_) throw sqlite::StorageError(p.string() + ": cannot create: " + std::strerror(errno));
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
  std::string member;
  gzip_member(member, level_, record("warcinfo", uuid_urn(), date, "", "WARC-Filename: " + p.filename().string() + "\r\n",
                "application/warc-fields", info));
  append(member);
}

void WarcWriter::append(const std::string& members) {
  if (std::fwrite(members.data(), 1, members.size(), file_) != members.size())
    throw sqlite::StorageError(name_ + ": write failed: " + std::strerror(errno));
  offset_ += std::int64_t(members.size());
}

std::string WarcWriter::write(const Exchange& e) {
  if (!file_ || offset_ >= rotate_bytes_) open_next();
  std::string where = name_ + "#" + std::to_string(offset_);
  append(e.packed.empty() ? warc_pack(e, level_) : e.packed);
  return where;
}

void WarcWriter::flush() {
  if (file_ && std::fflush(file_) != 0) throw sqlite::StorageError(name_ + ": " + std::strerror(errno));
}

}  // namespace govaudit

namespace govaudit {

WarcRecord read_warc_record(const std::filesystem::path& root, const std::string& location, std::size_t max_bytes) {
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
  std::array<unsigned char, 65536> in{};
  std::array<char, 65536> buf{};
  int rc = Z_OK;
  bool cut = false;
  while (rc != Z_STREAM_END) {
    if (z.avail_in == 0) {
      z.avail_in = unsigned(std::fread(in.data(), 1, in.size(), f.get()));
      z.next_in = in.data();
      if (z.avail_in == 0) break;
    }
    z.next_out = reinterpret_cast<Bytef*>(buf.data());
    z.avail_out = unsigned(buf.size());
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out.append(buf.data(), buf.size() - z.avail_out);
    if (out.size() > max_bytes) {
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

}  // namespace govaudit
