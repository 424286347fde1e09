#pragma once
// Sets of URLs as the crawl keeps them: by their 128-bit XXH3 digest. A site's seen URLs were its
// largest state (a string node and its heap copy, ~150 bytes a URL); a digest costs ~40. Two URLs
// of one crawl sharing a digest is ~1e-20 likely for a billion of them.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "model/string_pool.hpp"

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

// Content digest -> the URL first recorded with it, for a duplicate to name. One per page of a site:
// a node and a heap string each were ~170 bytes; a small node and the URL pooled without its
// scheme://host:port (one of the site's few, kept once) are ~90.
class FirstUrls {
 public:
  bool contains(std::string_view digest) const { return at_.count(UrlKey(digest)) > 0; }
  // The URL first recorded with `digest`; `url` becomes it when there is none yet ("" returned).
  std::string first(std::string_view digest, std::string_view url) {
    auto [it, inserted] = at_.emplace(UrlKey(digest), 0);
    if (!inserted) return origins_[std::uint8_t(pool_.at(it->second)[0])] + std::string(pool_.at(it->second).substr(1));
    auto scheme = url.find("://");
    auto path = scheme == std::string_view::npos ? 0 : url.find('/', scheme + 3);
    if (path == std::string_view::npos) path = url.size();
    auto origin = url.substr(0, path);
    size_t o = 0;
    while (o < origins_.size() && origins_[o] != origin) ++o;
    if (o == origins_.size()) {
      if (o == 256) o = 0, path = 0;  // more origins than a site has: the URL kept whole, after ""
      else origins_.emplace_back(origin);
    }
    it->second = pool_.put(std::string(1, char(o)).append(url.substr(path)));
    return {};
  }

 private:
  DigestMap<std::uint32_t> at_;
  std::vector<std::string> origins_{""};
  StringPool pool_;
};

}  // namespace govaudit::engine
