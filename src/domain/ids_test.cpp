#include "domain/ids.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(Ids, AcceptsTheContractPattern) {
  EXPECT_TRUE(is_valid_id("a"));
  EXPECT_TRUE(is_valid_id("0-bbb-20"));
  EXPECT_TRUE(is_valid_id(std::string(64, 'x')));
  EXPECT_FALSE(is_valid_id(""));
  EXPECT_FALSE(is_valid_id("-abc"));
  EXPECT_FALSE(is_valid_id("Abc"));
  EXPECT_FALSE(is_valid_id("a_b"));
  EXPECT_FALSE(is_valid_id(std::string(65, 'x')));
}

TEST(Slugify, KeepsPortugueseNamesReadable) {
  EXPECT_EQ(slugify("João Cândido"), "joao-candido");
  EXPECT_EQ(slugify("  Ana  Maria!! "), "ana-maria");
  EXPECT_EQ(slugify("Ñandú Çedilha"), "nandu-cedilha");
  EXPECT_EQ(slugify("🙂🙂"), "");
  EXPECT_LE(slugify(std::string(200, 'a')).size(), kMaxIdLength);
}

}  // namespace
}  // namespace paredao
