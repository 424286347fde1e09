#include "model/id_number.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <random>

namespace govaudit {
namespace {

const Date kToday(2025, 11, 20);

// A valid number for an area and birth date: the check character computed the standard's way.
std::string make(const std::string& area, const std::string& born, const std::string& seq = "123") {
  std::string body = area + born + seq;
  return body + id_number::check_char(body);
}

TEST(IdNumber, CheckCharacterFollowsGb11643) {
  // The standard's own example: 11010519491231002X.
  EXPECT_EQ(id_number::check_char("11010519491231002"), 'X');
  EXPECT_TRUE(id_number::valid("11010519491231002X", kToday));
  EXPECT_TRUE(id_number::valid("11010519491231002x", kToday));
  EXPECT_FALSE(id_number::valid("110105194912310021", kToday));  // wrong check character
}

TEST(IdNumber, AreaAndBirthDateMustBePlausible) {
  EXPECT_TRUE(id_number::valid(make("340823", "19900101"), kToday));
  EXPECT_FALSE(id_number::valid(make("990823", "19900101"), kToday));  // no such province
  EXPECT_FALSE(id_number::valid(make("340023", "19900101"), kToday));  // city 00
  EXPECT_FALSE(id_number::valid(make("340800", "19900101"), kToday));  // county 00
  EXPECT_FALSE(id_number::valid(make("340823", "19901301"), kToday));  // month 13
  EXPECT_FALSE(id_number::valid(make("340823", "19900230"), kToday));  // 30 February
  EXPECT_FALSE(id_number::valid(make("340823", "19191231"), kToday));  // before 1920
  EXPECT_FALSE(id_number::valid(make("340823", "20251121"), kToday));  // born after the audit date
  EXPECT_TRUE(id_number::valid(make("340823", "20251120"), kToday));
}

TEST(IdNumber, FindsOnlyWholeUnmaskedNumbers) {
  std::string id = make("341024", "19781205");
  std::string text = "申请人：王秀英，身份证号码：" + id + "，住址：东风村。\n"
                     "340823********1234 与 3408231990****1234 已脱敏；\n"
                     "索引号 11341024MB1594732X/00012；批次号 " + id.substr(0, 17) + (id[17] == '0' ? "1" : "0") + "；\n"
                     "A" + id + " 与 " + id + "7 不是独立的号码。";
  auto at = id_number::find(text, kToday);
  ASSERT_EQ(at.size(), 1u);
  EXPECT_EQ(text.substr(at[0], 18), id);
}

// find() skips ahead where no number can start; it must find exactly what its definition says,
// checked position by position on random text full of digit runs, X and valid numbers.
TEST(IdNumber, FindsWhatTheDefinitionSaysInRandomText) {
  std::mt19937 rng(7);
  size_t found = 0;
  const std::vector<std::string> parts = {"0", "1", "9", "X", "x", "a", " ", "中", "*", make("340823", "19900101"),
                                          "11010519491231002X"};
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    for (int k = int(rng() % 40); k > 0; --k) text += parts[rng() % parts.size()];
    for (bool letters_bound : {true, false}) {
      auto stops = [&](char c) { return letters_bound ? std::isalnum(static_cast<unsigned char>(c)) != 0 : std::isdigit(static_cast<unsigned char>(c)) != 0; };
      std::vector<size_t> expected;
      for (size_t s = 0; s + 18 <= text.size(); ++s) {
        bool digits = std::all_of(text.begin() + long(s), text.begin() + long(s) + 17, [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        char last = text[s + 17];
        bool shape = digits && (std::isdigit(static_cast<unsigned char>(last)) || last == 'X' || last == 'x');
        bool bounded = (s == 0 || !stops(text[s - 1])) && (s + 18 == text.size() || !stops(text[s + 18]));
        if (shape && bounded && id_number::valid(std::string_view(text).substr(s, 18), kToday)) expected.push_back(s);
      }
      ASSERT_EQ(id_number::find(text, kToday, letters_bound), expected) << text;
      found += expected.size();
    }
  }
  EXPECT_GT(found, 1000u);  // the text did hold numbers to find
}

TEST(IdNumber, MaskingKeepsLengthAndHidesTheBirthDate) {
  std::string id = make("340823", "19900101");
  EXPECT_EQ(id_number::masked(id), id.substr(0, 4) + "**********" + id.substr(14));
  std::string text = "号码" + id + "；另一" + make("341122", "19650315", "045") + "。";
  std::string before = text;
  EXPECT_EQ(id_number::mask_all(text, kToday), 2u);
  EXPECT_EQ(text.size(), before.size());
  EXPECT_TRUE(id_number::find(text, kToday).empty());
  EXPECT_EQ(text.find("19900101"), std::string::npos);
}

TEST(IdNumber, RawGbkBytesAreMaskedThoughATrailByteIsALetter) {
  std::string id = make("340823", "19900101");
  std::string raw = "\xBA\x45" + id + "\xA3\xBB";  // a GBK character whose second byte is 'E'
  EXPECT_TRUE(id_number::find(raw, kToday).empty());
  EXPECT_EQ(id_number::mask_all(raw, kToday, false), 1u);
  EXPECT_EQ(raw.find(id), std::string::npos);
}

TEST(IdNumber, SeenGivesMaskedNumbersWithTheirRow) {
  std::string a = make("340823", "19900101"), b = make("340823", "19550707", "456");
  std::string text = "序号\t姓名\t身份证号\n1\t王秀英\t" + a + "\t东风村\n2\t李建国\t" + b + "\t向阳村\n";
  auto seen = id_number::seen_in(text, kToday);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0].number, id_number::masked(a));
  EXPECT_NE(seen[0].context.find("王秀英"), std::string::npos);
  EXPECT_EQ(seen[0].context.find(a), std::string::npos);
  EXPECT_EQ(seen[0].context.find(b), std::string::npos);
  EXPECT_NE(seen[1].context.find("李建国"), std::string::npos);
  EXPECT_EQ(id_number::seen_in(text, kToday, 1).size(), 1u);
}

}  // namespace
}  // namespace govaudit
