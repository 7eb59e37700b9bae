#pragma once
// A client's network: its address cut to a prefix (203.0.113.7/32, 2001:db8:1:2::/64). Pace,
// limits and connection caps apply per network, not per address: one household or one CGNAT
// gateway is one IPv4 address, while one IPv6 subscriber holds a whole /64.
#include <array>
#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace paredao {

struct Network {
  // IPv4 addresses use the first 4 bytes; the bits past `prefix` are zero.
  std::array<std::uint8_t, 16> bytes{};
  bool v4 = true;
  std::uint8_t prefix = 32;

  auto operator<=>(const Network&) const = default;
  // Whether `other` lies inside this network (same family, at least as long a prefix, the same
  // first `prefix` bits).
  bool contains(const Network& other) const;
  // CIDR text: "203.0.113.0/24", "2001:db8::/64" (RFC 5952 form).
  std::string cidr() const;
};

// The network of an address, cut to `prefix` bits (at most 32 for IPv4, 128 for IPv6).
Network ipv4_network(const std::array<std::uint8_t, 4>& address, unsigned prefix);
Network ipv6_network(const std::array<std::uint8_t, 16>& address, unsigned prefix);

// How wide a client's network is, per address family.
struct NetworkPrefixes {
  unsigned v4 = 32;
  unsigned v6 = 64;
};

// A CIDR ("203.0.113.0/24", "2001:db8::/48") or a bare address (its full width), with the bits
// past the prefix cleared; nullopt for anything else (no spaces, no zone, a prefix of digits).
std::optional<Network> parse_cidr(std::string_view text);

// Networks as one text, CIDRs separated by single spaces, and back (what does not parse is
// skipped): how the stores keep a watch list.
std::string cidr_list(const std::vector<Network>& networks);
std::vector<Network> parse_cidr_list(std::string_view text);

struct NetworkHash {
  std::size_t operator()(const Network& network) const;
};

}  // namespace paredao
