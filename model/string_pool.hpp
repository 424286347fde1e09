#pragma once
// Strings held for the life of a large read-only collection (a site's page table, items, links):
// length-prefixed in chunks, addressed by 31-bit handles, those interned kept once. A std::string
// each was 32 bytes and, for most URLs and titles, a heap block besides.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

namespace govaudit {

class StringPool {
 public:
  std::uint32_t put(std::string_view s) {
    size_t need = s.size() + sizeof(std::uint32_t);
    if (s.size() > UINT32_MAX) throw std::length_error("a string of 4 GB or more");
    if (chunks_.empty() || chunks_.back().capacity() - chunks_.back().size() < need) {
      if (chunks_.size() >> (31 - kBits)) throw std::length_error("a site's strings exceed 2 GB");
      chunks_.emplace_back().reserve(std::max(need, chunks_.size() < 6 ? size_t(4096) << chunks_.size() : kChunk));
    }
    std::string& c = chunks_.back();
    auto at = std::uint32_t(((chunks_.size() - 1) << kBits) | c.size());  // a string past kChunk starts its own chunk
    auto n = std::uint32_t(s.size());
    c.append(reinterpret_cast<const char*>(&n), sizeof n).append(s);
    return at;
  }
  // put(), once per distinct string: for the few values many entries share.
  std::uint32_t intern(std::string_view s) {
    auto it = interned_.find(s);
    if (it == interned_.end()) it = interned_.emplace(std::string(s), put(s)).first;
    return it->second;
  }
  // Valid while the pool lives: chunks never move their bytes.
  std::string_view at(std::uint32_t handle) const {
    const char* p = chunks_[handle >> kBits].data() + (handle & (kChunk - 1));
    std::uint32_t n;
    std::memcpy(&n, p, sizeof n);
    return {p + sizeof n, n};
  }

 private:
  // Chunks of at most 256 KB (a handle is a chunk's number and an offset in it), each reserved
  // once: a single buffer grown by doubling held up to twice its strings, three times as it moved.
  static constexpr unsigned kBits = 18;
  static constexpr size_t kChunk = size_t(1) << kBits;
  std::vector<std::string> chunks_;
  std::map<std::string, std::uint32_t, std::less<>> interned_;
};

// An iterator over a list read by index, giving its `Ref` by value (views into the list).
template <class List, class Ref>
class IndexIterator {
 public:
  using iterator_category = std::forward_iterator_tag;
  using value_type = Ref;
  using difference_type = std::ptrdiff_t;
  using pointer = void;
  using reference = Ref;
  IndexIterator() = default;
  IndexIterator(const List* list, size_t at) : list_(list), at_(at) {}
  Ref operator*() const { return (*list_)[at_]; }
  IndexIterator& operator++() {
    ++at_;
    return *this;
  }
  IndexIterator operator++(int) {
    auto old = *this;
    ++at_;
    return old;
  }
  bool operator==(const IndexIterator& o) const { return at_ == o.at_; }

 private:
  const List* list_ = nullptr;
  size_t at_ = 0;
};

}  // namespace govaudit
