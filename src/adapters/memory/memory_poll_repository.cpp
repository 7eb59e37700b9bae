#include "adapters/memory/memory_poll_repository.hpp"

namespace paredao {

std::vector<Poll> MemoryPollRepository::load_all() {
  std::lock_guard lock(mutex_);
  std::vector<Poll> polls;
  for (const auto& [id, poll] : polls_) polls.push_back(poll);
  return polls;
}

StoreStatus MemoryPollRepository::insert(const Poll& poll) {
  std::lock_guard lock(mutex_);
  if (fail) return StoreStatus::kUnavailable;
  return polls_.emplace(poll.id, poll).second ? StoreStatus::kOk : StoreStatus::kConflict;
}

StoreStatus MemoryPollRepository::update(const Poll& poll) {
  std::lock_guard lock(mutex_);
  if (fail) return StoreStatus::kUnavailable;
  polls_[poll.id] = poll;
  return StoreStatus::kOk;
}

StoreStatus MemoryPollRepository::update_watch(const Poll& poll) {
  std::lock_guard lock(mutex_);
  if (fail) return StoreStatus::kUnavailable;
  polls_[poll.id].watch = poll.watch;
  return StoreStatus::kOk;
}

}  // namespace paredao
