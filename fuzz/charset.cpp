// Charset detection and conversion: any bytes under any declared charset give valid UTF-8.
#include <cstdint>
#include <cstdlib>
#include <string>
#include "crawler/extract/charset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  static const char* types[] = {"", "text/html", "text/html; charset=gb2312", "text/html; charset=utf-8",
                                "text/html; charset=gbk", "text/html; charset=big5", "text/html; charset=\"x-bogus\""};
  std::string_view type = size ? types[data[0] % 7] : "";
  auto d = govaudit::charset::decode(in, type);
  if (!govaudit::charset::valid_utf8(d.text)) std::abort();
  govaudit::charset::from_content_type(in);
  return 0;
}
