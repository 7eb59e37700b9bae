#include "adapters/memory/memory_replay_guard.hpp"

namespace paredao {

MemoryReplayGuard::MemoryReplayGuard(std::size_t max_entries) : max_entries_(max_entries) {}

BurnResult MemoryReplayGuard::burn(std::string_view challenge_id, TimePoint expires_at,
                                   TimePoint now) {
  std::lock_guard lock(mutex_);
  forget_expired(now);
  if (expires_at <= now) return BurnResult::kAlreadyUsed;  // expired: unusable, nothing to keep
  std::string id(challenge_id);
  if (used_.count(id)) return BurnResult::kAlreadyUsed;
  if (used_.size() >= max_entries_) return BurnResult::kUnavailable;
  used_.insert(id);
  by_expiry_[unix_seconds(ceil_to_second(expires_at))].push_back(std::move(id));
  return BurnResult::kFirstUse;
}

std::size_t MemoryReplayGuard::size() const {
  std::lock_guard lock(mutex_);
  return used_.size();
}

void MemoryReplayGuard::forget_expired(TimePoint now) {
  const auto now_seconds = unix_seconds(now);
  while (!by_expiry_.empty() && by_expiry_.begin()->first <= now_seconds) {
    for (const auto& id : by_expiry_.begin()->second) used_.erase(id);
    by_expiry_.erase(by_expiry_.begin());
  }
}

}  // namespace paredao
