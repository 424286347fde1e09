#pragma once
// A site's links and items as a SiteView holds them: packed lists, their strings in one pool, a URL
// of one of the site's pages read from its page table (PagePool). Filled like vectors of records,
// read as Refs (views valid while the list is not changed).
#include <cstdint>
#include <deque>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/date.hpp"
#include "model/page_table.hpp"
#include "model/string_pool.hpp"

namespace govaudit {

// What both lists share: their slots (Slots, one per entry), their pool, and reading by index.
template <class List, class Ref, class Slots>
class PackedList {
 public:
  using const_iterator = IndexIterator<List, Ref>;
  // Before the first push_back: the site's page table, whose URLs the list then reads there.
  void use_pages(std::shared_ptr<const PageTable> pages) { pool_.use_pages(std::move(pages)); }
  size_t size() const { return slots_.size(); }
  bool empty() const { return slots_.empty(); }
  const_iterator begin() const { return {static_cast<const List*>(this), 0}; }
  const_iterator end() const { return {static_cast<const List*>(this), size()}; }

 protected:
  Slots slots_;
  PagePool pool_;
};

struct LinkRecord {
  std::string site_id;
  std::string from_url;
  std::string to_url;  // absolute, normalised
  std::string tag;     // a, area, img, script, iframe, frame
  std::string text;    // anchor text plus alt/title of images inside
  std::string hidden = {};  // how it is hidden from readers ("display:none" …); empty when visible
};

// A link of a SiteView's LinkList: views of the list's own strings, valid while it is not changed.
struct LinkRef {
  std::string_view site_id, from_url, to_url, tag, text, hidden;
  LinkRecord record() const {
    return {std::string(site_id), std::string(from_url), std::string(to_url), std::string(tag), std::string(text), std::string(hidden)};
  }
};

namespace detail {
struct LinkSlot {
  std::uint32_t site, from, to, tag, text, hidden;
};
}  // namespace detail

// A site's links, a page's URL once for all its links and each tag and way of hiding once: ~140
// bytes a link where six strings took ~400. Its slots in chunks (a vector grown by doubling held up
// to twice them).
class LinkList : public PackedList<LinkList, LinkRef, std::deque<detail::LinkSlot>> {
 public:
  LinkList() = default;
  LinkList(std::initializer_list<LinkRecord> links) {
    for (auto& l : links) push_back(l);
  }
  LinkList(const std::vector<LinkRecord>& links) {  // NOLINT: filled from the crawler's records
    for (auto& l : links) push_back(l);
  }
  void push_back(const LinkRecord& l) {
    slots_.push_back({pool_.intern(l.site_id), pool_.url(l.from_url, from_), pool_.url(l.to_url), pool_.intern(l.tag), pool_.put(l.text),
                      pool_.intern(l.hidden)});
  }
  LinkRef operator[](size_t i) const {
    const auto& s = slots_[i];
    return {pool_.at(s.site), pool_.at(s.from), pool_.at(s.to), pool_.at(s.tag), pool_.at(s.text), pool_.at(s.hidden)};
  }

 private:
  std::optional<std::uint32_t> from_;  // the last source page's URL: a page's links come together
};

// Ends `hidden` when the hidden block is one of the page's own menus or panels (crawler/extract.cpp
// says which), not a block of its own.
inline constexpr std::string_view kHiddenInMenu = " (in a menu of the page)";

struct ItemRecord {
  std::string site_id;
  std::string list_url;
  std::string url;
  std::string title;
  std::optional<Date> date;
};

// An item of a SiteView's ItemList: views of the list's own strings, valid while the list is not
// changed.
struct ItemRef {
  std::string_view site_id, list_url, url, title;
  std::optional<Date> date;
};

namespace detail {
struct ItemSlot {
  std::uint32_t site, list, url, title;
  std::optional<Date> date;
};
}  // namespace detail

// A site's items, a list page's URL once for all its items: a large site's audit holds ~70,000 of
// them, and four strings each (a block for every URL and title) were ~390 bytes an item where this
// takes ~170. Its slots a vector: the audit's view counts the items first and reserves them.
class ItemList : public PackedList<ItemList, ItemRef, std::vector<detail::ItemSlot>> {
 public:
  ItemList() = default;
  ItemList(std::initializer_list<ItemRecord> items) {
    for (auto& i : items) push_back(i);
  }
  void push_back(const ItemRecord& i) {
    slots_.push_back({pool_.intern(i.site_id), pool_.url(i.list_url, list_), pool_.url(i.url), pool_.put(i.title), i.date});
  }
  void reserve(size_t n) { slots_.reserve(n); }
  ItemRef operator[](size_t i) const {
    const auto& s = slots_[i];
    return {pool_.at(s.site), pool_.at(s.list), pool_.at(s.url), pool_.at(s.title), s.date};
  }

 private:
  std::optional<std::uint32_t> list_;  // the last list page's URL: a list's items come together
};

}  // namespace govaudit
