#pragma once
#include <string_view>

#include "domain/time.hpp"

namespace paredao {

enum class BurnResult { kFirstUse, kAlreadyUsed, kUnavailable };

// Makes human-check challenges single-use. Thread-safe, non-blocking.
class ReplayGuard {
 public:
  virtual ~ReplayGuard() = default;
  // Records `challenge_id` as used until `expires_at`. Returns kFirstUse exactly once per id
  // (among calls before its expiry), kAlreadyUsed afterwards, and kUnavailable when it cannot
  // remember more (memory bound reached) or cannot reach its store.
  virtual BurnResult burn(std::string_view challenge_id, TimePoint expires_at, TimePoint now) = 0;
};

}  // namespace paredao
