#pragma once
// Use cases of the production team: create a paredão, open it, close it, watch networks.
#include <mutex>
#include <string_view>

#include "app/poll_catalog.hpp"
#include "app/poll_queries.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/poll_repository.hpp"
#include "app/result.hpp"
#include "domain/new_poll.hpp"

namespace paredao {

// Blocking (writes the repository): run it off the I/O threads. Thread-safe; writes are
// serialized so that two concurrent transitions of one poll cannot both succeed.
class PollAdmin {
 public:
  PollAdmin(PollRepository& repository, PollCatalog& catalog, const Clock& clock, IdGenerator& ids);

  // Validates and stores a new poll. kInvalidRequest names the field; an existing id is
  // kInvalidTransition; a repository failure is kUnavailable.
  // Each returns the poll as stored, with its status at that moment.
  Result<PollView> create(const NewPoll& request);
  Result<PollView> open(std::string_view poll_id);
  Result<PollView> close(std::string_view poll_id);
  // Replaces the poll's watch list (duplicates dropped, order kept); returns it as stored. At
  // most kMaxWatched networks (kInvalidRequest beyond); kNotFound, kUnavailable as above.
  Result<std::vector<Network>> set_watch(std::string_view poll_id,
                                         const std::vector<Network>& networks);
  static constexpr std::size_t kMaxWatched = 1000;

 private:
  Result<PollView> transition(std::string_view poll_id, bool open);

  PollRepository& repository_;
  PollCatalog& catalog_;
  const Clock& clock_;
  IdGenerator& ids_;
  std::mutex write_mutex_;
};

}  // namespace paredao
