#include "domain/network.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

std::array<std::uint8_t, 16> v6(std::initializer_list<std::uint16_t> groups) {
  std::array<std::uint8_t, 16> bytes{};
  int i = 0;
  for (const auto group : groups) {
    bytes[i++] = std::uint8_t(group >> 8);
    bytes[i++] = std::uint8_t(group & 0xff);
  }
  return bytes;
}

TEST(Network, CutsIpv4ToItsPrefix) {
  EXPECT_EQ(ipv4_network({203, 0, 113, 7}, 32).cidr(), "203.0.113.7/32");
  EXPECT_EQ(ipv4_network({203, 0, 113, 7}, 24).cidr(), "203.0.113.0/24");
  EXPECT_EQ(ipv4_network({203, 0, 113, 255}, 25).cidr(), "203.0.113.128/25");
  EXPECT_EQ(ipv4_network({10, 1, 2, 3}, 0).cidr(), "0.0.0.0/0");
  EXPECT_EQ(ipv4_network({10, 1, 2, 3}, 40).cidr(), "10.1.2.3/32");
  EXPECT_EQ(ipv4_network({203, 0, 113, 7}, 24), ipv4_network({203, 0, 113, 200}, 24));
  EXPECT_NE(ipv4_network({203, 0, 113, 7}, 32), ipv4_network({203, 0, 113, 8}, 32));
}

TEST(Network, CutsIpv6ToItsPrefixInCanonicalText) {
  EXPECT_EQ(ipv6_network(v6({0x2001, 0xdb8, 1, 2, 3, 4, 5, 6}), 64).cidr(), "2001:db8:1:2::/64");
  EXPECT_EQ(ipv6_network(v6({0x2001, 0xdb8, 0, 0, 1, 0, 0, 1}), 128).cidr(),
            "2001:db8::1:0:0:1/128");
  EXPECT_EQ(ipv6_network(v6({0, 0, 0, 0, 0, 0, 0, 1}), 128).cidr(), "::1/128");
  EXPECT_EQ(ipv6_network(v6({0x2001, 0xdb8, 0xabcd, 0x12ff}), 56).cidr(),
            "2001:db8:abcd:1200::/56");
  EXPECT_EQ(ipv6_network(v6({0xfe80, 0, 0, 0, 0, 0, 0, 0}), 10).cidr(), "fe80::/10");
}

TEST(Network, ContainsTheNetworksInsideIt) {
  const auto lan = ipv4_network({10, 1, 0, 0}, 16);
  EXPECT_TRUE(lan.contains(ipv4_network({10, 1, 200, 7}, 32)));
  EXPECT_TRUE(lan.contains(ipv4_network({10, 1, 200, 0}, 24)));
  EXPECT_FALSE(lan.contains(ipv4_network({10, 2, 0, 1}, 32)));
  EXPECT_FALSE(lan.contains(ipv4_network({10, 0, 0, 0}, 8)));
  EXPECT_TRUE(ipv4_network({0, 0, 0, 0}, 0).contains(lan));
  EXPECT_FALSE(ipv6_network(v6({0x2001, 0xdb8}), 32).contains(lan));
  EXPECT_TRUE(
      ipv6_network(v6({0x2001, 0xdb8}), 32).contains(ipv6_network(v6({0x2001, 0xdb8, 7}), 128)));
}

TEST(Network, HashesEqualNetworksAlike) {
  NetworkHash hash;
  EXPECT_EQ(hash(ipv4_network({1, 2, 3, 4}, 24)), hash(ipv4_network({1, 2, 3, 9}, 24)));
}

TEST(Network, ParsesCidrsAndClearsTheHostBits) {
  EXPECT_EQ(parse_cidr("203.0.113.7/24")->cidr(), "203.0.113.0/24");
  EXPECT_EQ(parse_cidr("203.0.113.7")->cidr(), "203.0.113.7/32");
  EXPECT_EQ(parse_cidr("2001:db8:1:2:3::9/48")->cidr(), "2001:db8:1::/48");
  EXPECT_EQ(parse_cidr("0.0.0.0/0")->cidr(), "0.0.0.0/0");
  EXPECT_TRUE(parse_cidr("203.0.113.0/24")->contains(*parse_cidr("203.0.113.9/32")));
  for (const char* bad :
       {"", "/24", "203.0.113.0/", "203.0.113.0/33", "203.0.113/24", "203.0.113.0/2a",
        "203.0.113.0 /24", "::/129", "fe80::1%eth0", "203.0.113.0/0024", "example.com/8"}) {
    EXPECT_FALSE(parse_cidr(bad)) << bad;
  }
}

}  // namespace
}  // namespace paredao
