// robots.txt parsing and matching, including '*' and '$' patterns against any path.
#include <cstdint>
#include <string>
#include "crawler/net/robots.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  auto robots = govaudit::Robots::parse(in);
  robots.allowed("/");
  robots.allowed("/col/col123/index_2.html?a=*b$");
  if (auto nl = in.rfind('\n'); nl != std::string_view::npos) robots.allowed("/" + std::string(in.substr(nl + 1)));
  return 0;
}
