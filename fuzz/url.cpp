// URL resolution and normalisation: never crash, and a normalised URL is a fixed point.
#include <cstdint>
#include <cstdlib>
#include <string>
#include "model/url.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string in(reinterpret_cast<const char*>(data), size);
  auto nl = in.find('\n');
  std::string base = nl == std::string::npos ? "http://www.example.gov.cn/a/b/index.html" : in.substr(0, nl);
  std::string href = nl == std::string::npos ? in : in.substr(nl + 1);
  auto r = govaudit::url::resolve(base, href);
  if (!r) return 0;
  auto n = govaudit::url::normalize(*r);
  if (n) {
    auto again = govaudit::url::normalize(*n);
    if (!again || *again != *n) std::abort();  // normalisation must be idempotent
    govaudit::url::parts(*n);
    govaudit::url::extension(*n);
  }
  return 0;
}
