#pragma once
// Every poll, in memory, for the hot paths (vote, challenge, results) that must not touch disk.
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "domain/poll.hpp"

namespace paredao {

// Thread-safe. Polls are immutable once published; a change publishes a new version, so a
// reader keeps a consistent poll for as long as it holds the pointer.
class PollCatalog {
 public:
  using PollPtr = std::shared_ptr<const Poll>;

  PollPtr find(std::string_view id) const;
  std::vector<PollPtr> all() const;
  void put(Poll poll);

 private:
  mutable std::shared_mutex mutex_;
  std::unordered_map<std::string, PollPtr> polls_;  // guarded by mutex_
};

}  // namespace paredao
