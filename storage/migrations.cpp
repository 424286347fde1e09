// Opening the store: the schema migrated to the current version from the embedded files of
// storage/migrations, each in its own transaction.
#include "storage/store.hpp"

#include "config/embedded.hpp"

namespace govaudit::schema {
std::span<const EmbeddedFile> files();
}

namespace govaudit {

Store::Store(const std::string& path) : db_(path) {
  // Its reads are scans the OS's file cache serves as well; SQLite's default 2 MB was 3 % of a
  // large audit's peak memory.
  db_.exec("PRAGMA cache_size=-512");
  migrate();
}

void Store::migrate() {
  int v = 0;
  {
    auto st = db_.prepare("PRAGMA user_version");  // finalized before any DROP TABLE below
    st.step();
    v = int(st.integer(0));
  }
  if (v > kSchemaVersion)
    throw sqlite::StorageError(db_.path() + ": database schema version " + std::to_string(v) +
                               " is newer than this govaudit understands (" + std::to_string(kSchemaVersion) + ")");
  // Migrations are the embedded files of storage/migrations in name order; file N brings the
  // schema to version N, each in its own transaction.
  auto files = schema::files();
  if (int(files.size()) != kSchemaVersion)
    throw sqlite::StorageError("internal: " + std::to_string(files.size()) + " migrations for schema version " +
                               std::to_string(kSchemaVersion));
  for (int next = v + 1; next <= kSchemaVersion; ++next) {
    sqlite::Transaction tx(db_);
    db_.exec(files[size_t(next - 1)].data);
    db_.exec("PRAGMA user_version = " + std::to_string(next));
    tx.commit();
  }
}

}  // namespace govaudit
