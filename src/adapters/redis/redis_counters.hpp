#pragma once
// The live counters in Redis: per poll, a hash of totals by candidate and a hash of counts by
// hour and candidate. Workers add a batch with one Lua script guarded by a per-batch SET NX key;
// api copies read them for their snapshots; the reconciler audits and repairs them.
#include <chrono>
#include <mutex>

#include "adapters/redis/redis_connection.hpp"
#include "adapters/redis/redis_keys.hpp"
#include "app/ports/live_counters.hpp"
#include "app/ports/replay_guard.hpp"
#include "app/ports/tally_store.hpp"

namespace paredao {

struct RedisSettings {
  redis::Endpoint endpoint;
  std::string prefix = "paredao";
  // How long a batch's "applied" mark lives: far longer than any redelivery takes; the
  // reconciler is the backstop beyond it.
  std::chrono::seconds batch_mark_ttl{std::chrono::hours(48)};
};

// LiveCounters for the worker and the reconciler. Blocking; one thread at a time.
class RedisLiveCounters final : public LiveCounters {
 public:
  explicit RedisLiveCounters(RedisSettings settings);

  ApplyStatus apply_once(std::string_view batch_id, std::span<const TallyDelta> deltas) override;
  std::optional<LiveTally> read(std::string_view poll_id) override;
  std::optional<bool> intact() override;
  bool mark_intact() override;
  std::optional<UnappliedBatches> unapplied(std::string_view poll_id,
                                            std::span<const std::string> batch_ids,
                                            std::int64_t as_of) override;
  ReplaceStatus replace_if_unchanged(std::string_view poll_id, const PollTally& expected,
                                     const PollTally& truth,
                                     std::span<const std::string> batch_ids) override;

 private:
  const RedisSettings settings_;
  const redis::Keys keys_;
  redis::Connection connection_;
};

// The api's view of the counters, read for its snapshots: every poll's totals, and the hours of
// those whose totals moved since the last read (see read_all). Thread-safe (one connection behind
// a mutex; only the snapshot timer reads). apply() is not how the distributed mode counts (workers
// use RedisLiveCounters) and is refused.
class RedisTallyStore final : public TallyStore {
 public:
  explicit RedisTallyStore(const RedisSettings& settings);
  void apply(std::span<const TallyDelta> deltas) override;
  std::optional<TallyMap> read_all() const override;

 private:
  static constexpr std::uint64_t kFullReadEvery = 40;  // 10 s at the api's 250 ms refresh

  const redis::Keys keys_;
  mutable std::mutex mutex_;
  mutable redis::Connection connection_;  // guarded by mutex_
  mutable bool healthy_ = true;           // the last read worked (for its log); guarded by mutex_
  mutable TallyMap cache_;                // the last read; guarded by mutex_
  mutable std::uint64_t reads_ = 0;       // guarded by mutex_
};

// Single-use challenges shared by every api copy: SET NX of the use's token with the challenge's
// remaining life; a release deletes the key only while it holds that token (a Lua script).
class RedisReplayGuard final : public SharedReplayGuard {
 public:
  explicit RedisReplayGuard(const RedisSettings& settings);
  std::vector<BurnResult> burn_all(std::span<const ChallengeUse> uses, TimePoint now) override;
  bool release_all(std::span<const ChallengeUse> uses) override;

 private:
  const redis::Keys keys_;
  redis::Connection connection_;
};

// Reads one poll's counters and applied sequence through `connection`, in one transaction.
// nullopt or redis::Error when the store fails.
std::optional<LiveTally> read_live_tally(redis::Connection& connection, const redis::Keys& keys,
                                         std::string_view poll_id);

}  // namespace paredao
