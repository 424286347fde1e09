#include "storage/pg.hpp"

#include <spdlog/spdlog.h>

#include <cctype>
#include <string_view>

namespace govaudit::pg {

namespace {

// Percent-decoding as libpq does it for a URI's parts (a stray % is kept).
std::string decode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// A query key that names a secret once libpq has decoded it: password, sslpassword, PassWord …
bool secret_key(std::string_view raw_key) {
  std::string k = decode(raw_key);
  for (auto& c : k) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return k.size() >= 8 && k.compare(k.size() - 8, 8, "password") == 0;
}

// Each secret of `uri`: [begin, end) of its raw value.
std::vector<std::pair<size_t, size_t>> secret_spans(const std::string& uri) {
  std::vector<std::pair<size_t, size_t>> out;
  auto scheme = uri.find("://");
  if (scheme == std::string::npos) return out;
  auto authority_end = uri.find_first_of("/?", scheme + 3);
  if (authority_end == std::string::npos) authority_end = uri.size();
  auto at = uri.rfind('@', authority_end);
  if (at != std::string::npos && at > scheme) {
    auto colon = uri.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.emplace_back(colon + 1, at);
  }
  auto q = uri.find('?', scheme + 3);
  while (q != std::string::npos) {
    auto end = uri.find('&', q + 1);
    std::string_view part(uri.data() + q + 1, (end == std::string::npos ? uri.size() : end) - q - 1);
    auto eq = part.find('=');
    if (eq != std::string_view::npos && secret_key(part.substr(0, eq))) out.emplace_back(q + 2 + eq, q + 1 + part.size());
    q = end;
  }
  return out;
}

}  // namespace

std::string redact(const std::string& uri) {
  std::string out = uri;
  auto spans = secret_spans(uri);
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second - it->first, "***");
  return out;
}

std::vector<std::string> secrets(const std::string& uri) {
  std::vector<std::string> out;
  for (auto [b, e] : secret_spans(uri)) {
    if (e == b) continue;
    out.push_back(uri.substr(b, e - b));
    if (auto d = decode(out.back()); d != out.back()) out.push_back(d);
  }
  return out;
}

std::string scrub(std::string text, const std::vector<std::string>& secrets) {
  for (auto& s : secrets)
    if (!s.empty())
      for (auto p = text.find(s); p != std::string::npos; p = text.find(s, p + 3)) text.replace(p, s.size(), "***");
  return text;
}

bool is_uri(const std::string& s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

long long Result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::stoll(n) : 0;
}

Connection::Connection(const std::string& uri) : c_(PQconnectdb(uri.c_str()), PQfinish), redacted_(redact(uri)), secrets_(secrets(uri)) {
  if (!c_ || PQstatus(c_.get()) != CONNECTION_OK)
    throw Error("cannot connect to " + redacted_ + ": " + message(c_ ? PQerrorMessage(c_.get()) : "out of memory"), true);
  exec("SET client_min_messages = warning");
}

// libpq's own text can quote the connection string (a bad percent-escape, a bad option): never its secrets.
std::string Connection::message(std::string text) const { return scrub(std::move(text), secrets_); }

void Connection::exec_script(const std::string& sql) {
  PGresult* raw = PQexec(c_.get(), sql.c_str());
  Result r(raw);
  auto st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw Error("PostgreSQL " + redacted_ + ": " + message(raw ? PQresultErrorMessage(raw) : PQerrorMessage(c_.get())),
                PQstatus(c_.get()) != CONNECTION_OK);
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  for (auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  PGresult* raw = PQexecParams(c_.get(), sql.c_str(), int(values.size()), nullptr, values.data(), nullptr, nullptr, 0);
  Result r(raw);
  auto st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    bool gone = PQstatus(c_.get()) != CONNECTION_OK;
    if (gone) PQreset(c_.get());  // the next statement finds the server again, when it is back
    std::string msg = raw ? PQresultErrorMessage(raw) : PQerrorMessage(c_.get());
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' ')) msg.pop_back();
    throw Error("PostgreSQL " + redacted_ + ": " + message(msg), gone);
  }
  return r;
}

Transaction::~Transaction() {
  if (done_) return;
  try {
    c_.exec("ROLLBACK");
  } catch (const std::exception& e) {  // the error being unwound is the one the caller sees
    spdlog::warn("PostgreSQL: rolling back an unfinished transaction failed: {}", e.what());
  }
}

}  // namespace govaudit::pg
