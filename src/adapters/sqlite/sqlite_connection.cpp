#include "adapters/sqlite/sqlite_connection.hpp"

#include <stdexcept>

namespace paredao::sqlite {

Statement::Statement(sqlite3* db, std::string_view sql) {
  if (sqlite3_prepare_v3(db, sql.data(), int(sql.size()), SQLITE_PREPARE_PERSISTENT, &statement_,
                         nullptr) != SQLITE_OK) {
    throw std::runtime_error("SQLite prepare failed: " + std::string(sqlite3_errmsg(db)));
  }
}

Statement::~Statement() { sqlite3_finalize(statement_); }

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), int(text.size()), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::bind_borrowed(int index, std::string_view text) {
  sqlite3_bind_text(statement_, index, text.data(), int(text.size()), SQLITE_STATIC);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
  sqlite3_bind_int64(statement_, index, number);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

int Statement::step() { return sqlite3_step(statement_); }

bool Statement::next_row() {
  const int result = sqlite3_step(statement_);
  if (result == SQLITE_ROW) return true;
  if (result == SQLITE_DONE) return false;
  throw std::runtime_error(std::string("SQLite: ") + sqlite3_errmsg(sqlite3_db_handle(statement_)));
}

int Statement::run() {
  const int result = sqlite3_step(statement_);
  sqlite3_reset(statement_);
  return result;
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string Statement::text(int column) const {
  const auto* data = sqlite3_column_text(statement_, column);
  return data ? std::string(reinterpret_cast<const char*>(data),
                            std::size_t(sqlite3_column_bytes(statement_, column)))
              : std::string();
}

std::optional<std::string> Statement::optional_text(int column) const {
  if (is_null(column)) return std::nullopt;
  return text(column);
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Connection::Connection(const std::filesystem::path& path) {
  if (sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                      nullptr) != SQLITE_OK) {
    const std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("cannot open " + path.string() + ": " + message);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec_or_throw("PRAGMA journal_mode=WAL");
  exec_or_throw("PRAGMA synchronous=FULL");
  exec_or_throw("PRAGMA foreign_keys=ON");
}

Connection::~Connection() { sqlite3_close(db_); }

void Connection::exec_or_throw(std::string_view sql) {
  if (exec(sql) != SQLITE_OK) {
    throw std::runtime_error("SQLite: " + std::string(sql) + ": " + last_error());
  }
}

int Connection::exec(std::string_view sql) {
  return sqlite3_exec(db_, std::string(sql).c_str(), nullptr, nullptr, nullptr);
}

}  // namespace paredao::sqlite
