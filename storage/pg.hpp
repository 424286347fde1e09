#pragma once
// A thin libpq wrapper for the shared store (several machines, one PostgreSQL): a connection from
// a URI (credentials from it or the standard PG* environment and ~/.pgpass, never logged), text
// parameters, results by row and column, and a transaction that rolls back unless committed.
#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace govaudit::pg {

// A database error; `transient` when the server went away or refused the connection (the caller
// may wait and retry), not for a bad statement.
struct Error : std::runtime_error {
  Error(const std::string& what, bool transient_) : std::runtime_error(what), transient(transient_) {}
  bool transient;
};

// The URI with every secret (the password of user:password@, any query key that decodes to
// password or sslpassword, as libpq decodes %-escapes) replaced by ***, for logs and messages.
std::string redact(const std::string& uri);
// The secrets of `uri`, as written and decoded: what must never appear in any output.
std::vector<std::string> secrets(const std::string& uri);
// `text` (an error, a log line, libpq's own message) with each of `secrets` replaced by ***.
std::string scrub(std::string text, const std::vector<std::string>& secrets);
bool is_uri(const std::string& s);  // postgresql:// or postgres://

class Result {
 public:
  explicit Result(PGresult* r) : r_(r, PQclear) {}
  int rows() const { return PQntuples(r_.get()); }
  bool null(int row, int col) const { return PQgetisnull(r_.get(), row, col); }
  std::string text(int row, int col) const { return PQgetvalue(r_.get(), row, col); }
  long long integer(int row, int col) const { return std::stoll(text(row, col)); }
  long long affected() const;  // rows an UPDATE/INSERT/DELETE touched

 private:
  std::unique_ptr<PGresult, void (*)(PGresult*)> r_;
};

using Param = std::optional<std::string>;  // nullopt is SQL NULL

class Connection {
 public:
  explicit Connection(const std::string& uri);  // throws Error
  Result exec(const std::string& sql, const std::vector<Param>& params = {});
  void exec_script(const std::string& sql);  // several statements, no parameters (migrations)
  const std::string& uri() const { return redacted_; }

 private:
  std::string message(std::string text) const;
  std::unique_ptr<PGconn, void (*)(PGconn*)> c_;
  std::string redacted_;
  std::vector<std::string> secrets_;
};

class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.exec("BEGIN"); }
  ~Transaction();  // rolls back when not committed; a failed rollback is logged (it cannot throw)
  void commit() { c_.exec("COMMIT"), done_ = true; }

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace govaudit::pg
