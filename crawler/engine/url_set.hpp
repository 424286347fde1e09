#pragma once
// Sets of URLs as the crawl keeps them: by their 128-bit XXH3 digest. A site's seen URLs were its
// largest state (a string node and its heap copy, ~150 bytes a URL); a digest costs ~40. Two URLs
// of one crawl sharing a digest is ~1e-20 likely for a billion of them.
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#define XXH_INLINE_ALL
#include <xxhash.h>

namespace govaudit::engine {

struct UrlKey {
  std::uint64_t lo = 0, hi = 0;
  explicit UrlKey(std::string_view s) {
    auto h = XXH3_128bits(s.data(), s.size());
    lo = h.low64, hi = h.high64;
  }
  bool operator==(const UrlKey&) const = default;
  struct Hash {
    size_t operator()(const UrlKey& k) const noexcept { return size_t(k.lo); }
  };
};

class UrlSet {
 public:
  bool insert(std::string_view u) { return set_.insert(UrlKey(u)).second; }
  bool contains(std::string_view u) const { return set_.count(UrlKey(u)) > 0; }
  size_t size() const { return set_.size(); }

 private:
  std::unordered_set<UrlKey, UrlKey::Hash> set_;
};

// Keyed by a string's digest (a content digest, a URL), holding a value.
template <class V>
using DigestMap = std::unordered_map<UrlKey, V, UrlKey::Hash>;

}  // namespace govaudit::engine
