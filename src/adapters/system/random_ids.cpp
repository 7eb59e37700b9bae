#include "adapters/system/random_ids.hpp"

#include <openssl/rand.h>

#include <array>
#include <cstdlib>

namespace paredao {

void random_bytes(std::span<std::uint8_t> out) {
  thread_local std::array<std::uint8_t, 4096> pool;
  thread_local std::size_t available = 0;
  for (auto& byte : out) {
    if (available == 0) {
      if (RAND_bytes(pool.data(), int(pool.size())) != 1) std::abort();
      available = pool.size();
    }
    byte = pool[--available];
    pool[available] = 0;  // do not keep handed-out randomness around
  }
}

std::string RandomIdGenerator::vote_id(TimePoint at) {
  std::array<std::uint8_t, 16> bytes;
  random_bytes(bytes);
  const auto millis = static_cast<std::uint64_t>(at.time_since_epoch().count());
  for (int i = 0; i < 6; ++i) bytes[i] = std::uint8_t(millis >> (8 * (5 - i)));
  bytes[6] = std::uint8_t(0x70 | (bytes[6] & 0x0F));  // version 7
  bytes[8] = std::uint8_t(0x80 | (bytes[8] & 0x3F));  // RFC 9562 variant
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  id.reserve(36);
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) id.push_back('-');
    id.push_back(kHex[bytes[i] >> 4]);
    id.push_back(kHex[bytes[i] & 0x0F]);
  }
  return id;
}

std::string RandomIdGenerator::poll_id() {
  static constexpr char kAlphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::array<std::uint8_t, 12> bytes;
  random_bytes(bytes);
  std::string id;
  for (auto byte : bytes) id.push_back(kAlphabet[byte % 36]);  // bias of 1/36 per char: harmless
  return id;
}

}  // namespace paredao
