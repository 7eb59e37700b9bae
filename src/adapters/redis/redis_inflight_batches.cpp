#include "adapters/redis/redis_inflight_batches.hpp"

#include <charconv>

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

// KEYS: the set. ARGV: batch ids. Stamps them with Redis's TIME in milliseconds.
constexpr const char* kAddNow = R"LUA(
local t = redis.call('TIME')
local ms = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
for i = 1, #ARGV do redis.call('ZADD', KEYS[1], ms, ARGV[i]) end
return ms
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
  if (batch_ids.empty()) return true;
  const auto key = keys_.inflight();
  redis::Command command{"EVAL", kAddNow, "1", key};
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

std::optional<std::int64_t> RedisInflightBatches::now_ms() {
  std::lock_guard lock(mutex_);
  try {
    const auto reply = connection_.command({"TIME"});
    if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2) {
      connection_.drop();
      return std::nullopt;
    }
    const auto seconds = integer_of(redis::text(*reply->element[0]));
    const auto micros = integer_of(redis::text(*reply->element[1]));
    if (!seconds || !micros) return std::nullopt;
    return *seconds * 1000 + *micros / 1000;
  } catch (const redis::Error&) {
    return std::nullopt;
  }
}

std::optional<std::vector<std::string>> RedisInflightBatches::registered_until(std::int64_t ms) {
  const auto key = keys_.inflight();
  const auto until = std::to_string(ms);
  std::lock_guard lock(mutex_);
  try {
    const auto reply = connection_.command({"ZRANGEBYSCORE", key, "-inf", until});
    if (reply->type != REDIS_REPLY_ARRAY) {
      connection_.drop();
      return std::nullopt;
    }
    std::vector<std::string> ids;
    ids.reserve(reply->elements);
    for (std::size_t i = 0; i < reply->elements; ++i) {
      ids.emplace_back(redis::text(*reply->element[i]));
    }
    return ids;
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
