#pragma once
// A thin RAII layer over the SQLite C API: one connection, prepared statements, transactions.
// A connection is used by one thread at a time (the caller serializes).
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace paredao::sqlite {

class Statement {
 public:
  Statement(sqlite3* db, std::string_view sql);  // throws std::runtime_error on bad SQL
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  Statement& bind(int index, std::string_view text);  // copies the text
  // Binds without copying: `text` must stay valid and unchanged until reset().
  Statement& bind_borrowed(int index, std::string_view text);
  Statement& bind(int index, std::int64_t number);
  Statement& bind_null(int index);
  // Steps once: SQLITE_ROW, SQLITE_DONE or an error code.
  int step();
  // For reading: steps once and tells whether a row came; throws std::runtime_error on an
  // error, so that a failed read never passes for the end of the rows.
  bool next_row();
  // Resets for reuse, keeping nothing bound.
  void reset();
  // Steps once and resets, for statements without results: SQLITE_DONE or an error code.
  int run();

  std::string text(int column) const;
  std::optional<std::string> optional_text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3_stmt* statement_ = nullptr;
};

class Connection {
 public:
  // Opens (creating if needed) the database in WAL mode with full fsync on commit, so that a
  // committed transaction survives a crash of the process or of the machine.
  explicit Connection(const std::filesystem::path& path);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs SQL without results; throws std::runtime_error on failure (start-up use).
  void exec_or_throw(std::string_view sql);
  // Runs SQL without results; returns the SQLite result code.
  int exec(std::string_view sql);
  sqlite3* handle() const { return db_; }
  std::string last_error() const { return sqlite3_errmsg(db_); }

 private:
  sqlite3* db_ = nullptr;
};

}  // namespace paredao::sqlite
