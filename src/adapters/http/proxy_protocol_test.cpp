#include "adapters/http/proxy_protocol.hpp"

#include <gtest/gtest.h>

#include <string>

namespace paredao::http {
namespace {

using Kind = ProxyParse::Kind;

std::string v2(std::uint8_t version_command, std::uint8_t family, const std::string& addresses) {
  std::string header("\r\n\r\n\0\r\nQUIT\n", 12);
  header += char(version_command);
  header += char(family);
  header += char(addresses.size() >> 8);
  header += char(addresses.size() & 0xFF);
  return header + addresses;
}

TEST(ProxyProtocol, ParsesAVersion1TcpLineAndItsLength) {
  const std::string line = "PROXY TCP4 203.0.113.7 192.0.2.1 56324 80\r\n";
  const auto parsed = parse_proxy_header(line + "GET / HTTP/1.1\r\n");
  ASSERT_EQ(parsed.kind, Kind::kParsed) << parsed.error;
  EXPECT_EQ(parsed.length, line.size());
  ASSERT_TRUE(parsed.source);
  EXPECT_EQ(parsed.source->cidr(), "203.0.113.7/32");

  const auto six = parse_proxy_header("PROXY TCP6 2001:db8::7 2001:db8::1 1 65535\r\n");
  ASSERT_EQ(six.kind, Kind::kParsed) << six.error;
  EXPECT_EQ(six.source->cidr(), "2001:db8::7/128");
}

TEST(ProxyProtocol, UnknownAndLocalLeaveThePeerAsTheClient) {
  const auto unknown = parse_proxy_header("PROXY UNKNOWN\r\n");
  ASSERT_EQ(unknown.kind, Kind::kParsed);
  EXPECT_FALSE(unknown.source);
  EXPECT_EQ(parse_proxy_header("PROXY UNKNOWN ffff::1 ffff::2 1 2\r\n").kind, Kind::kParsed);

  const auto local = parse_proxy_header(v2(0x20, 0x11, std::string(12, '\x01')));
  ASSERT_EQ(local.kind, Kind::kParsed);
  EXPECT_FALSE(local.source);
  EXPECT_EQ(local.length, 28u);
}

TEST(ProxyProtocol, ParsesVersion2AddressesAndSkipsTlvs) {
  const std::string four = {'\xCB', '\x00', '\x71', '\x07', '\xC0', '\x00',
                            '\x02', '\x01', '\x12', '\x34', '\x00', '\x50'};
  const auto parsed = parse_proxy_header(v2(0x21, 0x11, four) + "GET");
  ASSERT_EQ(parsed.kind, Kind::kParsed) << parsed.error;
  EXPECT_EQ(parsed.length, 28u);
  EXPECT_EQ(parsed.source->cidr(), "203.0.113.7/32");

  std::string six(36, '\0');
  six[0] = '\x20', six[1] = '\x01', six[2] = '\x0d', six[3] = '\xb8', six[15] = '\x07';
  const std::string tlv = {'\x04', '\x00', '\x02', 'a', 'b'};  // PP2_TYPE_NOOP, skipped
  const auto with_tlv = parse_proxy_header(v2(0x21, 0x21, six + tlv));
  ASSERT_EQ(with_tlv.kind, Kind::kParsed) << with_tlv.error;
  EXPECT_EQ(with_tlv.length, 16u + 36u + 5u);
  EXPECT_EQ(with_tlv.source->cidr(), "2001:db8::7/128");
}

TEST(ProxyProtocol, AskForMoreWhileTheBytesBeginLikeAHeader) {
  EXPECT_EQ(parse_proxy_header("").kind, Kind::kIncomplete);
  EXPECT_EQ(parse_proxy_header("PRO").kind, Kind::kIncomplete);
  EXPECT_EQ(parse_proxy_header("PROXY TCP4 203.0.113.7").kind, Kind::kIncomplete);
  EXPECT_EQ(parse_proxy_header(std::string("\r\n\r\n\0\r", 6)).kind, Kind::kIncomplete);
  const auto whole = v2(0x21, 0x11, std::string(12, '\x01'));
  for (std::size_t n = 1; n < whole.size(); ++n) {
    EXPECT_EQ(parse_proxy_header(whole.substr(0, n)).kind, Kind::kIncomplete) << n;
  }
}

TEST(ProxyProtocol, HttpIsNotAHeader) {
  EXPECT_EQ(parse_proxy_header("GET / HTTP/1.1\r\n").kind, Kind::kAbsent);
  EXPECT_EQ(parse_proxy_header("POST").kind, Kind::kAbsent);
  EXPECT_EQ(parse_proxy_header("PROXZ").kind, Kind::kAbsent);
  EXPECT_EQ(parse_proxy_header("\r\nGET / HTTP/1.1\r\n").kind, Kind::kAbsent);
}

TEST(ProxyProtocol, RefusesWhatTheSpecificationDoesNotAllow) {
  for (const std::string line : {
           "PROXY TCP4 203.0.113.7 192.0.2.1 56324\r\n",       // four fields
           "PROXY TCP4 203.0.113.7  192.0.2.1 56324 80\r\n",   // two spaces
           "PROXY TCP4 203.0.113.7 192.0.2.1 56324 80 9\r\n",  // six fields
           "PROXY TCP4 2001:db8::7 192.0.2.1 56324 80\r\n",    // family mismatch
           "PROXY TCP6 203.0.113.7 192.0.2.1 56324 80\r\n",    // family mismatch
           "PROXY TCP4 203.0.113.256 192.0.2.1 56324 80\r\n",  // not an address
           "PROXY TCP4 203.0.113.7 192.0.2.1 65536 80\r\n",    // port out of range
           "PROXY TCP4 203.0.113.7 192.0.2.1 080 80\r\n",      // leading zero
           "PROXY TCP4 203.0.113.7 192.0.2.1 -1 80\r\n",       // sign
           "PROXY UDP4 203.0.113.7 192.0.2.1 1 80\r\n",        // not TCP
           "PROXY TCP4 fe80::1%eth0 192.0.2.1 1 80\r\n",       // zone
           "PROXY TCP4 203.0.113.7 192.0.2.1 1 80\n",          // LF alone
       }) {
    EXPECT_EQ(parse_proxy_header(line).kind, Kind::kMalformed) << line;
  }
  EXPECT_EQ(parse_proxy_header("PROXY " + std::string(120, 'x')).kind, Kind::kMalformed);
  EXPECT_EQ(parse_proxy_header(v2(0x11, 0x11, std::string(12, 0))).kind, Kind::kMalformed);
  EXPECT_EQ(parse_proxy_header(v2(0x22, 0x11, std::string(12, 0))).kind, Kind::kMalformed);
  EXPECT_EQ(parse_proxy_header(v2(0x21, 0x41, std::string(12, 0))).kind, Kind::kMalformed);
  EXPECT_EQ(parse_proxy_header(v2(0x21, 0x11, std::string(11, 0))).kind, Kind::kMalformed);
  EXPECT_EQ(parse_proxy_header(v2(0x21, 0x21, std::string(20, 0))).kind, Kind::kMalformed);
  EXPECT_EQ(parse_proxy_header(v2(0x21, 0x11, std::string(2000, 0))).kind, Kind::kMalformed);
}

}  // namespace
}  // namespace paredao::http
