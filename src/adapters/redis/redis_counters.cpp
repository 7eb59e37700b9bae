#include "adapters/redis/redis_counters.hpp"

#include <charconv>
#include <map>

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

// KEYS: batch mark, totals, hours, applied sequence. ARGV: mark ttl (s), then (candidate, hour,
// votes) triples. The mark and the additions happen atomically: a batch is added at most once.
// The mark holds the batch's number in the poll's sequence of applied batches.
constexpr const char* kApplyOnce = R"LUA(
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[1], redis.call('INCR', KEYS[4]), 'EX', ARGV[1])
for i = 2, #ARGV, 3 do
  redis.call('HINCRBY', KEYS[2], ARGV[i], ARGV[i + 2])
  redis.call('HINCRBY', KEYS[3], ARGV[i + 1] .. ':' .. ARGV[i], ARGV[i + 2])
end
return 1
)LUA";

// KEYS: totals, hours, then batch marks. ARGV: mark ttl, then four field lists, each as a count
// followed by field/value pairs: expected totals, expected hours, true totals, true hours.
// Replaces the hashes only when they still hold exactly what the caller read.
constexpr const char* kReplaceIfUnchanged = R"LUA(
local i = 2
local function same(key)
  local n = tonumber(ARGV[i]); i = i + 1
  local ok = redis.call('HLEN', key) == n
  for _ = 1, n do
    if ok and redis.call('HGET', key, ARGV[i]) ~= ARGV[i + 1] then ok = false end
    i = i + 2
  end
  return ok
end
local function put(key)
  redis.call('DEL', key)
  local n = tonumber(ARGV[i]); i = i + 1
  for _ = 1, n do
    redis.call('HSET', key, ARGV[i], ARGV[i + 1])
    i = i + 2
  end
end
local totals_same = same(KEYS[1])
local hours_same = same(KEYS[2])
if not (totals_same and hours_same) then return 0 end
put(KEYS[1])
put(KEYS[2])
-- Numbered 0: inside the copied counts, so inside every later read.
for k = 3, #KEYS do redis.call('SET', KEYS[k], '0', 'EX', ARGV[1]) end
return 1
)LUA";

// KEYS: a challenge's burn. ARGV: the token of the use that burned it. Deletes the burn only if it
// is still that use's (another api copy may have burned the same challenge).
constexpr const char* kReleaseIfOwn = R"LUA(
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
)LUA";

std::int64_t to_integer(std::string_view text) {
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw redis::Error("not an integer in Redis: '" + std::string(text) + "'");
  }
  return value;
}

// Field/value pairs of the totals and hours hashes for `tally`, in the scripts' list format.
void append_fields(std::vector<std::string>& out, const PollTally& tally) {
  out.push_back(std::to_string(tally.by_candidate.size()));
  for (const auto& [candidate, votes] : tally.by_candidate) {
    out.push_back(candidate);
    out.push_back(std::to_string(votes));
  }
  std::size_t cells = 0;
  for (const auto& [hour, counts] : tally.by_hour) cells += counts.size();
  out.push_back(std::to_string(cells));
  for (const auto& [hour, counts] : tally.by_hour) {
    for (const auto& [candidate, votes] : counts) {
      out.push_back(redis::hour_field(hour, candidate));
      out.push_back(std::to_string(votes));
    }
  }
}

std::vector<std::string_view> views(const std::vector<std::string>& strings) {
  return {strings.begin(), strings.end()};
}

}  // namespace

namespace redis {
std::string hour_field(std::int64_t hour, std::string_view candidate_id) {
  return std::to_string(hour) + ":" + std::string(candidate_id);
}
}  // namespace redis

namespace {

// A reply of HGETALL on a totals hash, into `tally.by_candidate`.
void parse_totals(const redisReply& totals, PollTally& tally) {
  if (redis::is_error(totals)) throw redis::Error("HGETALL failed");
  for (std::size_t i = 0; i + 1 < totals.elements; i += 2) {
    tally.by_candidate[std::string(redis::text(*totals.element[i]))] =
        to_integer(redis::text(*totals.element[i + 1]));
  }
}

// A reply of HGETALL on an hours hash ("<hour>:<candidate>" fields), into `tally.by_hour`.
void parse_hours(const redisReply& hours, PollTally& tally) {
  if (redis::is_error(hours)) throw redis::Error("HGETALL failed");
  for (std::size_t i = 0; i + 1 < hours.elements; i += 2) {
    const auto field = redis::text(*hours.element[i]);
    const auto colon = field.find(':');
    if (colon == std::string_view::npos) throw redis::Error("bad hour field in Redis");
    tally.by_hour[to_integer(field.substr(0, colon))][std::string(field.substr(colon + 1))] =
        to_integer(redis::text(*hours.element[i + 1]));
  }
}

}  // namespace

std::optional<LiveTally> read_live_tally(redis::Connection& connection, const redis::Keys& keys,
                                         std::string_view poll_id) {
  // One transaction: the counts and the applied sequence as of the same instant.
  const std::string totals_key = keys.totals(poll_id), hours_key = keys.hours(poll_id),
                    applied_key = keys.applied(poll_id);
  const std::vector<redis::Command> commands{
      {"MULTI"}, {"HGETALL", totals_key}, {"HGETALL", hours_key}, {"GET", applied_key}, {"EXEC"}};
  const auto replies = connection.pipeline(commands);
  const auto& exec = *replies.back();
  if (exec.type != REDIS_REPLY_ARRAY || exec.elements != 3) {
    connection.drop();  // a transaction not answered as sent: trust nothing more from it
    return std::nullopt;
  }
  LiveTally live;
  try {
    parse_totals(*exec.element[0], live.counts);
    parse_hours(*exec.element[1], live.counts);
    if (exec.element[2]->type != REDIS_REPLY_NIL)
      live.applied = to_integer(redis::text(*exec.element[2]));
  } catch (const redis::Error&) {
    connection.drop();
    throw;
  }
  return live;
}

RedisLiveCounters::RedisLiveCounters(RedisSettings settings)
    : settings_(std::move(settings)), keys_{settings_.prefix}, connection_(settings_.endpoint) {}

ApplyStatus RedisLiveCounters::apply_once(std::string_view batch_id,
                                          std::span<const TallyDelta> deltas) {
  // One script per poll (a poll's keys share a slot); each is guarded by its own mark, so a
  // retry after a failure between two polls adds only what is missing.
  std::map<std::string_view, std::vector<const TallyDelta*>> by_poll;
  for (const auto& delta : deltas) by_poll[delta.poll_id].push_back(&delta);
  bool any_applied = false;
  try {
    for (const auto& [poll, poll_deltas] : by_poll) {
      std::vector<std::string> args{"EVAL",
                                    kApplyOnce,
                                    "4",
                                    keys_.batch(poll, batch_id),
                                    keys_.totals(poll),
                                    keys_.hours(poll),
                                    keys_.applied(poll),
                                    std::to_string(settings_.batch_mark_ttl.count())};
      for (const auto* delta : poll_deltas) {
        args.push_back(delta->candidate_id);
        args.push_back(std::to_string(delta->hour));
        args.push_back(std::to_string(delta->votes));
      }
      const auto polls_key = keys_.polls();
      const std::vector<redis::Command> commands{{"SADD", polls_key, poll}, views(args)};
      const auto replies = connection_.pipeline(commands);
      if (replies[1]->type == REDIS_REPLY_INTEGER && replies[1]->integer == 1) any_applied = true;
    }
  } catch (const redis::Error& e) {
    log::error("redis_apply_failed", {{"batch_id", batch_id}, {"error", e.what()}});
    return ApplyStatus::kUnavailable;
  }
  return any_applied ? ApplyStatus::kApplied : ApplyStatus::kAlreadyApplied;
}

std::optional<LiveTally> RedisLiveCounters::read(std::string_view poll_id) {
  try {
    return read_live_tally(connection_, keys_, poll_id);
  } catch (const redis::Error&) {
    return std::nullopt;
  }
}

std::optional<bool> RedisLiveCounters::intact() {
  try {
    const auto reply = connection_.command({"EXISTS", keys_.intact()});
    if (reply->type != REDIS_REPLY_INTEGER) {
      connection_.drop();
      return std::nullopt;
    }
    return reply->integer == 1;
  } catch (const redis::Error&) {
    return std::nullopt;
  }
}

bool RedisLiveCounters::mark_intact() {
  try {
    connection_.command({"SET", keys_.intact(), "1"});
    return true;
  } catch (const redis::Error&) {
    return false;
  }
}

std::optional<UnappliedBatches> RedisLiveCounters::unapplied(std::string_view poll_id,
                                                             std::span<const std::string> batch_ids,
                                                             std::int64_t as_of) {
  try {
    std::vector<std::string> marks;
    marks.reserve(batch_ids.size());
    for (const auto& id : batch_ids) marks.push_back(keys_.batch(poll_id, id));
    std::vector<redis::Command> commands;
    commands.reserve(marks.size());
    for (const auto& mark : marks) commands.push_back({"GET", mark});
    const auto replies = connection_.pipeline(commands);
    UnappliedBatches unapplied;
    for (std::size_t i = 0; i < batch_ids.size(); ++i) {
      const auto& reply = *replies[i];
      if (reply.type == REDIS_REPLY_NIL) {
        unapplied.missing.push_back(batch_ids[i]);
        continue;
      }
      if (reply.type != REDIS_REPLY_STRING) {
        connection_.drop();
        return std::nullopt;
      }
      // Applied after the read of `as_of`: not in the counts that read saw.
      if (to_integer(redis::text(reply)) > as_of) unapplied.applied_after.push_back(batch_ids[i]);
    }
    return unapplied;
  } catch (const redis::Error&) {
    return std::nullopt;
  }
}

ReplaceStatus RedisLiveCounters::replace_if_unchanged(std::string_view poll_id,
                                                      const PollTally& expected,
                                                      const PollTally& truth,
                                                      std::span<const std::string> batch_ids) {
  std::vector<std::string> args{"EVAL", kReplaceIfUnchanged, std::to_string(2 + batch_ids.size()),
                                keys_.totals(poll_id), keys_.hours(poll_id)};
  for (const auto& id : batch_ids) args.push_back(keys_.batch(poll_id, id));
  args.push_back(std::to_string(settings_.batch_mark_ttl.count()));
  append_fields(args, expected);
  append_fields(args, truth);
  try {
    const auto polls_key = keys_.polls();
    const std::vector<redis::Command> commands{{"SADD", polls_key, poll_id}, views(args)};
    const auto replies = connection_.pipeline(commands);
    return replies[1]->type == REDIS_REPLY_INTEGER && replies[1]->integer == 1
               ? ReplaceStatus::kReplaced
               : ReplaceStatus::kChanged;
  } catch (const redis::Error& e) {
    log::error("redis_repair_failed", {{"poll_id", poll_id}, {"error", e.what()}});
    return ReplaceStatus::kUnavailable;
  }
}

RedisTallyStore::RedisTallyStore(const RedisSettings& settings)
    : keys_{settings.prefix}, connection_(settings.endpoint) {}

void RedisTallyStore::apply(std::span<const TallyDelta>) {
  throw std::logic_error("the distributed mode counts in its workers, not in the api");
}

std::optional<TallyMap> RedisTallyStore::read_all() const {
  std::lock_guard lock(mutex_);
  try {
    const auto polls_reply = connection_.command({"SMEMBERS", keys_.polls()});
    std::vector<std::string> polls;
    for (std::size_t i = 0; i < polls_reply->elements; ++i) {
      polls.emplace_back(redis::text(*polls_reply->element[i]));
    }
    // One round trip for every poll's totals, a second for the hours of the polls whose totals
    // moved: every counted vote moves its poll's totals, so the hours of a finished paredão are
    // not read again four times a second. Every kFullReadEvery-th read takes everything, for a
    // repair that moved votes between hours alone.
    const bool full = reads_++ % kFullReadEvery == 0;
    const auto pipelined = [&](const std::vector<std::string>& keys) {
      std::vector<redis::Command> commands;
      commands.reserve(keys.size());
      for (const auto& key : keys) commands.push_back({"HGETALL", key});
      return connection_.pipeline(commands);
    };
    std::vector<std::string> totals_keys;
    totals_keys.reserve(polls.size());
    for (const auto& poll : polls) totals_keys.push_back(keys_.totals(poll));
    const auto totals = pipelined(totals_keys);
    TallyMap fresh;
    std::vector<std::string> moved, hours_keys;
    for (std::size_t i = 0; i < polls.size(); ++i) {
      PollTally& tally = fresh[polls[i]];
      parse_totals(*totals[i], tally);
      const auto known = cache_.find(polls[i]);
      if (full || known == cache_.end() || known->second.by_candidate != tally.by_candidate) {
        moved.push_back(polls[i]);
        hours_keys.push_back(keys_.hours(polls[i]));
      } else {
        tally.by_hour = known->second.by_hour;
      }
    }
    const auto hours = pipelined(hours_keys);
    for (std::size_t i = 0; i < moved.size(); ++i) parse_hours(*hours[i], fresh[moved[i]]);
    cache_ = fresh;
    healthy_ = true;
    return fresh;
  } catch (const redis::Error& e) {
    connection_.drop();  // the failure may have been a reply of an unexpected shape
    if (healthy_) log::error("redis_unreachable", {{"role", "snapshot"}, {"error", e.what()}});
    healthy_ = false;
    reads_ = 0;  // what was read before the failure is not trusted: read everything again
    return std::nullopt;
  }
}

RedisReplayGuard::RedisReplayGuard(const RedisSettings& settings)
    : keys_{settings.prefix}, connection_(settings.endpoint) {}

std::vector<BurnResult> RedisReplayGuard::burn_all(std::span<const ChallengeUse> uses,
                                                   TimePoint now) {
  std::vector<BurnResult> results(uses.size(), BurnResult::kUnavailable);
  try {
    std::vector<std::string> keys, lives;
    keys.reserve(uses.size());
    lives.reserve(uses.size());
    std::vector<redis::Command> commands;
    commands.reserve(uses.size());
    for (const auto& use : uses) {
      // Remembered for the challenge's remaining life (at least 1 s): after that it is refused
      // as expired anyway.
      keys.push_back(keys_.challenge(use.poll_id, use.challenge_id));
      lives.push_back(std::to_string(std::max<std::int64_t>(1000, (use.expires_at - now).count())));
      commands.push_back({"SET", keys.back(), use.token, "NX", "PX", lives.back()});
    }
    const auto replies = connection_.pipeline(commands);
    for (std::size_t i = 0; i < uses.size(); ++i) {
      const auto type = replies[i]->type;
      if (type != REDIS_REPLY_NIL && type != REDIS_REPLY_STATUS) {
        connection_.drop();
        throw redis::Error("SET NX answered with a reply of type " + std::to_string(type));
      }
      results[i] = type == REDIS_REPLY_NIL ? BurnResult::kAlreadyUsed : BurnResult::kFirstUse;
    }
  } catch (const redis::Error& e) {
    log::error("redis_burn_failed", {{"error", e.what()}});
    std::fill(results.begin(), results.end(), BurnResult::kUnavailable);
  }
  return results;
}

bool RedisReplayGuard::release_all(std::span<const ChallengeUse> uses) {
  try {
    std::vector<std::string> keys;
    keys.reserve(uses.size());
    std::vector<redis::Command> commands;
    commands.reserve(uses.size());
    // One script per key: on Redis Cluster each key may live on its own node.
    for (const auto& use : uses) {
      keys.push_back(keys_.challenge(use.poll_id, use.challenge_id));
      commands.push_back({"EVAL", kReleaseIfOwn, "1", keys.back(), use.token});
    }
    const auto replies = connection_.pipeline(commands);
    for (const auto& reply : replies) {
      if (reply->type != REDIS_REPLY_INTEGER) {
        connection_.drop();
        return false;
      }
    }
    return true;
  } catch (const redis::Error& e) {
    log::error("redis_release_failed", {{"error", e.what()}, {"challenges", uses.size()}});
    return false;
  }
}

}  // namespace paredao
