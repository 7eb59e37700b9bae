#include "adapters/memory/memory_replay_guard.hpp"

#include <openssl/sha.h>

namespace paredao {

MemoryReplayGuard::MemoryReplayGuard(std::size_t max_entries) : max_entries_(max_entries) {}

MemoryReplayGuard::Key MemoryReplayGuard::key_of(std::string_view id) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  Key key;
  bool hex = id.size() == 32;
  for (std::size_t i = 0; hex && i < 32; ++i) {
    const int value = nibble(id[i]);
    hex = value >= 0;
    auto& half = i < 16 ? key.high : key.low;
    half = half << 4 | std::uint64_t(value & 0xF);
  }
  if (hex) return key;
  std::uint8_t digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(id.data()), id.size(), digest);
  key = Key{};
  for (int i = 0; i < 8; ++i) key.high = key.high << 8 | digest[i];
  for (int i = 8; i < 16; ++i) key.low = key.low << 8 | digest[i];
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
