#include "adapters/http/connection_caps.hpp"

#include <gtest/gtest.h>

namespace paredao::http {
namespace {

using Admission = ConnectionCaps::Admission;

TEST(ConnectionCaps, CapsEachNetworkAndTheTotal) {
  ConnectionCaps caps(5, 2);
  const auto a = ipv4_network({10, 0, 0, 1}, 32), b = ipv4_network({10, 0, 0, 2}, 32);
  EXPECT_EQ(caps.admit(a), Admission::kAdmitted);
  EXPECT_EQ(caps.admit(a), Admission::kAdmitted);
  EXPECT_EQ(caps.admit(a), Admission::kOverNetwork);
  EXPECT_EQ(caps.admit(b), Admission::kAdmitted) << "another network is still served";
  caps.release(a);
  EXPECT_EQ(caps.admit(a), Admission::kAdmitted);
  EXPECT_EQ(caps.open(), 3u);
  EXPECT_EQ(caps.admit(b), Admission::kAdmitted);
  EXPECT_EQ(caps.admit(ipv4_network({10, 0, 0, 3}, 32)), Admission::kAdmitted);
  EXPECT_EQ(caps.admit(ipv4_network({10, 0, 0, 4}, 32)), Admission::kOverTotal);
  for (int i = 0; i < 2; ++i) caps.release(a);
  for (int i = 0; i < 2; ++i) caps.release(b);
  caps.release(ipv4_network({10, 0, 0, 3}, 32));
  EXPECT_EQ(caps.open(), 0u);
}

TEST(ConnectionCaps, ATrustedProxyHasOnlyTheTotalCap) {
  ConnectionCaps caps(4, 1);
  const auto proxy = ipv4_network({10, 0, 0, 9}, 32);
  for (int i = 0; i < 4; ++i) EXPECT_EQ(caps.admit(proxy, true), Admission::kAdmitted);
  EXPECT_EQ(caps.admit(proxy, true), Admission::kOverTotal);
}

}  // namespace
}  // namespace paredao::http
