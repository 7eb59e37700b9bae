#pragma once
// A thin RAII layer over hiredis: one blocking connection with connect and command timeouts,
// commands as argument vectors (never formatted strings, so no value can inject a command),
// pipelining, and reconnection after a failure. Used by one thread at a time.
#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace paredao::redis {

// The server could not be reached or answered with an error.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Endpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  int database = 0;
  std::string password;
};

// "redis://[:password@]host[:port][/db]"; nullopt when malformed.
std::optional<Endpoint> parse_url(std::string_view url);

using ReplyPtr = std::unique_ptr<redisReply, void (*)(void*)>;

class Connection {
 public:
  explicit Connection(Endpoint endpoint,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  // Sends one command and waits for its reply. Throws redis::Error when the connection fails or
  // the reply is an error; the next call then reconnects.
  ReplyPtr command(const std::vector<std::string_view>& argv);
  // Pipelining: queue commands, then read their replies in order (one round trip in all).
  void append(const std::vector<std::string_view>& argv);
  ReplyPtr reply();  // throws like command(), except that an error reply is returned, not thrown

 private:
  redisContext* connected();
  void fail(const std::string& what);

  const Endpoint endpoint_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<redisContext, void (*)(redisContext*)> context_;
};

// Reply helpers.
bool is_error(const redisReply& reply);
std::string_view text(const redisReply& reply);

}  // namespace paredao::redis
