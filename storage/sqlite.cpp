#include "storage/sqlite.hpp"

#include <cerrno>
#include <cstring>

namespace govaudit::sqlite {
namespace {

// SQLite's message, with what the operating system said when a file operation failed: "disk I/O
// error" alone does not tell a full disk from a read-only one.
std::string reason(sqlite3* db, const char* msg) {
  std::string r = msg;
  if (int e = db ? sqlite3_system_errno(db) : 0; e != 0) r += std::string(" (") + std::strerror(e) + ")";
  return r;
}

bool no_room(sqlite3* db) {
  if (!db) return false;
  int code = sqlite3_errcode(db) & 0xff;
  return code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY || no_room_errno(sqlite3_system_errno(db));
}

// SQLite's memory statistics take one process-wide mutex on every allocation: connections read on
// two threads (the audit's) spent more time waking each other there than reading. Set before the
// first connection (sqlite3_config is refused after SQLite is initialised).
void configure_once() {
  static const int rc = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)rc;
}

}  // namespace

bool no_room_errno(int e) { return e == ENOSPC || e == EDQUOT || e == EFBIG || e == EROFS || e == EIO; }

Connection::Connection(const std::string& path, bool create) : path_(path) {
  configure_once();
  sqlite3* raw = nullptr;
  int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  db_.reset(raw);
  if (rc != SQLITE_OK)
    throw StorageError(path + ": cannot open the database: " + (raw ? reason(raw, sqlite3_errmsg(raw)) : sqlite3_errstr(rc)), no_room(raw));
  sqlite3_busy_timeout(raw, 10000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=NORMAL");
  exec("PRAGMA foreign_keys=ON");
}

void Connection::fail(std::string_view what) const {
  throw StorageError(path_ + ": " + std::string(what) + ": " + reason(db_.get(), sqlite3_errmsg(db_.get())), no_room(db_.get()));
}

void Connection::exec(std::string_view sql) {
  std::string s(sql);
  char* err = nullptr;
  if (sqlite3_exec(db_.get(), s.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = reason(db_.get(), err ? err : "unknown error");
    sqlite3_free(err);
    throw StorageError(path_ + ": " + msg + " (in: " + s.substr(0, 80) + ")", no_room(db_.get()));
  }
}

Statement Connection::prepare(std::string_view sql) {
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.data(), int(sql.size()), &st, nullptr) != SQLITE_OK)
    fail("cannot prepare '" + std::string(sql.substr(0, 60)) + "'");
  return Statement(*this, st);
}

Statement& Statement::bind(int i, std::int64_t v) {
  if (sqlite3_bind_int64(st_.get(), i, v) != SQLITE_OK) conn_->fail("bind");
  return *this;
}
Statement& Statement::bind(int i, double v) {
  if (sqlite3_bind_double(st_.get(), i, v) != SQLITE_OK) conn_->fail("bind");
  return *this;
}
Statement& Statement::bind(int i, std::string_view v) {
  if (sqlite3_bind_text(st_.get(), i, v.data(), int(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) conn_->fail("bind");
  return *this;
}
Statement& Statement::bind_kept(int i, std::string_view v) {
  if (sqlite3_bind_text(st_.get(), i, v.data(), int(v.size()), SQLITE_STATIC) != SQLITE_OK) conn_->fail("bind");
  return *this;
}
Statement& Statement::bind_blob(int i, std::string_view v) {
  if (sqlite3_bind_blob(st_.get(), i, v.data(), int(v.size()), SQLITE_TRANSIENT) != SQLITE_OK) conn_->fail("bind");
  return *this;
}
Statement& Statement::bind_null(int i) {
  if (sqlite3_bind_null(st_.get(), i) != SQLITE_OK) conn_->fail("bind");
  return *this;
}

bool Statement::step() {
  int rc = sqlite3_step(st_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  conn_->fail("step");
}

void Statement::run() {
  while (step()) {
  }
  reset();
}

void Statement::reset() {
  sqlite3_reset(st_.get());
  sqlite3_clear_bindings(st_.get());
}

std::string Statement::text(int col) const {
  auto p = sqlite3_column_text(st_.get(), col);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_.get(), col)) : std::string();
}

std::string_view Statement::text_view(int col) const {
  auto p = sqlite3_column_text(st_.get(), col);
  return p ? std::string_view(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_.get(), col)) : std::string_view();
}

std::string Statement::blob(int col) const { return std::string(blob_view(col)); }

std::string_view Statement::blob_view(int col) const {
  auto p = sqlite3_column_blob(st_.get(), col);
  return p ? std::string_view(static_cast<const char*>(p), sqlite3_column_bytes(st_.get(), col)) : std::string_view();
}

}  // namespace govaudit::sqlite
