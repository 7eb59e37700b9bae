#pragma once
#include <vector>

#include "domain/poll.hpp"

namespace paredao {

enum class StoreStatus { kOk, kConflict, kUnavailable };

// Where polls are kept. Calls block on I/O: never call them from an HTTP I/O thread.
// Thread-safe.
class PollRepository {
 public:
  virtual ~PollRepository() = default;
  // Every poll, in any order. Called at start-up; throws std::runtime_error if unreadable.
  virtual std::vector<Poll> load_all() = 0;
  // Stores a new poll; kConflict when a poll with that id exists.
  virtual StoreStatus insert(const Poll& poll) = 0;
  // Replaces the stored status and times of an existing poll.
  virtual StoreStatus update(const Poll& poll) = 0;
  // Replaces the watch list of an existing poll (and nothing else: a concurrent status change
  // is not undone).
  virtual StoreStatus update_watch(const Poll& poll) = 0;
};

}  // namespace paredao
