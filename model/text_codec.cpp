#include "model/text_codec.hpp"

#include <zstd.h>

#include <memory>
#include <stdexcept>

#include "model/records.hpp"

namespace govaudit {

// One zstd context per thread: the one-shot calls set up (and clear) a fresh one each time,
// which cost more than compressing a page's text.
std::string compress_text(std::string_view s) {
  if (s.empty()) return {};
  thread_local std::unique_ptr<ZSTD_CCtx, size_t (*)(ZSTD_CCtx*)> cctx(ZSTD_createCCtx(), ZSTD_freeCCtx);
  std::string out(ZSTD_compressBound(s.size()), '\0');
  // Level -1 (literals not entropy-coded): a page's text is ~1 KB, and building the entropy
  // tables cost more than the rest (level 1: 5.2 µs and 597 bytes for 1,105; -1: 2.0 µs, 655).
  size_t n = ZSTD_compressCCtx(cctx.get(), out.data(), out.size(), s.data(), s.size(), -1);
  if (ZSTD_isError(n)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

std::string decompress_text(std::string_view z) {
  if (z.empty()) return {};
  thread_local std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  unsigned long long n = ZSTD_getFrameContentSize(z.data(), z.size());
  if (n == ZSTD_CONTENTSIZE_ERROR || n == ZSTD_CONTENTSIZE_UNKNOWN || n > (1ull << 31))
    throw std::runtime_error("stored text is not a valid zstd frame");
  std::string out(n, '\0');
  size_t got = ZSTD_decompressDCtx(dctx.get(), out.data(), out.size(), z.data(), z.size());
  if (ZSTD_isError(got)) throw std::runtime_error(std::string("zstd: ") + ZSTD_getErrorName(got));
  out.resize(got);
  return out;
}


std::string SiteView::text_of(const PageRecord& p) const {
  if (!p.text.empty()) return p.text;
  if (!p.crawl().text_z.empty()) return decompress_text(p.crawl().text_z);
  return stored_text ? stored_text(p) : std::string();
}

}  // namespace govaudit
