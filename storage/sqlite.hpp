#pragma once
// Thin RAII wrappers over sqlite3: a connection and prepared statements. Errors throw
// StorageError naming the database file and the failing statement.
#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace govaudit::sqlite {

// A store's failure; `no_room` when the disk is full or read-only (or failed): the user can make
// room and run the same command again, and nothing stored is lost.
class StorageError : public std::runtime_error {
 public:
  explicit StorageError(const std::string& what, bool no_room_ = false) : std::runtime_error(what), no_room(no_room_) {}
  bool no_room;
};
// An errno that says the disk has no room or cannot be written.
bool no_room_errno(int e);

class Statement;

// One connection. Not thread-safe: one owner thread at a time.
class Connection {
 public:
  // Opens (creating when `create`) the database at `path`; WAL, foreign keys on, busy timeout 10 s.
  explicit Connection(const std::string& path, bool create = true);
  void exec(std::string_view sql);
  Statement prepare(std::string_view sql);
  std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(db_.get()); }
  int changes() const { return sqlite3_changes(db_.get()); }  // rows the last statement changed
  sqlite3* get() const { return db_.get(); }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(std::string_view what) const;

 private:
  struct Close {
    void operator()(sqlite3* d) const { sqlite3_close_v2(d); }
  };
  std::unique_ptr<sqlite3, Close> db_;
  std::string path_;
};

class Statement {
 public:
  Statement(Connection& c, sqlite3_stmt* s) : conn_(&c), st_(s) {}
  Statement& bind(int i, std::int64_t v);
  Statement& bind(int i, int v) { return bind(i, std::int64_t(v)); }
  Statement& bind(int i, double v);
  Statement& bind(int i, std::string_view v);
  Statement& bind(int i, const std::string& v) { return bind(i, std::string_view(v)); }
  Statement& bind(int i, const char* v) { return bind(i, std::string_view(v)); }
  // Text SQLite reads in place, without its copy: `v` must stay valid until the next step after
  // which parameter `i` is bound again (or the statement ends). For rows written by the million.
  Statement& bind_kept(int i, std::string_view v);
  Statement& bind_blob(int i, std::string_view v);
  Statement& bind_null(int i);
  // Steps once: true while a row is available.
  bool step();
  // Steps to completion and resets for reuse.
  void run();
  void reset();
  std::int64_t integer(int col) const { return sqlite3_column_int64(st_.get(), col); }
  double real(int col) const { return sqlite3_column_double(st_.get(), col); }
  std::string text(int col) const;
  std::string_view text_view(int col) const;  // valid until the next step
  std::string blob(int col) const;
  std::string_view blob_view(int col) const;  // valid until the next step
  bool is_null(int col) const { return sqlite3_column_type(st_.get(), col) == SQLITE_NULL; }
  int columns() const { return sqlite3_column_count(st_.get()); }
  const char* column_name(int col) const { return sqlite3_column_name(st_.get(), col); }

 private:
  struct Finalize {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  Connection* conn_;
  std::unique_ptr<sqlite3_stmt, Finalize> st_;
};

// Commits on commit(); rolls back when destroyed without it.
class Transaction {
 public:
  explicit Transaction(Connection& c) : c_(c) { c_.exec("BEGIN IMMEDIATE"); }
  ~Transaction() {
    if (!done_) sqlite3_exec(c_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
  }
  void commit() {
    c_.exec("COMMIT");
    done_ = true;
  }

 private:
  Connection& c_;
  bool done_ = false;
};

}  // namespace govaudit::sqlite
