// What both stores share of the Campaign interface.
#include "storage/campaign.hpp"

#include <openssl/evp.h>

#include <stdexcept>

namespace govaudit {

std::optional<CampaignRun> Campaign::audit_run(std::int64_t id) {
  for (auto& r : audit_runs())
    if (r.id == id) return r;
  return std::nullopt;
}

std::optional<std::int64_t> Campaign::previous_audit_run(std::int64_t run) {
  std::optional<std::int64_t> prev;
  for (auto& r : audit_runs())
    if (r.done && r.id < run) prev = r.id;
  return prev;
}

std::string token_hash(const std::string& token) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  if (EVP_Digest(token.data(), token.size(), md, &n, EVP_sha256(), nullptr) != 1) throw std::runtime_error("SHA-256 failed");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned i = 0; i < n; ++i) out += hex[md[i] >> 4], out += hex[md[i] & 15];
  return out;
}

}  // namespace govaudit
