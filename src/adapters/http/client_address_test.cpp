#include "adapters/http/client_address.hpp"

#include <gtest/gtest.h>

namespace paredao::http {
namespace {

Network address(std::string_view text) { return *parse_address(text); }

TEST(ClientAddress, ParsesAddressesOnly) {
  EXPECT_EQ(address("203.0.113.7").cidr(), "203.0.113.7/32");
  EXPECT_EQ(address("2001:db8::7").cidr(), "2001:db8::7/128");
  EXPECT_EQ(address("::ffff:203.0.113.7").cidr(), "203.0.113.7/32");
  for (const auto* text : {"", "203.0.113.7:80", "[2001:db8::7]", "fe80::1%eth0", "localhost",
                           "203.0.113", "1.2.3.4.5", "unknown"}) {
    EXPECT_FALSE(parse_address(text)) << text;
  }
}

TEST(ClientAddress, CutsToTheClientsNetwork) {
  const NetworkPrefixes prefixes{.v4 = 24, .v6 = 48};
  EXPECT_EQ(network_of(address("203.0.113.7"), prefixes).cidr(), "203.0.113.0/24");
  EXPECT_EQ(network_of(address("2001:db8:1:2::7"), prefixes).cidr(), "2001:db8:1::/48");
}

TEST(ClientAddress, TheRightMostUntrustedForwardedAddressIsTheClient) {
  const auto peer = address("127.0.0.2");
  const std::vector<Network> trusted{ipv4_network({127, 0, 0, 0}, 8),
                                     ipv4_network({10, 0, 0, 0}, 8)};
  EXPECT_EQ(forwarded_client({"198.51.100.1, 203.0.113.7"}, peer, trusted).cidr(),
            "203.0.113.7/32");
  // Trusted hops on the right are passed over; what the client wrote on the left is not read.
  EXPECT_EQ(forwarded_client({"1.1.1.1, 203.0.113.7, 10.1.2.3", "127.0.0.9"}, peer, trusted).cidr(),
            "203.0.113.7/32");
  EXPECT_EQ(forwarded_client({"203.0.113.7,,  10.1.2.3 "}, peer, trusted).cidr(), "203.0.113.7/32");
  // Nothing untrusted, nothing at all, or garbage first: the peer.
  EXPECT_EQ(forwarded_client({"10.1.2.3"}, peer, trusted), peer);
  EXPECT_EQ(forwarded_client({}, peer, trusted), peer);
  EXPECT_EQ(forwarded_client({"203.0.113.7, not-an-address"}, peer, trusted), peer);
}

}  // namespace
}  // namespace paredao::http
