// Console accounts (govaudit user add / list / remove): a role, the sites a county account sees,
// and the SHA-256 of the token (the token itself is shown once and never stored).
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "model/clock.hpp"
#include "storage/store.hpp"

namespace govaudit {

namespace {
Account account_row(const sqlite::Statement& st) {
  Account a;
  a.id = st.integer(0);
  a.name = st.text(1);
  a.role = role_from(st.text(2)).value_or(Role::Viewer);
  auto sites = nlohmann::json::parse(st.text(3), nullptr, false);
  if (sites.is_array())
    for (auto& s : sites)
      if (s.is_string()) a.sites.push_back(s.get<std::string>());
  a.token_hash = st.text(4);
  a.created_at = st.text(5);
  return a;
}
constexpr const char* kAccountColumns = "SELECT id, name, role, sites, token_hash, created_at FROM accounts ";
}  // namespace

std::int64_t Store::add_account(const Account& a) {
  auto taken = db_.prepare("SELECT 1 FROM accounts WHERE name=?");
  taken.bind(1, a.name);
  if (taken.step()) throw std::invalid_argument("an account named '" + a.name + "' exists already");
  auto st = db_.prepare("INSERT INTO accounts (name, role, sites, token_hash, created_at) VALUES (?,?,?,?,?)");
  st.bind(1, a.name).bind(2, std::string(name(a.role))).bind(3, nlohmann::json(a.sites).dump()).bind(4, a.token_hash)
      .bind(5, a.created_at.empty() ? now_iso_utc() : a.created_at);
  st.run();
  return db_.last_insert_id();
}

std::vector<Account> Store::accounts() {
  auto st = db_.prepare(std::string(kAccountColumns) + "ORDER BY id");
  std::vector<Account> out;
  while (st.step()) out.push_back(account_row(st));
  return out;
}

bool Store::remove_account(const std::string& account) {
  db_.prepare("DELETE FROM accounts WHERE name=?").bind(1, account).run();
  return db_.changes() > 0;
}

std::optional<Account> Store::account_by_token_hash(const std::string& hash) {
  auto st = db_.prepare(std::string(kAccountColumns) + "WHERE token_hash=?");
  st.bind(1, hash);
  if (!st.step()) return std::nullopt;
  return account_row(st);
}

}  // namespace govaudit
