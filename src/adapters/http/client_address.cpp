#include "adapters/http/client_address.hpp"

#include <string>

namespace paredao::http {

namespace asio = boost::asio;

std::optional<Network> parse_address(std::string_view text) {
  // make_address accepts zones ("fe80::1%eth0"); a zone names an interface of the sender's
  // machine and means nothing here.
  if (text.empty() || text.size() > 45 || text.find('%') != std::string_view::npos) {
    return std::nullopt;
  }
  boost::system::error_code ec;
  const auto address = asio::ip::make_address(std::string(text), ec);
  if (ec) return std::nullopt;
  return whole_address(address);
}

Network whole_address(const asio::ip::address& address) {
  if (address.is_v4()) return ipv4_network(address.to_v4().to_bytes(), 32);
  const auto v6 = address.to_v6();
  if (v6.is_v4_mapped()) {
    return ipv4_network(asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_bytes(), 32);
  }
  return ipv6_network(v6.to_bytes(), 128);
}

Network network_of(const Network& address, const NetworkPrefixes& prefixes) {
  if (address.v4) {
    std::array<std::uint8_t, 4> bytes{};
    std::copy_n(address.bytes.begin(), 4, bytes.begin());
    return ipv4_network(bytes, prefixes.v4);
  }
  return ipv6_network(address.bytes, prefixes.v6);
}

bool is_in(const Network& address, const std::vector<Network>& networks) {
  for (const auto& network : networks) {
    if (network.contains(address)) return true;
  }
  return false;
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Network forwarded_client(const std::vector<std::string_view>& values, const Network& peer,
                         const std::vector<Network>& trusted_proxies) {
  for (auto value = values.rbegin(); value != values.rend(); ++value) {
    std::string_view rest = *value;
    while (!rest.empty()) {
      const auto comma = rest.rfind(',');
      const auto entry = trim(comma == std::string_view::npos ? rest : rest.substr(comma + 1));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(0, comma);
      if (entry.empty()) continue;
      const auto address = parse_address(entry);
      if (!address) return peer;
      if (!is_in(*address, trusted_proxies)) return *address;
    }
  }
  return peer;
}

}  // namespace paredao::http
