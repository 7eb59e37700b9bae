#include "domain/text.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(Text, CountsCodePointsNotBytes) {
  EXPECT_EQ(count_code_points("abc"), 3u);
  EXPECT_EQ(count_code_points("ção"), 3u);
  EXPECT_EQ(count_code_points("🙂"), 1u);
}

TEST(Text, TrimsUnicodeSpaces) {
  EXPECT_EQ(trim("  a b \t"), "a b");
  EXPECT_EQ(trim("\u00A0Zé\u2003"), "Zé");
  EXPECT_EQ(trim("   "), "");
}

TEST(Text, FoldsCaseForLatinNames) {
  EXPECT_EQ(fold_name(" JOÃO "), fold_name("joão"));
  EXPECT_EQ(fold_name("ŁUKASZ"), fold_name("łukasz"));
  EXPECT_NE(fold_name("Ana"), fold_name("Ána"));
}

}  // namespace
}  // namespace paredao
