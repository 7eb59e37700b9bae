#pragma once
// The PROXY protocol header (HAProxy's specification, versions 1 and 2) that a load balancer of
// ours sends before the first HTTP byte, naming the client it connects for. Parsed as strictly as
// HTTP: anything the specification does not allow is malformed, and the connection is refused.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "domain/network.hpp"

namespace paredao::http {

// The longest header accepted: a version 1 line is at most 107 bytes; a version 2 header is 16
// bytes and its addresses (at most 216 bytes, for UNIX sockets) and TLVs, which are skipped.
inline constexpr std::size_t kMaxProxyHeaderBytes = 16 + 1024;

struct ProxyParse {
  enum class Kind {
    kIncomplete,  // the bytes so far begin like a header: read more
    kAbsent,      // the connection does not open with a PROXY header
    kMalformed,   // it opens like one, but breaks the specification (see `error`)
    kParsed,
  };
  Kind kind = Kind::kIncomplete;
  std::size_t length = 0;  // kParsed: the header's bytes, to skip before HTTP
  // kParsed: the source address, whole (/32 or /128); nullopt for a LOCAL command (the proxy's
  // own health check) or an UNKNOWN / unspecified / UNIX family: the peer itself is the client.
  std::optional<Network> source;
  std::string error;  // kMalformed: what is wrong, for the problem's detail
};

// Looks at the first bytes a connection sent.
ProxyParse parse_proxy_header(std::string_view bytes);

// Whether the first bytes of a connection open with a PROXY signature (either version): what a
// peer that is not a proxy of ours is refused for, however the rest of its header reads.
enum class ProxySignature { kIncomplete, kAbsent, kPresent };
ProxySignature proxy_signature(std::string_view bytes);

}  // namespace paredao::http
