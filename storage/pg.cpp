#include "storage/pg.hpp"

namespace govaudit::pg {

std::string redact(const std::string& uri) {
  // postgresql://user:password@host/db -> postgresql://user:***@host/db; password=… in the query too.
  std::string out = uri;
  auto scheme = out.find("://");
  auto at = out.find('@');
  if (scheme != std::string::npos && at != std::string::npos && at > scheme) {
    auto colon = out.find(':', scheme + 3);
    if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
  }
  for (auto p = out.find("password="); p != std::string::npos; p = out.find("password=", p + 1)) {
    auto end = out.find('&', p);
    out.replace(p + 9, (end == std::string::npos ? out.size() : end) - p - 9, "***");
  }
  return out;
}

bool is_uri(const std::string& s) { return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0; }

long long Result::affected() const {
  const char* n = PQcmdTuples(r_.get());
  return n && *n ? std::stoll(n) : 0;
}

Connection::Connection(const std::string& uri) : c_(PQconnectdb(uri.c_str()), PQfinish), redacted_(redact(uri)) {
  if (!c_ || PQstatus(c_.get()) != CONNECTION_OK)
    throw Error("cannot connect to " + redacted_ + ": " + (c_ ? PQerrorMessage(c_.get()) : "out of memory"), true);
  exec("SET client_min_messages = warning");
}

void Connection::exec_script(const std::string& sql) {
  PGresult* raw = PQexec(c_.get(), sql.c_str());
  Result r(raw);
  auto st = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    throw Error("PostgreSQL " + redacted_ + ": " + (raw ? PQresultErrorMessage(raw) : PQerrorMessage(c_.get())),
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
    throw Error("PostgreSQL " + redacted_ + ": " + msg, gone);
  }
  return r;
}

}  // namespace govaudit::pg
