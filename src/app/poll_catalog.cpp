#include "app/poll_catalog.hpp"

namespace paredao {

PollCatalog::PollPtr PollCatalog::find(std::string_view id) const {
  std::shared_lock lock(mutex_);
  const auto found = polls_.find(std::string(id));
  return found == polls_.end() ? nullptr : found->second;
}

std::vector<PollCatalog::PollPtr> PollCatalog::all() const {
  std::shared_lock lock(mutex_);
  std::vector<PollPtr> polls;
  polls.reserve(polls_.size());
  for (const auto& [id, poll] : polls_) polls.push_back(poll);
  return polls;
}

void PollCatalog::put(Poll poll) {
  auto published = std::make_shared<const Poll>(std::move(poll));
  std::unique_lock lock(mutex_);
  polls_[published->id] = std::move(published);
}

}  // namespace paredao
