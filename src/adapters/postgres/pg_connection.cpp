#include "adapters/postgres/pg_connection.hpp"

#include <poll.h>

#include <cerrno>
#include <charconv>

namespace paredao::pg {

std::optional<std::string> Result::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return std::string(text(row, column));
}

std::int64_t Result::integer(int row, int column) const {
  const auto value = text(row, column);
  std::int64_t number = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), number);
  if (ec != std::errc() || end != value.data() + value.size()) {
    throw Error("not an integer: '" + std::string(value) + "'", "");
  }
  return number;
}

std::int64_t Result::affected() const {
  const char* count = PQcmdTuples(result_.get());
  return count && *count ? std::stoll(count) : 0;
}

namespace {

// Defaults that `url` may override: a bounded connect, UTC sessions, a deadline on every
// statement (10 s), keepalives so that a dead server is noticed.
PGconn* connect(const std::string& url) {
  const char* keys[] = {"connect_timeout", "options", "keepalives_idle", "dbname", nullptr};
  const char* values[] = {"3", "-c TimeZone=UTC -c statement_timeout=10000", "10", url.c_str(),
                          nullptr};
  return PQconnectdbParams(keys, values, /*expand_dbname=*/1);
}

}  // namespace

Connection::Connection(const std::string& url, std::chrono::milliseconds timeout)
    : connection_(connect(url), &PQfinish), timeout_(timeout) {
  if (!connection_ || PQstatus(connection_.get()) != CONNECTION_OK) {
    const std::string message = connection_ ? PQerrorMessage(connection_.get()) : "out of memory";
    throw Error("cannot connect to PostgreSQL: " + message, "");
  }
  // Non-blocking: sending a large statement to a server that stopped reading must fail at the
  // deadline too (await_result flushes under it), not block in the kernel for ever.
  if (PQsetnonblocking(connection_.get(), 1) != 0) {
    throw Error("PostgreSQL: cannot use a non-blocking connection", "");
  }
  // Notices ("already exists, skipping") are expected chatter, not log lines.
  PQsetNoticeProcessor(
      connection_.get(), [](void*, const char*) {}, nullptr);
}

Result Connection::check(PGresult* raw) {
  Result result(raw);
  const auto status = raw ? PQresultStatus(raw) : PGRES_FATAL_ERROR;
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK) return result;
  const char* state = raw ? PQresultErrorField(raw, PG_DIAG_SQLSTATE) : nullptr;
  const char* message = raw ? PQresultErrorMessage(raw) : "";
  if (!message || !*message) message = PQerrorMessage(connection_.get());
  throw Error(message, state ? state : "");
}

void Connection::lose(const std::string& why) {
  connection_.reset();  // connected() is false from now on
  throw Error("PostgreSQL: " + why, "");
}

Result Connection::await_result(bool sent) {
  if (!connection_) throw Error("PostgreSQL: the connection was lost", "");
  if (!sent) lose(std::string("cannot send: ") + PQerrorMessage(connection_.get()));
  // The server may be stopped, not gone (its socket still accepts): the deadline is ours, not
  // only the server's statement_timeout.
  const auto deadline = std::chrono::steady_clock::now() + timeout_;
  const auto left_ms = [&] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                 std::chrono::steady_clock::now())
        .count();
  };
  // What the send left queued goes out first; answers read meanwhile keep the server from
  // blocking on a full socket of its own.
  for (int flushed = PQflush(connection_.get()); flushed != 0;
       flushed = PQflush(connection_.get())) {
    if (flushed < 0) lose(std::string("cannot send: ") + PQerrorMessage(connection_.get()));
    if (left_ms() <= 0)
      lose("the statement could not be sent within " + std::to_string(timeout_.count()) + " ms");
    pollfd ready{PQsocket(connection_.get()), POLLOUT | POLLIN, 0};
    if (::poll(&ready, 1, int(left_ms())) < 0 && errno != EINTR) lose("poll failed");
    if ((ready.revents & POLLIN) && !PQconsumeInput(connection_.get())) {
      lose(PQerrorMessage(connection_.get()));
    }
  }
  PGresult* kept = nullptr;  // the first error, else the last result
  for (;;) {
    while (PQisBusy(connection_.get())) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        if (kept) PQclear(kept);
        lose("no answer within " + std::to_string(timeout_.count()) + " ms");
      }
      pollfd readable{PQsocket(connection_.get()), POLLIN, 0};
      const int ready = ::poll(&readable, 1, int(left.count()));
      if (ready < 0 && errno != EINTR) {
        if (kept) PQclear(kept);
        lose("poll failed");
      }
      if (ready > 0 && !PQconsumeInput(connection_.get())) {
        if (kept) PQclear(kept);
        lose(PQerrorMessage(connection_.get()));
      }
    }
    PGresult* result = PQgetResult(connection_.get());
    if (!result) break;
    const auto status = PQresultStatus(result);
    const bool failed = status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK;
    const bool kept_failed =
        kept && PQresultStatus(kept) != PGRES_COMMAND_OK && PQresultStatus(kept) != PGRES_TUPLES_OK;
    if (kept_failed && !failed) {
      PQclear(result);
    } else {
      if (kept) PQclear(kept);
      kept = result;
    }
  }
  return check(kept);
}

Result Connection::exec(const std::string& sql) {
  return await_result(connection_ && PQsendQuery(connection_.get(), sql.c_str()) == 1);
}

Result Connection::exec(const std::string& sql, const std::vector<Param>& params) {
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return await_result(connection_ &&
                      PQsendQueryParams(connection_.get(), sql.c_str(), int(values.size()), nullptr,
                                        values.data(), nullptr, nullptr, 0) == 1);
}

Result Connection::exec_prepared(const std::string& name, const std::string& sql,
                                 const std::vector<Param>& params) {
  if (!prepared_.contains(name)) {
    await_result(connection_ && PQsendPrepare(connection_.get(), name.c_str(), sql.c_str(),
                                              int(params.size()), nullptr) == 1);
    prepared_.insert(name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  return await_result(connection_ &&
                      PQsendQueryPrepared(connection_.get(), name.c_str(), int(values.size()),
                                          values.data(), nullptr, nullptr, 0) == 1);
}

std::optional<std::string> url_problem(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options) {
    PQconninfoFree(options);
    return std::nullopt;
  }
  std::string problem = error ? error : "cannot be parsed";
  if (error) PQfreemem(error);
  while (!problem.empty() && (problem.back() == '\n' || problem.back() == ' ')) problem.pop_back();
  return problem;
}

std::string text_array(const std::vector<std::string_view>& values) {
  std::string out = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ',';
    out += '"';
    for (const char ch : values[i]) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  out += '}';
  return out;
}

Connection& ReconnectingConnection::get() {
  if (connection_ && !connection_->connected()) connection_.reset();
  if (!connection_) connection_ = std::make_unique<Connection>(url_, timeout_);
  return *connection_;
}

}  // namespace paredao::pg
