#include "adapters/http/proxy_protocol.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

#include "adapters/http/client_address.hpp"

namespace paredao::http {
namespace {

constexpr std::string_view kV1Signature = "PROXY ";
constexpr std::string_view kV2Signature{"\r\n\r\n\0\r\nQUIT\n", 12};
constexpr std::size_t kV1MaxBytes = 107;  // the specification's longest line, CRLF included
constexpr std::size_t kV2FixedBytes = 16;

ProxyParse malformed(std::string error) {
  return {.kind = ProxyParse::Kind::kMalformed, .error = std::move(error)};
}

// Whether `bytes` is a proper beginning of `signature` (or all of it).
bool starts_like(std::string_view bytes, std::string_view signature) {
  const auto n = std::min(bytes.size(), signature.size());
  return bytes.substr(0, n) == signature.substr(0, n);
}

// A port: 0 to 65535 in decimal, without a sign or a leading zero.
bool is_port(std::string_view text) {
  if (text.empty() || text.size() > 5 || (text.size() > 1 && text.front() == '0')) return false;
  unsigned value = 0;
  for (const char ch : text) {
    if (ch < '0' || ch > '9') return false;
    value = value * 10 + unsigned(ch - '0');
  }
  return value <= 65535;
}

// "PROXY TCP4 192.0.2.1 198.51.100.1 56324 443\r\n", "PROXY UNKNOWN[ anything]\r\n".
ProxyParse parse_v1(std::string_view bytes) {
  const auto end = bytes.substr(0, kV1MaxBytes).find("\r\n");
  if (end == std::string_view::npos) {
    if (bytes.size() >= kV1MaxBytes) return malformed("the PROXY v1 line has no CRLF in 107 bytes");
    if (bytes.find('\n') != std::string_view::npos)
      return malformed("the PROXY v1 line ends in LF");
    return {.kind = ProxyParse::Kind::kIncomplete};
  }
  const auto line = bytes.substr(kV1Signature.size(), end - kV1Signature.size());
  const std::size_t length = end + 2;
  if (line == "UNKNOWN" || line.starts_with("UNKNOWN ")) {
    return {.kind = ProxyParse::Kind::kParsed, .length = length};
  }
  // Exactly five fields separated by single spaces.
  std::array<std::string_view, 5> fields;
  std::string_view rest = line;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const auto space = rest.find(' ');
    const bool last = i + 1 == fields.size();
    if (last != (space == std::string_view::npos)) {
      return malformed("the PROXY v1 line does not have 5 fields separated by single spaces");
    }
    fields[i] = last ? rest : rest.substr(0, space);
    if (fields[i].empty()) {
      return malformed("the PROXY v1 line does not have 5 fields separated by single spaces");
    }
    if (!last) rest = rest.substr(space + 1);
  }
  const bool v4 = fields[0] == "TCP4";
  if (!v4 && fields[0] != "TCP6")
    return malformed("the PROXY v1 protocol is not TCP4, TCP6 or UNKNOWN");
  const auto source = parse_address(fields[1]);
  const auto destination = parse_address(fields[2]);
  // A TCP6 line names IPv6 addresses, which parse_address would turn into IPv4 when mapped.
  const bool v6_text = fields[1].find(':') != std::string_view::npos &&
                       fields[2].find(':') != std::string_view::npos;
  if (!source || !destination || v4 == v6_text || (v4 && (!source->v4 || !destination->v4))) {
    return malformed("the PROXY v1 addresses are not " + std::string(fields[0]) + " addresses");
  }
  if (!is_port(fields[3]) || !is_port(fields[4]))
    return malformed("the PROXY v1 ports are invalid");
  return {.kind = ProxyParse::Kind::kParsed, .length = length, .source = source};
}

ProxyParse parse_v2(std::string_view bytes) {
  if (bytes.size() < kV2FixedBytes) return {.kind = ProxyParse::Kind::kIncomplete};
  const auto byte = [&](std::size_t i) { return static_cast<std::uint8_t>(bytes[i]); };
  const unsigned version = byte(12) >> 4, command = byte(12) & 0x0F;
  const unsigned family = byte(13) >> 4, transport = byte(13) & 0x0F;
  const std::size_t declared = std::size_t(byte(14)) << 8 | byte(15);
  if (version != 2) return malformed("the PROXY header's version is not 2");
  if (command > 1) return malformed("the PROXY v2 command is neither LOCAL nor PROXY");
  if (family > 3 || transport > 2) return malformed("the PROXY v2 address family is unknown");
  if (kV2FixedBytes + declared > kMaxProxyHeaderBytes) {
    return malformed("the PROXY v2 header is longer than " + std::to_string(kMaxProxyHeaderBytes) +
                     " bytes");
  }
  if (bytes.size() < kV2FixedBytes + declared) return {.kind = ProxyParse::Kind::kIncomplete};
  const std::size_t length = kV2FixedBytes + declared;
  // LOCAL: the proxy speaks for itself (a health check); its addresses, if any, are ignored.
  if (command == 0) return {.kind = ProxyParse::Kind::kParsed, .length = length};
  constexpr unsigned kInet = 1, kInet6 = 2, kUnix = 3;
  const std::size_t needed = family == kInet    ? 12
                             : family == kInet6 ? 36
                             : family == kUnix  ? 216
                                                : 0;
  if (declared < needed) return malformed("the PROXY v2 header is too short for its addresses");
  if (family == kInet) {
    std::array<std::uint8_t, 4> address{};
    for (std::size_t i = 0; i < 4; ++i) address[i] = byte(16 + i);
    return {
        .kind = ProxyParse::Kind::kParsed, .length = length, .source = ipv4_network(address, 32)};
  }
  if (family == kInet6) {
    std::array<std::uint8_t, 16> address{};
    for (std::size_t i = 0; i < 16; ++i) address[i] = byte(16 + i);
    return {
        .kind = ProxyParse::Kind::kParsed, .length = length, .source = ipv6_network(address, 128)};
  }
  // UNSPEC or UNIX: no address of ours to speak of; the peer is the client.
  return {.kind = ProxyParse::Kind::kParsed, .length = length};
}

}  // namespace

ProxySignature proxy_signature(std::string_view bytes) {
  for (const auto signature : {kV2Signature, kV1Signature}) {
    if (!starts_like(bytes, signature)) continue;
    return bytes.size() < signature.size() ? ProxySignature::kIncomplete : ProxySignature::kPresent;
  }
  return ProxySignature::kAbsent;
}

ProxyParse parse_proxy_header(std::string_view bytes) {
  switch (proxy_signature(bytes)) {
    case ProxySignature::kIncomplete:
      return {.kind = ProxyParse::Kind::kIncomplete};
    case ProxySignature::kAbsent:
      return {.kind = ProxyParse::Kind::kAbsent};
    case ProxySignature::kPresent:
      break;
  }
  return bytes.starts_with(kV2Signature) ? parse_v2(bytes) : parse_v1(bytes);
}

}  // namespace paredao::http
