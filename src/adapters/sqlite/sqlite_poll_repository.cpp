#include "adapters/sqlite/sqlite_poll_repository.hpp"

#include <map>

#include "adapters/sqlite/sqlite_schema.hpp"

namespace paredao {
namespace {

void bind_time(sqlite::Statement& statement, int index, const std::optional<TimePoint>& t) {
  if (t)
    statement.bind(index, std::int64_t(t->time_since_epoch().count()));
  else
    statement.bind_null(index);
}

std::optional<TimePoint> read_time(const sqlite::Statement& statement, int column) {
  if (statement.is_null(column)) return std::nullopt;
  return TimePoint{std::chrono::milliseconds{statement.integer(column)}};
}

}  // namespace

SqlitePollRepository::SqlitePollRepository(const std::filesystem::path& database)
    : connection_(database) {
  sqlite::apply_schema(connection_);
}

std::vector<Poll> SqlitePollRepository::load_all() {
  std::lock_guard lock(mutex_);
  std::map<std::string, Poll> polls;
  sqlite::Statement poll_rows(connection_.handle(),
                              "SELECT id, title, status, opens_at_ms, closes_at_ms, "
                              "show_partial_results, created_at_ms, watch FROM polls");
  while (poll_rows.next_row()) {
    Poll poll{.id = poll_rows.text(0), .title = poll_rows.text(1)};
    poll.stored_status = poll_status_from_string(poll_rows.text(2)).value_or(PollStatus::kDraft);
    poll.opens_at = read_time(poll_rows, 3);
    poll.closes_at = read_time(poll_rows, 4);
    poll.show_partial_results = poll_rows.integer(5) != 0;
    poll.created_at = TimePoint{std::chrono::milliseconds{poll_rows.integer(6)}};
    poll.watch = parse_cidr_list(poll_rows.text(7));
    polls.emplace(poll.id, std::move(poll));
  }
  sqlite::Statement candidate_rows(
      connection_.handle(),
      "SELECT poll_id, id, name, photo_url FROM candidates ORDER BY poll_id, position");
  while (candidate_rows.next_row()) {
    const auto found = polls.find(candidate_rows.text(0));
    if (found == polls.end()) continue;
    found->second.candidates.push_back(
        Candidate{candidate_rows.text(1), candidate_rows.text(2), candidate_rows.optional_text(3)});
  }
  std::vector<Poll> result;
  result.reserve(polls.size());
  for (auto& [id, poll] : polls) result.push_back(std::move(poll));
  return result;
}

StoreStatus SqlitePollRepository::insert(const Poll& poll) {
  std::lock_guard lock(mutex_);
  if (connection_.exec("BEGIN IMMEDIATE") != SQLITE_OK) return StoreStatus::kUnavailable;
  try {
    sqlite::Statement insert_poll(
        connection_.handle(),
        "INSERT INTO polls (id, title, status, opens_at_ms, closes_at_ms,"
        " show_partial_results, created_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)");
    insert_poll.bind(1, poll.id).bind(2, poll.title).bind(3, to_string(poll.stored_status));
    bind_time(insert_poll, 4, poll.opens_at);
    bind_time(insert_poll, 5, poll.closes_at);
    insert_poll.bind(6, std::int64_t(poll.show_partial_results))
        .bind(7, std::int64_t(poll.created_at.time_since_epoch().count()));
    const int rc = insert_poll.step();
    if (rc == SQLITE_CONSTRAINT) {
      connection_.exec("ROLLBACK");
      return StoreStatus::kConflict;
    }
    bool ok = rc == SQLITE_DONE;
    sqlite::Statement insert_candidate(connection_.handle(),
                                       "INSERT INTO candidates VALUES (?1, ?2, ?3, ?4, ?5)");
    for (std::size_t i = 0; ok && i < poll.candidates.size(); ++i) {
      const auto& candidate = poll.candidates[i];
      insert_candidate.bind(1, poll.id)
          .bind(2, std::int64_t(i))
          .bind(3, candidate.id)
          .bind(4, candidate.name);
      if (candidate.photo_url)
        insert_candidate.bind(5, *candidate.photo_url);
      else
        insert_candidate.bind_null(5);
      ok = insert_candidate.step() == SQLITE_DONE;
      insert_candidate.reset();
    }
    if (ok && connection_.exec("COMMIT") == SQLITE_OK) return StoreStatus::kOk;
  } catch (const std::exception&) {
    // fall through to the rollback
  }
  connection_.exec("ROLLBACK");
  return StoreStatus::kUnavailable;
}

StoreStatus SqlitePollRepository::update(const Poll& poll) {
  std::lock_guard lock(mutex_);
  try {
    sqlite::Statement statement(
        connection_.handle(),
        "UPDATE polls SET status = ?2, opens_at_ms = ?3, closes_at_ms = ?4 WHERE id = ?1");
    statement.bind(1, poll.id).bind(2, to_string(poll.stored_status));
    bind_time(statement, 3, poll.opens_at);
    bind_time(statement, 4, poll.closes_at);
    return statement.step() == SQLITE_DONE ? StoreStatus::kOk : StoreStatus::kUnavailable;
  } catch (const std::exception&) {
    return StoreStatus::kUnavailable;
  }
}

StoreStatus SqlitePollRepository::update_watch(const Poll& poll) {
  std::lock_guard lock(mutex_);
  try {
    sqlite::Statement statement(connection_.handle(), "UPDATE polls SET watch = ?2 WHERE id = ?1");
    statement.bind(1, poll.id).bind(2, cidr_list(poll.watch));
    return statement.step() == SQLITE_DONE ? StoreStatus::kOk : StoreStatus::kUnavailable;
  } catch (const std::exception&) {
    return StoreStatus::kUnavailable;
  }
}

}  // namespace paredao
