#include "adapters/encoding/hex.hpp"

#include <gtest/gtest.h>

#include <array>

namespace paredao {
namespace {

TEST(Hex, EncodesLowercaseAndDecodesBack) {
  const std::vector<std::uint8_t> bytes{0x00, 0x01, 0x7f, 0x80, 0xa9, 0xff};
  EXPECT_EQ(hex::encode(bytes), "00017f80a9ff");
  EXPECT_EQ(hex::decode(hex::encode(bytes)), bytes);
  EXPECT_EQ(hex::encode({}), "");
}

TEST(Hex, DecodesBothCasesAndRefusesAnythingElse) {
  EXPECT_EQ(hex::decode("00ff7Fa9"), (std::vector<std::uint8_t>{0x00, 0xff, 0x7f, 0xa9}));
  EXPECT_FALSE(hex::decode("abc"));  // odd length
  std::array<std::uint8_t, 2> out;
  EXPECT_FALSE(hex::decode_into("abcdef", out));  // not the expected length
  EXPECT_TRUE(hex::decode_into("a0B1", out));
  EXPECT_EQ(out, (std::array<std::uint8_t, 2>{0xa0, 0xb1}));
  EXPECT_FALSE(hex::decode_lowercase_into("a0B1", out));
  EXPECT_TRUE(hex::decode_lowercase_into("ffa0", out));
  EXPECT_EQ(out, (std::array<std::uint8_t, 2>{0xff, 0xa0}));
  for (std::size_t at = 0; at < 4; ++at) {
    for (char bad : {'g', 'G', ' ', '/', ':', '@', '`', '\0', '\xC3'}) {
      std::string text = "a0b1";
      text[at] = bad;
      EXPECT_FALSE(hex::decode_into(text, out)) << at << " " << int(bad);
      EXPECT_FALSE(hex::decode_lowercase_into(text, out)) << at << " " << int(bad);
    }
  }
}

}  // namespace
}  // namespace paredao
