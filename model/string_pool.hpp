#pragma once
// Strings held for the life of a large read-only collection (a site's page table, items, links):
// length-prefixed in one buffer, addressed by 32-bit offsets, those interned kept once. A std::string
// each was 32 bytes and, for most URLs and titles, a heap block besides.
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
    if (text_.size() + s.size() + sizeof(std::uint32_t) > UINT32_MAX) throw std::length_error("a site's strings exceed 4 GB");
    auto at = std::uint32_t(text_.size());
    auto n = std::uint32_t(s.size());
    text_.append(reinterpret_cast<const char*>(&n), sizeof n).append(s);
    return at;
  }
  // put(), once per distinct string: for the few values many entries share.
  std::uint32_t intern(std::string_view s) {
    auto it = interned_.find(s);
    if (it == interned_.end()) it = interned_.emplace(std::string(s), put(s)).first;
    return it->second;
  }
  // Valid until the next put().
  std::string_view at(std::uint32_t offset) const {
    std::uint32_t n;
    std::memcpy(&n, text_.data() + offset, sizeof n);
    return {text_.data() + offset + sizeof n, n};
  }
  void shrink_to_fit() { text_.shrink_to_fit(); }

 private:
  std::string text_;
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
