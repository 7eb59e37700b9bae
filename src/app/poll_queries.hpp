#pragma once
// Voter-side reads of polls, with the status in effect right now.
#include <vector>

#include "app/poll_catalog.hpp"
#include "app/ports/clock.hpp"
#include "app/result.hpp"

namespace paredao {

struct PollView {
  PollCatalog::PollPtr poll;
  PollStatus status;
};

// Thread-safe, non-blocking (reads the in-memory catalog).
class PollQueries {
 public:
  PollQueries(const PollCatalog& catalog, const Clock& clock);

  Result<PollView> get(std::string_view poll_id) const;
  // Open polls first, then closed ones, newest first within each; drafts (last) only when
  // `include_drafts`.
  std::vector<PollView> list(bool include_drafts) const;

 private:
  const PollCatalog& catalog_;
  const Clock& clock_;
};

}  // namespace paredao
