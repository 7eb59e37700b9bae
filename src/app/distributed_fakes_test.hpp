#pragma once
// In-memory stand-ins for the history (PostgreSQL) and the live counters (Redis), with the same
// idempotency rules, for the worker and reconciler use-case tests.
#include <algorithm>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <utility>

#include "app/ports/clock.hpp"
#include "app/ports/live_counters.hpp"
#include "app/ports/replay_guard.hpp"
#include "app/ports/vote_history.hpp"
#include "domain/time.hpp"

namespace paredao::testing {

class FakeHistory final : public VoteHistory {
 public:
  explicit FakeHistory(const Clock& clock) : clock_(clock) {}
  bool reachable = true;

  std::optional<std::vector<std::vector<TallyDelta>>> record_all(
      std::span<const VoteBatch> batches) override {
    if (!reachable) return std::nullopt;
    std::vector<std::vector<TallyDelta>> recorded;
    for (const auto& batch : batches) recorded.push_back(record_one(batch));
    return recorded;
  }
  std::optional<bool> cancel_unless_recorded(const std::string& batch_id) override {
    if (!reachable) return std::nullopt;
    const auto [found, inserted] = batches_.emplace(batch_id, std::vector<TallyDelta>{});
    if (inserted) cancelled_.insert(batch_id);
    if (lose_next_answer) {
      lose_next_answer = false;
      return std::nullopt;  // done, but the answer never came back
    }
    return cancelled_.contains(batch_id);
  }
  // The next cancellation is done but its answer is lost (a connection failing after COMMIT).
  bool lose_next_answer = false;
  std::optional<std::vector<UsedChallenge>> unexpired_challenges(TimePoint now) override {
    if (!reachable) return std::nullopt;
    std::vector<UsedChallenge> unexpired;
    for (const auto& c : challenges_) {
      if (c.expires_at > now) unexpired.push_back(c);
    }
    return unexpired;
  }
  std::optional<DoubleUseAudit> challenges_used_twice(std::optional<TimePoint> recorded_after,
                                                      std::chrono::milliseconds) override {
    if (!reachable) return std::nullopt;
    ++audits;
    DoubleUseAudit audit{.checked_until = clock_.now()};
    std::map<std::pair<std::string, std::string>, std::pair<std::int64_t, TimePoint>> uses;
    for (const auto& use : uses_) {
      auto& [count, last] = uses[{use.poll_id, use.challenge_id}];
      ++count;
      last = std::max(last, use.recorded_at);
    }
    for (const auto& [key, use] : uses) {
      if (use.first > 1 && (!recorded_after || use.second > *recorded_after)) {
        audit.found.push_back({key.first, key.second, use.first});
      }
    }
    return audit;
  }
  int audits = 0;
  std::optional<std::vector<std::string>> poll_ids() override {
    if (!reachable) return std::nullopt;
    std::vector<std::string> ids;
    for (const auto& [id, tally] : tallies_) ids.push_back(id);
    return ids;
  }
  std::optional<PollHistory> history_of(std::string_view poll_id, TimePoint since) override {
    if (!reachable) return std::nullopt;
    PollHistory history;
    if (const auto found = tallies_.find(std::string(poll_id)); found != tallies_.end()) {
      history.counts = found->second;
    }
    for (const auto& id : order_) {
      if (recorded_at_[id] < since) continue;
      RecordedBatch batch{
          .batch_id = id, .recorded_at = recorded_at_[id], .deltas = {}, .trace = traces_[id]};
      for (const auto& delta : batches_[id]) {
        if (delta.poll_id == poll_id) batch.deltas.push_back(delta);
      }
      if (!batch.deltas.empty()) history.recent.push_back(std::move(batch));
    }
    return history;
  }
  const PollTally& counts(const std::string& poll_id) { return tallies_[poll_id]; }

 private:
  std::vector<TallyDelta> record_one(const VoteBatch& batch) {
    if (const auto found = batches_.find(batch.batch_id); found != batches_.end()) {
      return found->second;
    }
    std::map<std::tuple<std::string, std::string, std::int64_t>, std::int64_t> added;
    for (const auto& vote : batch.votes) {
      if (!votes_.insert(vote.vote_id).second) continue;
      challenges_.push_back({vote.poll_id, vote.challenge_id, vote.challenge_expires_at});
      uses_.push_back({vote.poll_id, vote.challenge_id, clock_.now()});
      ++added[{vote.poll_id, vote.candidate_id, unix_seconds(hour_start(vote.accepted_at))}];
    }
    std::vector<TallyDelta> deltas;
    for (const auto& [key, n] : added) {
      const auto& [poll, candidate, hour] = key;
      deltas.push_back({poll, candidate, hour, n});
      tallies_[poll].add(candidate, hour, n);
    }
    batches_[batch.batch_id] = deltas;
    traces_[batch.batch_id] = batch.trace;
    recorded_at_[batch.batch_id] = clock_.now();
    order_.push_back(batch.batch_id);
    return deltas;
  }

  struct Use {
    std::string poll_id, challenge_id;
    TimePoint recorded_at;
  };
  const Clock& clock_;
  std::vector<Use> uses_;
  std::map<std::string, TimePoint> recorded_at_;
  std::map<std::string, TraceContext> traces_;
  std::vector<UsedChallenge> challenges_;
  std::set<std::string> votes_;
  std::map<std::string, std::vector<TallyDelta>> batches_;
  std::set<std::string> cancelled_;
  std::vector<std::string> order_;
  std::map<std::string, PollTally> tallies_;
};

class FakeCounters final : public LiveCounters {
 public:
  bool reachable = true;
  // Runs inside replace_if_unchanged before its check, to play a worker racing the reconciler.
  std::function<void()> before_replace;

  // Runs inside unapplied() before it looks, to play a worker applying a batch between the
  // reconciler's read of the counters and its look at the batch marks.
  std::function<void()> before_unapplied;

  ApplyStatus apply_once(std::string_view batch_id, std::span<const TallyDelta> deltas) override {
    if (!reachable) return ApplyStatus::kUnavailable;
    if (!applied_.emplace(std::string(batch_id), ++sequence_).second) {
      return ApplyStatus::kAlreadyApplied;
    }
    for (const auto& d : deltas) tallies_[d.poll_id].add(d.candidate_id, d.hour, d.votes);
    return ApplyStatus::kApplied;
  }
  std::optional<LiveTally> read(std::string_view poll_id) override {
    if (!reachable) return std::nullopt;
    return LiveTally{tallies_[std::string(poll_id)], sequence_};
  }
  std::optional<bool> intact() override {
    if (!reachable) return std::nullopt;
    return intact_;
  }
  bool mark_intact() override { return reachable && (intact_ = true); }
  std::optional<UnappliedBatches> unapplied(std::string_view, std::span<const std::string> ids,
                                            std::int64_t as_of) override {
    if (!reachable) return std::nullopt;
    if (before_unapplied) std::exchange(before_unapplied, nullptr)();
    UnappliedBatches unapplied;
    for (const auto& id : ids) {
      const auto found = applied_.find(id);
      if (found == applied_.end()) {
        unapplied.missing.push_back(id);
      } else if (found->second > as_of) {
        unapplied.applied_after.push_back(id);
      }
    }
    return unapplied;
  }
  ReplaceStatus replace_if_unchanged(std::string_view poll_id, const PollTally& expected,
                                     const PollTally& truth,
                                     std::span<const std::string> ids) override {
    if (!reachable) return ReplaceStatus::kUnavailable;
    if (before_replace) before_replace();
    auto& current = tallies_[std::string(poll_id)];
    if (!(current == expected)) return ReplaceStatus::kChanged;
    current = truth;
    for (const auto& id : ids) applied_.emplace(id, 0);
    return ReplaceStatus::kReplaced;
  }
  void wipe() {
    tallies_.clear();
    applied_.clear();
    intact_ = false;
  }
  const PollTally& counts(const std::string& poll_id) { return tallies_[poll_id]; }

 private:
  bool intact_ = true;
  std::int64_t sequence_ = 0;
  std::map<std::string, std::int64_t> applied_;  // batch id → its number in the sequence
  std::map<std::string, PollTally> tallies_;
};

// The shared replay guard, in memory (it lives in the same store as the counters in production),
// with the ways a real store fails: refusing everything (down), or running the burns and losing
// the replies (an error after the commands ran). Thread-safe.
class FakeSharedGuard final : public SharedReplayGuard {
 public:
  enum class Mode { kHealthy, kDown, kRepliesLost };

  std::vector<BurnResult> burn_all(std::span<const ChallengeUse> uses, TimePoint) override {
    std::lock_guard lock(mutex_);
    ++burn_calls_;
    if (burn_mode_ == Mode::kDown) return std::vector(uses.size(), BurnResult::kUnavailable);
    std::vector<BurnResult> results;
    for (const auto& use : uses) {
      results.push_back(
          burned_.emplace(std::string(use.challenge_id), std::string(use.token)).second
              ? BurnResult::kFirstUse
              : BurnResult::kAlreadyUsed);
    }
    if (burn_mode_ == Mode::kRepliesLost) {
      return std::vector(uses.size(), BurnResult::kUnavailable);
    }
    return results;
  }
  bool release_all(std::span<const ChallengeUse> uses) override {
    std::lock_guard lock(mutex_);
    ++release_calls_;
    if (release_mode_ == Mode::kDown) return false;
    for (const auto& use : uses) {
      const auto found = burned_.find(std::string(use.challenge_id));
      if (found != burned_.end() && found->second == use.token) burned_.erase(found);
    }
    return release_mode_ == Mode::kHealthy;
  }
  void set_mode(Mode mode) { set_modes(mode, mode); }
  void set_modes(Mode burns, Mode releases) {
    std::lock_guard lock(mutex_);
    burn_mode_ = burns;
    release_mode_ = releases;
  }
  bool is_burned(const std::string& challenge_id) {
    std::lock_guard lock(mutex_);
    return burned_.contains(challenge_id);
  }
  void wipe() {
    std::lock_guard lock(mutex_);
    burned_.clear();
  }
  // Burns as another api copy would, with a token of its own.
  void burn_elsewhere(const std::string& challenge_id) {
    std::lock_guard lock(mutex_);
    burned_.emplace(challenge_id, "elsewhere");
  }
  int burn_calls() {
    std::lock_guard lock(mutex_);
    return burn_calls_;
  }
  int release_calls() {
    std::lock_guard lock(mutex_);
    return release_calls_;
  }
  std::set<std::string> burned() {
    std::lock_guard lock(mutex_);
    std::set<std::string> ids;
    for (const auto& [id, token] : burned_) ids.insert(id);
    return ids;
  }

 private:
  std::mutex mutex_;
  Mode burn_mode_ = Mode::kHealthy;            // guarded by mutex_
  Mode release_mode_ = Mode::kHealthy;         // guarded by mutex_
  std::map<std::string, std::string> burned_;  // challenge id → token; guarded by mutex_
  int burn_calls_ = 0;                         // guarded by mutex_
  int release_calls_ = 0;                      // guarded by mutex_
};

}  // namespace paredao::testing
