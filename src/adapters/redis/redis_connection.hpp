#pragma once
// A thin RAII layer over hiredis: one blocking connection with connect and command timeouts,
// commands as argument vectors (never formatted strings, so no value can inject a command),
// pipelining, and reconnection after a failure. Used by one thread at a time.
//
// Trust nothing after the first surprise: an error reply, a failed read or a timeout drops the
// connection at once, with whatever replies were still unread on it, and the next call opens a
// new one. A reply left unread would otherwise be taken for the answer to a later command
// (seen: a challenge already used reported as a first use after an OOM reply).
#include <hiredis/hiredis.h>

#include <chrono>
#include <memory>
#include <optional>
#include <span>
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
using Command = std::vector<std::string_view>;

class Connection {
 public:
  explicit Connection(Endpoint endpoint,
                      std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));

  // Sends `commands` in one round trip and returns their replies, in order, none of them an
  // error. Throws redis::Error, with the connection dropped, when it fails or times out or any
  // reply is an error: then no reply of the pipeline can be trusted (commands before and after
  // the failing one may or may not have run).
  std::vector<ReplyPtr> pipeline(std::span<const Command> commands);
  // A pipeline of one command.
  ReplyPtr command(const Command& argv);
  // Drops the connection, for a caller that found a reply of a shape it did not expect.
  void drop() { context_.reset(); }

 private:
  redisContext* connected();
  [[noreturn]] void fail(const std::string& what);

  const Endpoint endpoint_;
  const std::chrono::milliseconds timeout_;
  std::unique_ptr<redisContext, void (*)(redisContext*)> context_;
};

// Reply helpers.
bool is_error(const redisReply& reply);
std::string_view text(const redisReply& reply);

}  // namespace paredao::redis
