#include "app/poll_queries.hpp"

#include <algorithm>

namespace paredao {
namespace {

int listing_rank(PollStatus status) {
  switch (status) {
    case PollStatus::kOpen:
      return 0;
    case PollStatus::kClosed:
      return 1;
    case PollStatus::kDraft:
      return 2;
  }
  return 3;
}

}  // namespace

PollQueries::PollQueries(const PollCatalog& catalog, const Clock& clock)
    : catalog_(catalog), clock_(clock) {}

Result<PollView> PollQueries::get(std::string_view poll_id) const {
  auto poll = catalog_.find(poll_id);
  if (!poll) return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
  const auto status = poll->status_at(clock_.now());
  return PollView{std::move(poll), status};
}

std::vector<PollView> PollQueries::list(bool include_drafts) const {
  const auto now = clock_.now();
  std::vector<PollView> views;
  for (auto& poll : catalog_.all()) {
    const auto status = poll->status_at(now);
    if (status == PollStatus::kDraft && !include_drafts) continue;
    views.push_back(PollView{std::move(poll), status});
  }
  std::sort(views.begin(), views.end(), [](const PollView& a, const PollView& b) {
    if (listing_rank(a.status) != listing_rank(b.status)) {
      return listing_rank(a.status) < listing_rank(b.status);
    }
    if (a.poll->created_at != b.poll->created_at) return a.poll->created_at > b.poll->created_at;
    return a.poll->id < b.poll->id;
  });
  return views;
}

}  // namespace paredao
