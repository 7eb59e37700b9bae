#include "app/poll_admin.hpp"

#include <algorithm>

namespace paredao {

PollAdmin::PollAdmin(PollRepository& repository, PollCatalog& catalog, const Clock& clock,
                     IdGenerator& ids)
    : repository_(repository), catalog_(catalog), clock_(clock), ids_(ids) {}

Result<PollView> PollAdmin::create(const NewPoll& request) {
  const auto now = clock_.now();
  if (auto problem = validate(request, now)) {
    return Error{ErrorCode::kInvalidRequest, problem->field + ": " + problem->message};
  }
  std::lock_guard lock(write_mutex_);
  auto poll = make_poll(
      request, [this] { return ids_.poll_id(); }, now);
  if (catalog_.find(poll.id)) {
    return Error{ErrorCode::kInvalidTransition, "a poll with id '" + poll.id + "' already exists"};
  }
  switch (repository_.insert(poll)) {
    case StoreStatus::kOk:
      break;
    case StoreStatus::kConflict:
      return Error{ErrorCode::kInvalidTransition,
                   "a poll with id '" + poll.id + "' already exists"};
    case StoreStatus::kUnavailable:
      return Error{ErrorCode::kUnavailable, "the poll could not be stored; try again"};
  }
  const auto status = poll.status_at(now);
  const auto id = poll.id;
  catalog_.put(std::move(poll));
  return PollView{catalog_.find(id), status};
}

Result<PollView> PollAdmin::open(std::string_view poll_id) { return transition(poll_id, true); }
Result<PollView> PollAdmin::close(std::string_view poll_id) { return transition(poll_id, false); }

Result<PollView> PollAdmin::transition(std::string_view poll_id, bool open) {
  std::lock_guard lock(write_mutex_);
  const auto current = catalog_.find(poll_id);
  if (!current)
    return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
  const auto now = clock_.now();
  auto next = open ? opened(*current, now) : closed(*current, now);
  if (!next) {
    return Error{ErrorCode::kInvalidTransition,
                 std::string("cannot ") + (open ? "open" : "close") + " a poll that is " +
                     std::string(to_string(current->status_at(now)))};
  }
  if (repository_.update(*next) != StoreStatus::kOk) {
    return Error{ErrorCode::kUnavailable, "the poll could not be updated; try again"};
  }
  const auto status = next->status_at(now);
  catalog_.put(std::move(*next));
  return PollView{catalog_.find(poll_id), status};
}

Result<std::vector<Network>> PollAdmin::set_watch(std::string_view poll_id,
                                                  const std::vector<Network>& networks) {
  if (networks.size() > kMaxWatched) {
    return Error{ErrorCode::kInvalidRequest,
                 "networks: at most " + std::to_string(kMaxWatched) + " networks"};
  }
  std::vector<Network> unique;
  for (const auto& network : networks) {
    if (std::find(unique.begin(), unique.end(), network) == unique.end()) unique.push_back(network);
  }
  std::lock_guard lock(write_mutex_);
  const auto current = catalog_.find(poll_id);
  if (!current) {
    return Error{ErrorCode::kNotFound, "no poll with id '" + std::string(poll_id) + "'"};
  }
  auto next = *current;
  next.watch = std::move(unique);
  if (repository_.update_watch(next) != StoreStatus::kOk) {
    return Error{ErrorCode::kUnavailable, "the watch list could not be stored; try again"};
  }
  auto stored = next.watch;
  // Onto the poll as the catalog holds it now: in the distributed mode the repository's wait
  // may have loaded a newer status from another copy, which `next` would undo.
  auto latest = *catalog_.find(poll_id);
  latest.watch = stored;
  catalog_.put(std::move(latest));
  return stored;
}

}  // namespace paredao
