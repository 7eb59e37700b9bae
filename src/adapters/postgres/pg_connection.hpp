#pragma once
// A thin RAII layer over libpq: one connection, statements with text parameters, results.
// A connection is used by one thread at a time (the caller serializes). Every session runs in
// UTC so that hour buckets computed by SQL match the ones computed in C++.
#include <libpq-fe.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace paredao::pg {

// A failed statement or connection. `sqlstate` is the SQL error code ("23505" for a unique
// violation), empty when the connection itself failed.
class Error : public std::runtime_error {
 public:
  Error(const std::string& message, std::string sqlstate)
      : std::runtime_error(message), sqlstate_(std::move(sqlstate)) {}
  const std::string& sqlstate() const { return sqlstate_; }
  bool unique_violation() const { return sqlstate_ == "23505"; }

 private:
  std::string sqlstate_;
};

class Result {
 public:
  explicit Result(PGresult* result) : result_(result, &PQclear) {}
  int rows() const { return PQntuples(result_.get()); }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column); }
  std::string_view text(int row, int column) const {
    return {PQgetvalue(result_.get(), row, column),
            std::size_t(PQgetlength(result_.get(), row, column))};
  }
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  // Rows changed by INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

using Param = std::optional<std::string>;  // nullopt is SQL NULL

class Connection {
 public:
  // Connects; throws pg::Error when the server cannot be reached. `url` is any libpq connection
  // string ("postgresql://user@host:port/db" or "host=… dbname=…"). Every statement must answer
  // within `timeout`, or the connection is dropped (connected() is then false) and pg::Error
  // thrown: a stopped server (its socket still open) never holds a caller for ever.
  explicit Connection(const std::string& url,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(15000));
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements without parameters; throws pg::Error.
  Result exec(const std::string& sql);
  // Runs one statement with text parameters ($1, $2, …); throws pg::Error.
  Result exec(const std::string& sql, const std::vector<Param>& params);
  // Like exec(), through a statement prepared once per connection under `name`: the hot
  // statements are parsed and planned once, not per call.
  Result exec_prepared(const std::string& name, const std::string& sql,
                       const std::vector<Param>& params);
  // Whether the connection is still up (after a failure, libpq knows it lost the server).
  bool connected() const { return connection_ && PQstatus(connection_.get()) == CONNECTION_OK; }
  PGconn* handle() { return connection_.get(); }

 private:
  Result check(PGresult* result);
  // Waits for every result of the statement just sent (`sent`: whether sending worked), within
  // the deadline; the first error, else the last result.
  Result await_result(bool sent);
  // Drops the connection and throws pg::Error saying `why`.
  [[noreturn]] void lose(const std::string& why);
  std::unique_ptr<PGconn, decltype(&PQfinish)> connection_;
  const std::chrono::milliseconds timeout_;
  std::unordered_set<std::string> prepared_;
};

// Runs `body` inside BEGIN … COMMIT, rolling back when it throws (and rethrowing).
template <class Body>
auto in_transaction(Connection& connection, Body&& body) {
  connection.exec("BEGIN");
  try {
    if constexpr (std::is_void_v<decltype(body())>) {
      body();
      connection.exec("COMMIT");
    } else {
      auto result = body();
      connection.exec("COMMIT");
      return result;
    }
  } catch (...) {
    if (PQtransactionStatus(connection.handle()) != PQTRANS_UNKNOWN) {
      try {
        connection.exec("ROLLBACK");
      } catch (const Error&) {
        // the connection is gone; the server rolls back by itself
      }
    }
    throw;
  }
}

// What is wrong with `url` as a libpq connection string (URI or key=value), or nullopt when its
// syntax is sound. Nothing is connected to.
std::optional<std::string> url_problem(const std::string& url);

// A PostgreSQL array literal of text values ('{"a","b"}'), for unnest($1::text[]): one
// parameter carries a whole batch, so a batch is one statement whatever its size.
std::string text_array(const std::vector<std::string_view>& values);

// Keeps one connection and opens a new one when it was lost. For a thread that owns it.
class ReconnectingConnection {
 public:
  explicit ReconnectingConnection(
      std::string url, std::chrono::milliseconds timeout = std::chrono::milliseconds(15000))
      : url_(std::move(url)), timeout_(timeout) {}
  // The live connection, connecting first when needed; throws pg::Error when unreachable.
  Connection& get();
  // Forget the connection after a failure, so that the next get() reconnects.
  void drop() { connection_.reset(); }

 private:
  std::string url_;
  std::chrono::milliseconds timeout_;
  std::unique_ptr<Connection> connection_;
};

}  // namespace paredao::pg
