// Redis adapter against a real server: a batch counted at most once, the compare-and-set repair,
// the shared replay guard, the api's snapshot read and the edge's shared pace ledger.
#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <future>
#include <thread>

#include "adapters/redis/redis_counters.hpp"
#include "adapters/redis/redis_keys.hpp"
#include "adapters/redis/redis_pace_ledger.hpp"
#include "servers.hpp"

namespace paredao {
namespace {

using integration::required_env;
using integration::unique_name;

class RedisTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto endpoint = redis::parse_url(required_env("PAREDAO_REDIS_URL"));
    ASSERT_TRUE(endpoint);
    settings_ = RedisSettings{.endpoint = *endpoint, .prefix = unique_name("it")};
  }
  // p1 gets deltas_, p2 five votes for "x".
  void count_two_polls(RedisLiveCounters& counters) {
    ASSERT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kApplied);
    ASSERT_EQ(counters.apply_once("b2", std::vector<TallyDelta>{{"p2", "x", 0, 5}}),
              ApplyStatus::kApplied);
  }

  RedisSettings settings_;
  const std::vector<TallyDelta> deltas_{
      {"p1", "a", 3600, 2}, {"p1", "b", 3600, 1}, {"p1", "a", 7200, 4}};
};

TEST_F(RedisTest, ABatchIsAppliedAtMostOnce) {
  RedisLiveCounters counters(settings_);
  EXPECT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kApplied);
  EXPECT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kAlreadyApplied);
  const auto tally = counters.read("p1");
  ASSERT_TRUE(tally);
  EXPECT_EQ(tally->counts.by_candidate.at("a"), 6);
  EXPECT_EQ(tally->counts.by_candidate.at("b"), 1);
  EXPECT_EQ(tally->counts.by_hour.at(7200).at("a"), 4);
  EXPECT_EQ(tally->applied, 1);
  const auto missing =
      counters.unapplied("p1", std::vector<std::string>{"b1", "b2"}, tally->applied);
  ASSERT_TRUE(missing);
  EXPECT_EQ(missing->missing, std::vector<std::string>{"b2"});
  EXPECT_TRUE(missing->applied_after.empty());
}

// Regression: a batch applied between the reconciler's read of the counters and its look at the
// batch marks was found applied but missing from the counts read: false drift under load. Each
// mark now holds the batch's number; a number past the read's is "not applied as of that read".
TEST_F(RedisTest, ABatchAppliedAfterAReadIsNotAppliedAsOfThatRead) {
  RedisLiveCounters counters(settings_);
  ASSERT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kApplied);
  const auto before = counters.read("p1");
  ASSERT_TRUE(before);
  ASSERT_EQ(counters.apply_once("b2", deltas_), ApplyStatus::kApplied);  // a worker, meanwhile
  const std::vector<std::string> both{"b1", "b2"};
  EXPECT_EQ(counters.unapplied("p1", both, before->applied),
            (UnappliedBatches{.missing = {}, .applied_after = {"b2"}}));
  const auto after = counters.read("p1");
  ASSERT_TRUE(after);
  EXPECT_EQ(counters.unapplied("p1", both, after->applied), UnappliedBatches{});
  // Marks set by a repair are inside every later read.
  PollTally truth;
  truth.add("a", 3600, 1);
  ASSERT_EQ(
      counters.replace_if_unchanged("p1", after->counts, truth, std::vector<std::string>{"b3"}),
      ReplaceStatus::kReplaced);
  EXPECT_EQ(counters.unapplied("p1", std::vector<std::string>{"b3"}, 0), UnappliedBatches{});
}

TEST_F(RedisTest, TheRepairOnlyReplacesCountersThatDidNotMove) {
  RedisLiveCounters counters(settings_);
  ASSERT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kApplied);
  const auto seen = counters.read("p1")->counts;
  PollTally truth;
  truth.add("a", 3600, 10);
  // Something moved since `seen` was read: refused.
  ASSERT_EQ(counters.apply_once("b2", deltas_), ApplyStatus::kApplied);
  EXPECT_EQ(counters.replace_if_unchanged("p1", seen, truth, std::vector<std::string>{"b3"}),
            ReplaceStatus::kChanged);
  // With what is really there: replaced, and b3 is marked applied.
  const auto now_seen = counters.read("p1")->counts;
  EXPECT_EQ(counters.replace_if_unchanged("p1", now_seen, truth, std::vector<std::string>{"b3"}),
            ReplaceStatus::kReplaced);
  EXPECT_EQ(counters.read("p1")->counts, truth);
  EXPECT_EQ(counters.apply_once("b3", deltas_), ApplyStatus::kAlreadyApplied);
  EXPECT_EQ(counters.read("p1")->counts, truth);
}

TEST_F(RedisTest, TheIntactMarkTellsWhetherTheStoreLostItsData) {
  RedisLiveCounters counters(settings_);
  EXPECT_EQ(counters.intact(), false);  // never marked: as after a loss
  EXPECT_TRUE(counters.mark_intact());
  EXPECT_EQ(counters.intact(), true);
}

TEST_F(RedisTest, TheApiSnapshotReadsEveryPoll) {
  RedisLiveCounters counters(settings_);
  count_two_polls(counters);
  RedisTallyStore store(settings_);
  const auto all = store.read_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at("p2").by_candidate.at("x"), 5);
}

// The snapshot reads the hours of a poll again only when its totals moved (every counted vote
// moves them), and everything every 40th read. Shown by changing an hours hash behind the
// counters' back: the change is seen once the totals move, or at the next full read.
TEST_F(RedisTest, TheApiSnapshotRereadsTheHoursOfPollsWhoseTotalsMoved) {
  RedisLiveCounters counters(settings_);
  count_two_polls(counters);
  RedisTallyStore store(settings_);
  ASSERT_TRUE(store.read_all());  // the first read is a full one
  redis::Connection raw(settings_.endpoint);
  const redis::Keys keys{settings_.prefix};
  raw.command({"HSET", keys.hours("p1"), redis::hour_field(3600, "a"), "99"});
  raw.command({"HSET", keys.hours("p2"), redis::hour_field(0, "x"), "99"});
  ASSERT_EQ(counters.apply_once("b3", std::vector<TallyDelta>{{"p2", "x", 0, 1}}),
            ApplyStatus::kApplied);  // p2's totals move, p1's do not

  auto all = store.read_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->at("p1").by_hour.at(3600).at("a"), 2);  // p1 not read again
  EXPECT_EQ(all->at("p2").by_hour.at(0).at("x"), 100);   // p2 read again: 99 + 1
  EXPECT_EQ(all->at("p2").by_candidate.at("x"), 6);
  for (int i = 2; i < 40; ++i) ASSERT_TRUE(store.read_all());
  all = store.read_all();  // the 41st: full
  ASSERT_TRUE(all);
  EXPECT_EQ(all->at("p1").by_hour.at(3600).at("a"), 99);
}

TEST_F(RedisTest, AChallengeBurnsOnceAcrossGuards) {
  RedisReplayGuard copy_a(settings_), copy_b(settings_);
  const auto now = from_unix_seconds(1'800'000'000);
  const std::vector<ChallengeUse> uses{{"p1", "c1", now + std::chrono::minutes(5)},
                                       {"p1", "c2", now + std::chrono::minutes(5)},
                                       {"p1", "c1", now + std::chrono::minutes(5)}};
  EXPECT_EQ(copy_a.burn_all(uses, now),
            (std::vector{BurnResult::kFirstUse, BurnResult::kFirstUse, BurnResult::kAlreadyUsed}));
  EXPECT_EQ(copy_b.burn_all(std::span(uses).first(1), now), std::vector{BurnResult::kAlreadyUsed});
}

// Error replies injected into the real server, as production meets them: OOM (writes refused at
// maxmemory under noeviction) and BUSY (a slow script holds the server). Restored on exit.
class RedisFaults {
 public:
  explicit RedisFaults(const redis::Endpoint& endpoint) : endpoint_(endpoint), admin_(endpoint) {
    policy_ = setting("maxmemory-policy");
    busy_threshold_ = setting("busy-reply-threshold");
  }
  ~RedisFaults() {
    try {
      stop_busy();
      admin_.command({"CONFIG", "SET", "maxmemory", "0"});
      admin_.command({"CONFIG", "SET", "maxmemory-policy", policy_});
      admin_.command({"CONFIG", "SET", "busy-reply-threshold", busy_threshold_});
    } catch (const redis::Error& e) {
      ADD_FAILURE() << "the server's settings could not be restored: " << e.what();
    }
  }
  std::string setting(std::string_view name) {
    const auto reply = admin_.command({"CONFIG", "GET", name});
    return std::string(redis::text(*reply->element[1]));
  }
  void out_of_memory() {
    admin_.command({"CONFIG", "SET", "maxmemory-policy", "noeviction"});
    admin_.command({"CONFIG", "SET", "maxmemory", "1"});
  }
  void memory_back() { admin_.command({"CONFIG", "SET", "maxmemory", "0"}); }
  // A script that loops for 10 s on a connection of its own; past busy-reply-threshold (100 ms)
  // every other command is answered BUSY. Returns once the server answers BUSY.
  void busy() {
    admin_.command({"CONFIG", "SET", "busy-reply-threshold", "100"});
    busy_ = std::thread([endpoint = endpoint_] {
      redis::Connection slow(endpoint, std::chrono::milliseconds(15000));
      try {
        slow.command({"EVAL",
                      "local s = tonumber(redis.call('TIME')[1]) "
                      "while tonumber(redis.call('TIME')[1]) < s + 10 do end return 1",
                      "0"});
      } catch (const redis::Error&) {
        // killed by stop_busy()
      }
    });
    redis::Connection probe(endpoint_);
    for (int i = 0; i < 100; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      try {
        probe.command({"PING"});
      } catch (const redis::Error& e) {
        if (std::string(e.what()).find("BUSY") != std::string::npos) return;
      }
    }
    FAIL() << "the server never answered BUSY";
  }
  void stop_busy() {
    if (!busy_.joinable()) return;
    for (int i = 0; i < 100; ++i) {
      try {
        admin_.command({"SCRIPT", "KILL"});
        break;
      } catch (const redis::Error& e) {
        if (std::string(e.what()).find("NOTBUSY") != std::string::npos) break;
      }
    }
    busy_.join();
  }

 private:
  const redis::Endpoint endpoint_;
  redis::Connection admin_;
  std::string policy_, busy_threshold_;
  std::thread busy_;
};

std::vector<ChallengeUse> challenge_uses(const std::string& stem, int count, TimePoint expires) {
  static std::deque<std::string> ids;  // ChallengeUse borrows its strings: they must not move
  std::vector<ChallengeUse> uses;
  for (int i = 0; i < count; ++i) {
    ids.push_back(stem + std::to_string(i));
    uses.push_back(ChallengeUse{"p1", ids.back(), expires});
  }
  return uses;
}

// Regression: burn_all threw on the first error reply of its pipeline and left the other replies
// unread on the connection; later pipelines read them as their own, so that a challenge already
// used was reported as a first use (a human check accepted twice) and fresh ones as used.
TEST_F(RedisTest, AnOutOfMemoryReplyLeavesNoStaleReplyForLaterBurns) {
  RedisReplayGuard guard(settings_);
  const auto now = from_unix_seconds(1'800'000'000);
  const auto expires = now + std::chrono::minutes(5);
  const auto used = challenge_uses("used", 5, expires);
  ASSERT_EQ(guard.burn_all(used, now), std::vector(5, BurnResult::kFirstUse));
  {
    RedisFaults faults(settings_.endpoint);
    faults.out_of_memory();
    EXPECT_EQ(guard.burn_all(challenge_uses("refused", 5, expires), now),
              std::vector(5, BurnResult::kUnavailable));
    faults.memory_back();
  }
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(guard.burn_all(used, now), std::vector(5, BurnResult::kAlreadyUsed)) << round;
    const auto fresh = challenge_uses("fresh" + std::to_string(round) + "-", 5, expires);
    EXPECT_EQ(guard.burn_all(fresh, now), std::vector(5, BurnResult::kFirstUse)) << round;
  }
}

TEST_F(RedisTest, ABusyServerLeavesNoStaleReplyForLaterCommands) {
  RedisLiveCounters counters(settings_);
  RedisReplayGuard guard(settings_);
  RedisTallyStore store(settings_);
  const auto now = from_unix_seconds(1'800'000'000);
  const auto expires = now + std::chrono::minutes(5);
  const auto used = challenge_uses("b-used", 5, expires);
  ASSERT_EQ(guard.burn_all(used, now), std::vector(5, BurnResult::kFirstUse));
  count_two_polls(counters);
  const std::vector<std::string> batches{"b1", "b9", "b2", "b8"};
  {
    RedisFaults faults(settings_.endpoint);
    faults.busy();
    EXPECT_EQ(guard.burn_all(used, now), std::vector(5, BurnResult::kUnavailable));
    EXPECT_FALSE(counters.unapplied("p1", batches, 10));
    EXPECT_FALSE(counters.read("p1"));
    EXPECT_FALSE(store.read_all());
    EXPECT_EQ(counters.apply_once("b5", deltas_), ApplyStatus::kUnavailable);
    faults.stop_busy();
  }
  for (int round = 0; round < 3; ++round) {
    EXPECT_EQ(guard.burn_all(used, now), std::vector(5, BurnResult::kAlreadyUsed)) << round;
    EXPECT_EQ(counters.unapplied("p1", batches, 10),
              (UnappliedBatches{.missing = {"b9", "b2", "b8"}, .applied_after = {}}));
    EXPECT_EQ(counters.intact(), false);
    const auto all = store.read_all();
    ASSERT_TRUE(all);
    EXPECT_EQ(all->at("p2").by_candidate.at("x"), 5);
  }
}

// Waits for a ledger's answer (it comes on the ledger's own thread).
Result<std::vector<PaceAdmission>> admit(PaceLedger& ledger, std::vector<PaceRequest> requests) {
  std::promise<Result<std::vector<PaceAdmission>>> promise;
  auto answer = promise.get_future();
  ledger.admit(std::move(requests), [&promise](Result<std::vector<PaceAdmission>> result) {
    promise.set_value(std::move(result));
  });
  EXPECT_EQ(answer.wait_for(std::chrono::seconds(5)), std::future_status::ready);
  return answer.get();
}

TEST_F(RedisTest, TwoLedgersShareEachNetworksPaceAndLimit) {
  RedisPaceLedger one(settings_), two(settings_);
  const auto network = ipv4_network({203, 0, 113, 7}, 32);
  const auto other = ipv4_network({203, 0, 113, 8}, 32);
  // Four challenges, limit 3, alternating ledgers (api copies): the fourth is refused.
  std::vector<PaceAdmission> seen;
  for (int i = 0; i < 4; ++i) {
    auto& ledger = i % 2 ? two : one;
    const auto answer = admit(ledger, {{PaceEvent::kChallenge, network, 3}});
    ASSERT_TRUE(answer.ok()) << answer.error().detail;
    seen.push_back(answer.value().front());
  }
  EXPECT_TRUE(seen[0].admitted && seen[1].admitted && seen[2].admitted);
  EXPECT_EQ(seen[2].before, 2u);
  EXPECT_FALSE(seen[3].admitted);
  EXPECT_EQ(seen[3].before, 3u);
  EXPECT_GE(seen[3].retry_after.count(), 59);
  EXPECT_LE(seen[3].retry_after.count(), 60);
  // Votes and other networks are counted apart; several requests in one call, in order.
  const auto batch = admit(two, {{PaceEvent::kVote, network, 2},
                                 {PaceEvent::kVote, network, 2},
                                 {PaceEvent::kVote, network, 2},
                                 {PaceEvent::kChallenge, other, 3}});
  ASSERT_TRUE(batch.ok());
  EXPECT_TRUE(batch.value()[0].admitted);
  EXPECT_TRUE(batch.value()[1].admitted);
  EXPECT_FALSE(batch.value()[2].admitted);
  EXPECT_TRUE(batch.value()[3].admitted);
  EXPECT_EQ(batch.value()[3].before, 0u);
  // A vote taken back frees its place, for every copy.
  one.forget({{PaceEvent::kVote, network, batch.value()[1].second}});
  // forget() only queues: ledger one's next answer comes after the forget reached Redis (its
  // commands go in order). Without this, copy two could ask first (seen failing in CI).
  ASSERT_TRUE(admit(one, {{PaceEvent::kChallenge, other, 3}}).ok());
  const auto again = admit(two, {{PaceEvent::kVote, network, 2}});
  ASSERT_TRUE(again.ok());
  EXPECT_TRUE(again.value().front().admitted);
}

TEST_F(RedisTest, AFailingServerMakesThePaceUnavailableThenRecovers) {
  RedisPaceLedger ledger(settings_);
  const auto network = ipv4_network({198, 51, 100, 9}, 32);
  ASSERT_TRUE(admit(ledger, {{PaceEvent::kChallenge, network, 0}}).ok());
  {
    RedisFaults faults(settings_.endpoint);
    faults.out_of_memory();
    const auto refused = admit(ledger, {{PaceEvent::kChallenge, network, 0}});
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kUnavailable);
    faults.memory_back();
  }
  const auto back = admit(ledger, {{PaceEvent::kChallenge, network, 0}});
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back.value().front().before, 1u);  // the refused one was not counted
  RedisPaceLedger nowhere({.endpoint = {.host = "127.0.0.1", .port = 1}, .prefix = "x"});
  EXPECT_FALSE(admit(nowhere, {{PaceEvent::kVote, network, 1}}).ok());
}

TEST_F(RedisTest, AnUnreachableServerIsReportedNotThrown) {
  RedisSettings nowhere{.endpoint = {.host = "127.0.0.1", .port = 1}, .prefix = "x"};
  RedisLiveCounters counters(nowhere);
  EXPECT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kUnavailable);
  EXPECT_FALSE(counters.read("p1"));
  RedisReplayGuard guard(nowhere);
  const std::vector<ChallengeUse> uses{{"p1", "c1", from_unix_seconds(100)}};
  EXPECT_EQ(guard.burn_all(uses, from_unix_seconds(0)), std::vector{BurnResult::kUnavailable});
  RedisTallyStore store(nowhere);
  EXPECT_FALSE(store.read_all());
}

}  // namespace
}  // namespace paredao
