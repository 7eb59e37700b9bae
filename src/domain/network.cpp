#include "domain/network.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdio>

namespace paredao {
namespace {

Network cut(Network network, unsigned prefix, unsigned width) {
  network.prefix = std::uint8_t(std::min(prefix, width));
  for (unsigned bit = network.prefix; bit < width; ++bit) {
    network.bytes[bit / 8] &= std::uint8_t(~(0x80u >> (bit % 8)));
  }
  return network;
}

std::string ipv6_text(const std::array<std::uint8_t, 16>& bytes) {
  std::array<unsigned, 8> groups{};
  for (std::size_t i = 0; i < 8; ++i) groups[i] = unsigned(bytes[2 * i]) << 8 | bytes[2 * i + 1];
  // The longest run of two or more zero groups becomes "::" (the first such run on a tie).
  int best_start = -1, best_length = 0;
  for (int i = 0; i < 8;) {
    if (groups[i] != 0) {
      ++i;
      continue;
    }
    int j = i;
    while (j < 8 && groups[j] == 0) ++j;
    if (j - i > best_length && j - i >= 2) {
      best_start = i;
      best_length = j - i;
    }
    i = j;
  }
  std::string text;
  char group[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best_start) {
      text += "::";
      i += best_length - 1;
      continue;
    }
    if (!text.empty() && text.back() != ':') text += ':';
    std::snprintf(group, sizeof group, "%x", groups[i]);
    text += group;
  }
  return text;
}

}  // namespace

Network ipv4_network(const std::array<std::uint8_t, 4>& address, unsigned prefix) {
  Network network;
  std::copy(address.begin(), address.end(), network.bytes.begin());
  network.v4 = true;
  return cut(network, prefix, 32);
}

Network ipv6_network(const std::array<std::uint8_t, 16>& address, unsigned prefix) {
  Network network;
  network.bytes = address;
  network.v4 = false;
  return cut(network, prefix, 128);
}

std::string Network::cidr() const {
  std::string text;
  if (v4) {
    text = std::to_string(bytes[0]) + "." + std::to_string(bytes[1]) + "." +
           std::to_string(bytes[2]) + "." + std::to_string(bytes[3]);
  } else {
    text = ipv6_text(bytes);
  }
  return text + "/" + std::to_string(prefix);
}

bool Network::contains(const Network& other) const {
  if (v4 != other.v4 || other.prefix < prefix) return false;
  for (unsigned bit = 0; bit < prefix; ++bit) {
    const auto mask = std::uint8_t(0x80u >> (bit % 8));
    if ((bytes[bit / 8] & mask) != (other.bytes[bit / 8] & mask)) return false;
  }
  return true;
}

std::size_t NetworkHash::operator()(const Network& network) const {
  std::uint64_t high = 0, low = 0;
  for (int i = 0; i < 8; ++i) high = high << 8 | network.bytes[i];
  for (int i = 8; i < 16; ++i) low = low << 8 | network.bytes[i];
  return std::hash<std::uint64_t>{}(high ^ (low * 0x9E3779B97F4A7C15ull) ^ network.prefix ^
                                    (network.v4 ? 0x100u : 0u));
}

std::optional<Network> parse_cidr(std::string_view text) {
  const auto slash = text.find('/');
  const std::string address(text.substr(0, slash));
  std::optional<unsigned> prefix;
  if (slash != std::string_view::npos) {
    const auto digits = text.substr(slash + 1);
    if (digits.empty() || digits.size() > 3) return std::nullopt;
    unsigned bits = 0;
    for (const char c : digits) {
      if (c < '0' || c > '9') return std::nullopt;
      bits = bits * 10 + unsigned(c - '0');
    }
    prefix = bits;
  }
  // inet_pton is strict: dotted quads of exactly four decimal parts, RFC 4291 text for IPv6.
  if (std::array<std::uint8_t, 4> v4{}; inet_pton(AF_INET, address.c_str(), v4.data()) == 1) {
    if (prefix.value_or(32) > 32) return std::nullopt;
    return ipv4_network(v4, prefix.value_or(32));
  }
  if (std::array<std::uint8_t, 16> v6{}; inet_pton(AF_INET6, address.c_str(), v6.data()) == 1) {
    if (prefix.value_or(128) > 128) return std::nullopt;
    return ipv6_network(v6, prefix.value_or(128));
  }
  return std::nullopt;
}

std::string cidr_list(const std::vector<Network>& networks) {
  std::string text;
  for (const auto& network : networks) {
    if (!text.empty()) text += ' ';
    text += network.cidr();
  }
  return text;
}

std::vector<Network> parse_cidr_list(std::string_view text) {
  std::vector<Network> networks;
  while (!text.empty()) {
    const auto space = text.find(' ');
    if (const auto network = parse_cidr(text.substr(0, space))) networks.push_back(*network);
    if (space == std::string_view::npos) break;
    text.remove_prefix(space + 1);
  }
  return networks;
}

}  // namespace paredao
