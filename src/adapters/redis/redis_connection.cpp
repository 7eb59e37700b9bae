#include "adapters/redis/redis_connection.hpp"

#include <charconv>

namespace paredao::redis {

std::optional<Endpoint> parse_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  Endpoint endpoint;
  if (const auto at = url.rfind('@'); at != std::string_view::npos) {
    auto credentials = url.substr(0, at);
    if (const auto colon = credentials.find(':'); colon != std::string_view::npos) {
      credentials.remove_prefix(colon + 1);
    }
    endpoint.password = std::string(credentials);
    url.remove_prefix(at + 1);
  }
  auto authority = url.substr(0, url.find('/'));
  if (const auto slash = url.find('/'); slash != std::string_view::npos) {
    const auto db = url.substr(slash + 1);
    if (!db.empty()) {
      const auto [end, ec] = std::from_chars(db.data(), db.data() + db.size(), endpoint.database);
      if (ec != std::errc() || end != db.data() + db.size()) return std::nullopt;
    }
  }
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    const auto port = authority.substr(colon + 1);
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), endpoint.port);
    if (ec != std::errc() || end != port.data() + port.size() || endpoint.port <= 0 ||
        endpoint.port > 65535) {
      return std::nullopt;
    }
    authority = authority.substr(0, colon);
  }
  if (!authority.empty()) endpoint.host = std::string(authority);
  return endpoint;
}

bool is_error(const redisReply& reply) { return reply.type == REDIS_REPLY_ERROR; }

std::string_view text(const redisReply& reply) {
  if (reply.type == REDIS_REPLY_STRING || reply.type == REDIS_REPLY_STATUS ||
      reply.type == REDIS_REPLY_ERROR) {
    return {reply.str, reply.len};
  }
  return {};
}

Connection::Connection(Endpoint endpoint, std::chrono::milliseconds timeout)
    : endpoint_(std::move(endpoint)), timeout_(timeout), context_(nullptr, &redisFree) {}

void Connection::fail(const std::string& what) {
  const std::string detail = context_ && context_->err ? context_->errstr : "";
  context_.reset();
  throw Error("redis " + endpoint_.host + ":" + std::to_string(endpoint_.port) + ": " + what +
              (detail.empty() ? "" : " (" + detail + ")"));
}

redisContext* Connection::connected() {
  if (context_ && context_->err == 0) return context_.get();
  context_.reset();
  const timeval limit{long(timeout_.count() / 1000), long(timeout_.count() % 1000) * 1000};
  context_.reset(redisConnectWithTimeout(endpoint_.host.c_str(), endpoint_.port, limit));
  if (!context_ || context_->err) fail("cannot connect");
  redisSetTimeout(context_.get(), limit);
  redisEnableKeepAlive(context_.get());
  if (!endpoint_.password.empty()) (void)command({"AUTH", endpoint_.password});
  if (endpoint_.database != 0) (void)command({"SELECT", std::to_string(endpoint_.database)});
  if (!context_) fail("lost while authenticating");
  return context_.get();
}

std::vector<ReplyPtr> Connection::pipeline(std::span<const Command> commands) {
  auto* context = connected();
  std::vector<const char*> parts;
  std::vector<std::size_t> lengths;
  for (const auto& argv : commands) {
    parts.clear();
    lengths.clear();
    for (const auto& arg : argv) {
      parts.push_back(arg.data());
      lengths.push_back(arg.size());
    }
    if (redisAppendCommandArgv(context, int(parts.size()), parts.data(), lengths.data()) !=
        REDIS_OK) {
      fail("cannot queue command");
    }
  }
  std::vector<ReplyPtr> replies;
  replies.reserve(commands.size());
  for (std::size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context, &raw) != REDIS_OK || !raw) {
      if (raw) freeReplyObject(raw);
      fail("no reply");
    }
    ReplyPtr reply(static_cast<redisReply*>(raw), &freeReplyObject);
    // The rest of the pipeline's replies stay unread: dropped with the connection.
    if (is_error(*reply)) fail("error reply: " + std::string(text(*reply)));
    replies.push_back(std::move(reply));
  }
  return replies;
}

ReplyPtr Connection::command(const Command& argv) {
  return std::move(pipeline(std::span(&argv, 1)).front());
}

}  // namespace paredao::redis
