#include "adapters/memory/memory_replay_guard.hpp"

#include <openssl/sha.h>

#include <algorithm>
#include <array>

#include "adapters/encoding/hex.hpp"

namespace paredao {

MemoryReplayGuard::MemoryReplayGuard(std::size_t max_entries) : max_entries_(max_entries) {}

MemoryReplayGuard::Key MemoryReplayGuard::key_of(std::string_view id) {
  // Our challenge ids are 16 random bytes in lowercase hex: the bytes themselves are the key.
  // Anything else (uppercase included: ids are compared as text) is hashed to 16 bytes.
  std::array<std::uint8_t, 16> bytes;
  if (!hex::decode_lowercase_into(id, bytes)) {
    std::uint8_t digest[SHA256_DIGEST_LENGTH];
    SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), digest);
    std::copy_n(digest, bytes.size(), bytes.begin());
  }
  Key key;
  for (int i = 0; i < 8; ++i) key.high = key.high << 8 | bytes[i];
  for (int i = 8; i < 16; ++i) key.low = key.low << 8 | bytes[i];
  return key;
}

BurnResult MemoryReplayGuard::burn(std::string_view challenge_id, TimePoint expires_at,
                                   TimePoint now) {
  std::lock_guard lock(mutex_);
  forget_expired(now);
  if (expires_at <= now) return BurnResult::kAlreadyUsed;  // expired: unusable, nothing to keep
  const Key key = key_of(challenge_id);
  if (used_.size() >= max_entries_) {
    return used_.contains(key) ? BurnResult::kAlreadyUsed : BurnResult::kUnavailable;
  }
  if (!used_.insert(key).second) return BurnResult::kAlreadyUsed;
  by_expiry_[unix_seconds(ceil_to_second(expires_at))].push_back(key);
  return BurnResult::kFirstUse;
}

void MemoryReplayGuard::release(std::string_view challenge_id) {
  std::lock_guard lock(mutex_);
  used_.erase(key_of(challenge_id));
}

std::size_t MemoryReplayGuard::size() const {
  std::lock_guard lock(mutex_);
  return used_.size();
}

void MemoryReplayGuard::forget_expired(TimePoint now) {
  const auto now_seconds = unix_seconds(now);
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_seconds) {
    for (const auto& key : by_expiry_.begin()->second) used_.erase(key);
    by_expiry_.erase(by_expiry_.begin());
  }
}

}  // namespace paredao
