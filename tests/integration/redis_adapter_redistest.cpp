// Redis adapter against a real server: a batch counted at most once, the compare-and-set repair,
// the shared replay guard and the api's snapshot read.
#include <gtest/gtest.h>

#include "adapters/redis/redis_counters.hpp"
#include "adapters/redis/redis_keys.hpp"
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
  EXPECT_EQ(tally->by_candidate.at("a"), 6);
  EXPECT_EQ(tally->by_candidate.at("b"), 1);
  EXPECT_EQ(tally->by_hour.at(7200).at("a"), 4);
  const auto missing = counters.unapplied("p1", std::vector<std::string>{"b1", "b2"});
  ASSERT_TRUE(missing);
  EXPECT_EQ(*missing, std::vector<std::string>{"b2"});
}

TEST_F(RedisTest, TheRepairOnlyReplacesCountersThatDidNotMove) {
  RedisLiveCounters counters(settings_);
  ASSERT_EQ(counters.apply_once("b1", deltas_), ApplyStatus::kApplied);
  const auto seen = *counters.read("p1");
  PollTally truth;
  truth.add("a", 3600, 10);
  // Something moved since `seen` was read: refused.
  ASSERT_EQ(counters.apply_once("b2", deltas_), ApplyStatus::kApplied);
  EXPECT_EQ(counters.replace_if_unchanged("p1", seen, truth, std::vector<std::string>{"b3"}),
            ReplaceStatus::kChanged);
  // With what is really there: replaced, and b3 is marked applied.
  const auto now_seen = *counters.read("p1");
  EXPECT_EQ(counters.replace_if_unchanged("p1", now_seen, truth, std::vector<std::string>{"b3"}),
            ReplaceStatus::kReplaced);
  EXPECT_EQ(*counters.read("p1"), truth);
  EXPECT_EQ(counters.apply_once("b3", deltas_), ApplyStatus::kAlreadyApplied);
  EXPECT_EQ(*counters.read("p1"), truth);
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
  EXPECT_TRUE(store.healthy());
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
  EXPECT_FALSE(store.healthy());
}

}  // namespace
}  // namespace paredao
