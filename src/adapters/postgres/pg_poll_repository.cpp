#include "adapters/postgres/pg_poll_repository.hpp"

#include <map>

namespace paredao {
namespace {

pg::Param time_param(const std::optional<TimePoint>& t) {
  if (!t) return std::nullopt;
  return std::to_string(t->time_since_epoch().count());
}

std::optional<TimePoint> time_column(const pg::Result& rows, int row, int column) {
  if (rows.is_null(row, column)) return std::nullopt;
  return TimePoint{std::chrono::milliseconds{rows.integer(row, column)}};
}

// The version is a committed row, not the sequence itself: a reader that sees version v also
// sees every change up to v.
constexpr const char* kAnnounceChange =
    "UPDATE catalog_state SET version = nextval('catalog_version')"
    " RETURNING version, pg_notify('paredao_polls', version::text)";

}  // namespace

std::vector<Poll> load_polls(pg::Connection& connection) {
  std::map<std::string, Poll, std::less<>> polls;
  const auto poll_rows = connection.exec(
      "SELECT id, title, status, (extract(epoch FROM opens_at) * 1000)::bigint,"
      " (extract(epoch FROM closes_at) * 1000)::bigint, show_partial_results,"
      " (extract(epoch FROM created_at) * 1000)::bigint, array_to_string(watch, ' ') FROM polls");
  for (int row = 0; row < poll_rows.rows(); ++row) {
    Poll poll{.id = std::string(poll_rows.text(row, 0)),
              .title = std::string(poll_rows.text(row, 1))};
    poll.stored_status =
        poll_status_from_string(poll_rows.text(row, 2)).value_or(PollStatus::kDraft);
    poll.opens_at = time_column(poll_rows, row, 3);
    poll.closes_at = time_column(poll_rows, row, 4);
    poll.show_partial_results = poll_rows.text(row, 5) == "t";
    poll.created_at = TimePoint{std::chrono::milliseconds{poll_rows.integer(row, 6)}};
    poll.watch = parse_cidr_list(poll_rows.text(row, 7));
    polls.emplace(poll.id, std::move(poll));
  }
  const auto candidate_rows = connection.exec(
      "SELECT poll_id, id, name, photo_url FROM candidates ORDER BY poll_id, position");
  for (int row = 0; row < candidate_rows.rows(); ++row) {
    const auto found = polls.find(candidate_rows.text(row, 0));
    if (found == polls.end()) continue;
    found->second.candidates.push_back(Candidate{std::string(candidate_rows.text(row, 1)),
                                                 std::string(candidate_rows.text(row, 2)),
                                                 candidate_rows.optional_text(row, 3)});
  }
  std::vector<Poll> result;
  result.reserve(polls.size());
  for (auto& [id, poll] : polls) result.push_back(std::move(poll));
  return result;
}

PgPollRepository::PgPollRepository(std::string url, AfterChange after_change)
    : after_change_(std::move(after_change)), connection_(std::move(url)) {}

std::vector<Poll> PgPollRepository::load_all() {
  std::lock_guard lock(mutex_);
  try {
    return load_polls(connection_.get());
  } catch (const pg::Error& e) {
    connection_.drop();
    throw std::runtime_error(std::string("cannot read polls: ") + e.what());
  }
}

StoreStatus PgPollRepository::write(const std::function<void(pg::Connection&)>& body) {
  std::int64_t version = 0;
  {
    std::lock_guard lock(mutex_);
    // Twice at most: the kept connection may have died while idle (a PostgreSQL restart is only
    // noticed when it is used), and then nothing was written. Not after a failed COMMIT, whose
    // outcome is unknown: a second try could find its own poll and answer a conflict.
    for (int attempt = 0;; ++attempt) {
      bool committing = false;
      try {
        auto& connection = connection_.get();
        pg::in_transaction(connection, [&] {
          body(connection);
          version = connection.exec(kAnnounceChange).integer(0, 0);
          committing = true;
        });
        break;
      } catch (const pg::Error& e) {
        if (e.unique_violation()) return StoreStatus::kConflict;
        connection_.drop();
        if (attempt == 0 && !committing && e.sqlstate().empty()) continue;
        return StoreStatus::kUnavailable;
      }
    }
  }
  if (after_change_) after_change_(version);
  return StoreStatus::kOk;
}

StoreStatus PgPollRepository::insert(const Poll& poll) {
  return write([&](pg::Connection& connection) {
    connection.exec(
        "INSERT INTO polls (id, title, status, opens_at, closes_at, show_partial_results,"
        " created_at) VALUES ($1, $2, $3, to_timestamp($4::bigint / 1000.0),"
        " to_timestamp($5::bigint / 1000.0), $6, to_timestamp($7::bigint / 1000.0))",
        {poll.id, poll.title, std::string(to_string(poll.stored_status)), time_param(poll.opens_at),
         time_param(poll.closes_at), poll.show_partial_results ? "true" : "false",
         time_param(poll.created_at)});
    for (std::size_t i = 0; i < poll.candidates.size(); ++i) {
      const auto& candidate = poll.candidates[i];
      connection.exec(
          "INSERT INTO candidates (poll_id, position, id, name, photo_url)"
          " VALUES ($1, $2, $3, $4, $5)",
          {poll.id, std::to_string(i), candidate.id, candidate.name, candidate.photo_url});
    }
  });
}

StoreStatus PgPollRepository::update(const Poll& poll) {
  return write([&](pg::Connection& connection) {
    connection.exec(
        "UPDATE polls SET status = $2, opens_at = to_timestamp($3::bigint / 1000.0),"
        " closes_at = to_timestamp($4::bigint / 1000.0), updated_at = now() WHERE id = $1",
        {poll.id, std::string(to_string(poll.stored_status)), time_param(poll.opens_at),
         time_param(poll.closes_at)});
  });
}

StoreStatus PgPollRepository::update_watch(const Poll& poll) {
  return write([&](pg::Connection& connection) {
    connection.exec(
        "UPDATE polls SET watch = string_to_array($2, ' ')::cidr[]::text[], updated_at = now()"
        " WHERE id = $1",
        {poll.id, cidr_list(poll.watch)});
  });
}

}  // namespace paredao
