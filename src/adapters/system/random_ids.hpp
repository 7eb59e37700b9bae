#pragma once
#include <cstddef>
#include <cstdint>
#include <span>

#include "app/ports/id_generator.hpp"

namespace paredao {

// Fills `out` with bytes from OpenSSL's CSPRNG, buffered per thread so that the hot path does not
// pay a library call per id. Aborts if the CSPRNG fails (no safe way to go on).
void random_bytes(std::span<std::uint8_t> out);

// Ids from the CSPRNG: UUIDv7 for votes (48-bit millisecond time, 74 random bits), 12 base-36
// characters for polls. Thread-safe.
class RandomIdGenerator final : public IdGenerator {
 public:
  std::string vote_id(TimePoint at) override;
  std::string poll_id() override;
};

}  // namespace paredao
