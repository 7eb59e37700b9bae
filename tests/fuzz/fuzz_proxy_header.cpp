// Any bytes at the start of a connection: the PROXY header parser never crashes, never claims
// more bytes than it was given, and asks for more only while it is within the longest header.
#include <cstdint>
#include <string_view>

#include "adapters/http/proxy_protocol.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using paredao::http::ProxyParse;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto parsed = paredao::http::parse_proxy_header(bytes);
  if (parsed.kind == ProxyParse::Kind::kParsed &&
      (parsed.length == 0 || parsed.length > size ||
       parsed.length > paredao::http::kMaxProxyHeaderBytes)) {
    __builtin_trap();
  }
  if (parsed.kind == ProxyParse::Kind::kIncomplete && size >= paredao::http::kMaxProxyHeaderBytes) {
    __builtin_trap();
  }
  if (parsed.kind == ProxyParse::Kind::kMalformed && parsed.error.empty()) __builtin_trap();
  return 0;
}
