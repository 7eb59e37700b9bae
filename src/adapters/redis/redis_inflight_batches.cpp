#include "adapters/redis/redis_inflight_batches.hpp"

#include <charconv>

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

// KEYS: the set, its `since` key. ARGV: batch ids. Stamps the new ones with Redis's TIME in
// milliseconds (one already there keeps its stamp), and notes since when the set exists.
constexpr const char* kAdd = R"LUA(
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[2], ms, 'NX')
for i = 1, #ARGV do redis.call('ZADD', KEYS[1], 'NX', ms, ARGV[i]) end
return ms
)LUA";

// KEYS: the `since` key. Redis's time in ms and the since value (false when missing).
constexpr const char* kNow = R"LUA(
local t = redis.call('TIME')
return {tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000), redis.call('GET', KEYS[1])}
)LUA";

std::optional<std::int64_t> integer_of(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

RedisInflightBatches::RedisInflightBatches(const RedisSettings& settings)
    : keys_{settings.prefix}, connection_(settings.endpoint) {}

bool RedisInflightBatches::add(std::span<const std::string> batch_ids) {
  const auto key = keys_.inflight();
  const auto since = keys_.inflight_since();
  redis::Command command{"EVAL", kAdd, "2", key, since};
  for (const auto& id : batch_ids) command.push_back(id);
  std::lock_guard lock(mutex_);
  try {
    connection_.command(command);
    return true;
  } catch (const redis::Error& e) {
    log::error("redis_inflight_failed", {{"error", e.what()}});
    return false;
  }
}

std::optional<RegistryTime> RedisInflightBatches::now() {
  const auto since = keys_.inflight_since();
  std::lock_guard lock(mutex_);
  try {
    const auto reply = connection_.command({"EVAL", kNow, "1", since});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
        reply->element[0]->type != REDIS_REPLY_INTEGER) {
      connection_.drop();
      return std::nullopt;
    }
    RegistryTime time{.now_ms = reply->element[0]->integer, .since_ms = std::nullopt};
    if (reply->element[1]->type == REDIS_REPLY_STRING) {
      time.since_ms = integer_of(redis::text(*reply->element[1]));
    }
    return time;
  } catch (const redis::Error&) {
    return std::nullopt;
  }
}

std::optional<std::vector<RegisteredBatch>> RedisInflightBatches::registered_until(
    std::int64_t ms, std::size_t limit) {
  const auto key = keys_.inflight();
  const auto until = std::to_string(ms);
  const auto count = std::to_string(limit);
  std::lock_guard lock(mutex_);
  try {
    const auto reply = connection_.command(
        {"ZRANGEBYSCORE", key, "-inf", until, "WITHSCORES", "LIMIT", "0", count});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements % 2 != 0) {
      connection_.drop();
      return std::nullopt;
    }
    std::vector<RegisteredBatch> batches;
    batches.reserve(reply->elements / 2);
    for (std::size_t i = 0; i + 1 < reply->elements; i += 2) {
      const auto score = integer_of(redis::text(*reply->element[i + 1]));
      if (!score) {
        connection_.drop();
        return std::nullopt;
      }
      batches.push_back(RegisteredBatch{std::string(redis::text(*reply->element[i])), *score});
    }
    return batches;
  } catch (const redis::Error&) {
    return std::nullopt;
  }
}

bool RedisInflightBatches::remove(std::span<const std::string> batch_ids) {
  if (batch_ids.empty()) return true;
  const auto key = keys_.inflight();
  redis::Command command{"ZREM", key};
  for (const auto& id : batch_ids) command.push_back(id);
  std::lock_guard lock(mutex_);
  try {
    connection_.command(command);
    return true;
  } catch (const redis::Error&) {
    return false;
  }
}

}  // namespace paredao
