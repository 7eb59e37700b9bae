#pragma once
#include <map>
#include <mutex>

#include "app/ports/poll_repository.hpp"

namespace paredao {

// A PollRepository in memory, for unit tests. `fail` makes every write answer kUnavailable.
class MemoryPollRepository final : public PollRepository {
 public:
  std::vector<Poll> load_all() override;
  StoreStatus insert(const Poll& poll) override;
  StoreStatus update(const Poll& poll) override;
  StoreStatus update_watch(const Poll& poll) override;

  bool fail = false;

 private:
  std::mutex mutex_;
  std::map<std::string, Poll> polls_;  // guarded by mutex_
};

}  // namespace paredao
