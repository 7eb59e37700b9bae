#include "adapters/redis/redis_pace_ledger.hpp"

#include <pthread.h>

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

// KEYS[1]: the network's hash for one kind of event (field: unix second, value: count).
// ARGV[1]: the limit (0: none). Returns {admitted 0|1, events before, second | retry after}: the
// same rules as domain/pace.cpp's PaceWindow, which the unit tests pin down.
constexpr std::string_view kAdmit = R"lua(
local now = tonumber(redis.call('TIME')[1])
local limit = tonumber(ARGV[1])
local slots = redis.call('HGETALL', KEYS[1])
local total, live = 0, {}
for i = 1, #slots, 2 do
  local second = tonumber(slots[i])
  if second > now - 60 then
    local n = tonumber(slots[i + 1])
    total = total + n
    live[#live + 1] = {second, n}
  else
    redis.call('HDEL', KEYS[1], slots[i])
  end
end
if limit > 0 and total >= limit then
  table.sort(live, function(a, b) return a[1] < b[1] end)
  local left = total
  for _, slot in ipairs(live) do
    left = left - slot[2]
    if left < limit then return {0, total, math.max(1, slot[1] + 60 - now)} end
  end
  return {0, total, 60}
end
redis.call('HINCRBY', KEYS[1], now, 1)
redis.call('EXPIRE', KEYS[1], 61)
return {1, total, now}
)lua";

// KEYS[1] as above; ARGV[1]: the second an admitted event was recorded in.
constexpr std::string_view kForget = R"lua(
if redis.call('HINCRBY', KEYS[1], ARGV[1], -1) <= 0 then redis.call('HDEL', KEYS[1], ARGV[1]) end
return 1
)lua";

std::optional<PaceAdmission> admission_of(const redisReply& reply) {
  if (reply.type != REDIS_REPLY_ARRAY || reply.elements != 3) return std::nullopt;
  for (std::size_t i = 0; i < 3; ++i) {
    if (reply.element[i]->type != REDIS_REPLY_INTEGER) return std::nullopt;
  }
  const auto admitted = reply.element[0]->integer == 1;
  const auto before =
      std::uint32_t(std::clamp<long long>(reply.element[1]->integer, 0, UINT32_MAX));
  const auto third = reply.element[2]->integer;
  if (admitted) return PaceAdmission{.admitted = true, .before = before, .second = third};
  return PaceAdmission{.before = before, .retry_after = std::chrono::seconds(third)};
}

}  // namespace

RedisPaceLedger::RedisPaceLedger(const RedisSettings& settings)
    : prefix_(settings.prefix),
      connection_(settings.endpoint, std::chrono::milliseconds(1000)),
      thread_([this] {
        pthread_setname_np(pthread_self(), "pace-ledger");
        run();
      }) {}

RedisPaceLedger::~RedisPaceLedger() { stop(); }

std::string RedisPaceLedger::key(PaceEvent event, const Network& network) const {
  // The network is the hash tag: on Redis Cluster its two keys share a slot.
  return prefix_ + ":pace:{" + network.cidr() +
         "}:" + (event == PaceEvent::kChallenge ? "challenges" : "votes");
}

void RedisPaceLedger::admit(std::vector<PaceRequest> requests, Done done) {
  {
    std::lock_guard lock(mutex_);
    if (!stopping_) {
      queue_.push_back({.requests = std::move(requests), .done = std::move(done)});
      wake_.notify_one();
      return;
    }
  }
  done(Error{ErrorCode::kUnavailable, "the process is stopping"});
}

void RedisPaceLedger::forget(std::vector<PaceRecord> records) {
  if (records.empty()) return;
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  queue_.push_back({.forgotten = std::move(records)});
  wake_.notify_one();
}

void RedisPaceLedger::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    wake_.notify_one();
  }
  if (thread_.joinable()) thread_.join();
}

void RedisPaceLedger::run() {
  for (;;) {
    std::deque<Job> jobs;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and everything queued was answered
      jobs.swap(queue_);
    }
    serve(jobs);
  }
}

void RedisPaceLedger::serve(std::deque<Job>& jobs) {
  std::vector<std::string> keys, values;
  std::size_t count = 0;
  for (const auto& job : jobs) count += job.requests.size() + job.forgotten.size();
  keys.reserve(count);
  values.reserve(count);
  std::vector<redis::Command> commands;
  commands.reserve(count);
  for (const auto& job : jobs) {
    for (const auto& request : job.requests) {
      keys.push_back(key(request.event, request.network));
      values.push_back(std::to_string(request.limit));
      commands.push_back({"EVAL", kAdmit, "1", keys.back(), values.back()});
    }
    for (const auto& record : job.forgotten) {
      keys.push_back(key(record.event, record.network));
      values.push_back(std::to_string(record.second));
      commands.push_back({"EVAL", kForget, "1", keys.back(), values.back()});
    }
  }
  // Every reply read before any is used: one of an unexpected shape means the connection cannot
  // be trusted, and then no answer of this round is.
  std::vector<std::optional<PaceAdmission>> answers;
  std::string failure;
  try {
    const auto replies = connection_.pipeline(commands);
    answers.reserve(replies.size());
    std::size_t next = 0;
    for (const auto& job : jobs) {
      for (std::size_t i = 0; i < job.requests.size(); ++i) {
        answers.push_back(admission_of(*replies[next++]));
        if (!answers.back()) failure = "Redis answered the pace script unexpectedly";
      }
      next += job.forgotten.size();
    }
    if (!failure.empty()) connection_.drop();
  } catch (const redis::Error& e) {
    failure = e.what();
  }
  if (!failure.empty()) {
    log::error("redis_pace_failed", {{"dependency", "redis"}, {"error", failure}});
  }
  std::size_t next = 0;
  for (auto& job : jobs) {
    if (!job.done) continue;
    if (!failure.empty()) {
      job.done(Error{ErrorCode::kUnavailable, "the pace of networks cannot be read: " + failure});
      continue;
    }
    std::vector<PaceAdmission> mine;
    mine.reserve(job.requests.size());
    for (std::size_t i = 0; i < job.requests.size(); ++i) mine.push_back(*answers[next++]);
    job.done(std::move(mine));
  }
}

}  // namespace paredao
