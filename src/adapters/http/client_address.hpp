#pragma once
// Who a request's client is (the contract's "The edge: the client"): the TCP peer, unless the peer
// is one of our proxies; then the address its PROXY header names, or else the right-most address
// of X-Forwarded-For that is not itself one of our proxies.
#include <boost/asio/ip/address.hpp>
#include <optional>
#include <string_view>
#include <vector>

#include "domain/network.hpp"

namespace paredao::http {

// One address, whole (/32 or /128), from its text: dotted-quad IPv4 or IPv6 without a zone; an
// IPv4-mapped IPv6 address is its IPv4 one. nullopt for anything else (ports, brackets, names).
std::optional<Network> parse_address(std::string_view text);

// An address, whole; an IPv4-mapped IPv6 address (a dual-stack listener) is its IPv4 one.
Network whole_address(const boost::asio::ip::address& address);

// A whole address cut to the client's network.
Network network_of(const Network& address, const NetworkPrefixes& prefixes);

// Whether a whole address lies in one of the CIDRs.
bool is_in(const Network& address, const std::vector<Network>& networks);

// The client named by the X-Forwarded-For values of a request (in the order the fields came)
// that a trusted proxy passed on: right to left, the first address that is not a trusted proxy.
// Each hop appends the address it saw, so everything left of that address is the client's own
// word. `peer` when there is no such address, or when an entry that is not an address comes
// first (a proxy of ours writes addresses only; empty entries are skipped).
Network forwarded_client(const std::vector<std::string_view>& values, const Network& peer,
                         const std::vector<Network>& trusted_proxies);

}  // namespace paredao::http
