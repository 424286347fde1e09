#include "crawler/extract/charset.hpp"
#include "tests/test_helpers.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace govaudit;

namespace {
// "政务公开" in GBK.
const std::string kGbk = "\xD5\xFE\xCE\xF1\xB9\xAB\xBF\xAA";
}  // namespace

TEST(Charset, GbkDeclaredInMetaDecodesAsGb18030) {
  std::string html = "<html><head><meta charset=\"gbk\"><title>" + kGbk + "</title></head></html>";
  auto d = charset::decode(html, "text/html");
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_EQ(d.source, "meta");
  EXPECT_NE(d.text.find("政务公开"), std::string::npos);
  EXPECT_EQ(d.replacements, 0);
}

TEST(Charset, HeaderCharsetWins) {
  std::string html = "<html><head><title>" + kGbk + "</title></head></html>";
  auto d = charset::decode(html, "text/html; charset=GB2312");
  EXPECT_EQ(d.source, "header");
  EXPECT_NE(d.text.find("政务公开"), std::string::npos);
}

TEST(Charset, Gb2312LabelOnUtf8BytesIsOverridden) {
  std::string html = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"><title>政务公开</title></head></html>";
  auto d = charset::decode(html, "");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.source, "detected");
  EXPECT_NE(d.text.find("政务公开"), std::string::npos);
}

TEST(Charset, UndeclaredGbkIsDetected) {
  std::string body;
  for (int i = 0; i < 20; ++i) body += kGbk + "\xA3\xAC";  // text plus full-width comma
  auto d = charset::decode("<html><body><p>" + body + "</p></body></html>", "text/html");
  EXPECT_EQ(d.source, "detected");
  EXPECT_EQ(d.charset, "GB18030");
  EXPECT_NE(d.text.find("政务公开"), std::string::npos);
}

TEST(Charset, BomAndValidity) {
  auto d = charset::decode("\xEF\xBB\xBF<p>政务</p>", "text/html; charset=gbk");
  EXPECT_EQ(d.source, "bom");
  EXPECT_EQ(d.text, "<p>政务</p>");
  EXPECT_TRUE(charset::valid_utf8("政务公开"));
  EXPECT_FALSE(charset::valid_utf8(kGbk));
  EXPECT_EQ(charset::from_content_type("text/html; charset=\"UTF-8\""), "UTF-8");
}

TEST(Charset, RealPageThatLiesAboutItsCharset) {
  std::filesystem::path p = GOVAUDIT_SHARED_DIR "/real-pages/gne/people_cn_meta_gb2312_but_utf8_bytes.html";
  if (!std::filesystem::exists(p)) GOVAUDIT_NEED_SHARED("real-pages");
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  auto d = charset::decode(ss.str(), "text/html");
  EXPECT_EQ(d.charset, "UTF-8");
  EXPECT_EQ(d.replacements, 0);
}
