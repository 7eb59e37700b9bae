#include "app/cast_vote.hpp"

#include <gtest/gtest.h>

#include "adapters/memory/memory_poll_repository.hpp"
#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/memory/memory_tally_store.hpp"
#include "adapters/memory/memory_vote_log.hpp"
#include "app/poll_admin.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

using std::chrono::seconds;

class CastVoteTest : public ::testing::Test {
 protected:
  CastVoteTest() {
    auto created = admin.create(NewPoll{.id = std::string("p"), .title = "Paredão",
                                        .candidates = {{.id = std::string("a"), .name = "Ana"},
                                                       {.id = std::string("b"), .name = "Bia"}},
                                        .closes_at = clock.now() + seconds(60)});
    EXPECT_TRUE(created.ok());
    EXPECT_TRUE(admin.open("p").ok());
  }

  Result<VoteReceipt> cast(std::optional<std::string> candidate, std::optional<std::string> altcha,
                           std::string poll = "p") {
    std::optional<Result<VoteReceipt>> outcome;
    votes.cast(VoteRequest{poll, std::move(candidate), std::move(altcha)},
               [&](Result<VoteReceipt> r) { outcome.emplace(std::move(r)); });
    EXPECT_TRUE(outcome.has_value()) << "the fake log completes synchronously";
    return std::move(*outcome);
  }
  ErrorCode error_of(const Result<VoteReceipt>& r) { return r.ok() ? ErrorCode::kInternal : r.error().code; }

  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  testing::SequentialIds ids;
  testing::FakeVerifier verifier{clock};
  MemoryPollRepository repository;
  PollCatalog catalog;
  PollAdmin admin{repository, catalog, clock, ids};
  MemoryTallyStore tallies;
  MemoryVoteLog log{tallies};
  MemoryReplayGuard guard{1000};
  TallySnapshots snapshots{tallies, clock};
  ReadResults results{catalog, snapshots, clock};
  CastVote votes{catalog, verifier, guard, log, ids, clock, results};
};

TEST_F(CastVoteTest, AcceptsAVoteAndLogsItOnce) {
  const auto receipt = cast("a", "ok:c1");
  ASSERT_TRUE(receipt.ok()) << receipt.error().detail;
  EXPECT_EQ(receipt.value().candidate_id, "a");
  EXPECT_EQ(receipt.value().accepted_at, clock.now());
  ASSERT_TRUE(receipt.value().results);
  ASSERT_EQ(log.votes.size(), 1u);
  EXPECT_EQ(log.votes[0].challenge_id, "c1");
}

TEST_F(CastVoteTest, ChecksInTheContractOrder) {
  EXPECT_EQ(error_of(cast(std::nullopt, std::nullopt, "nope")), ErrorCode::kNotFound);
  EXPECT_EQ(error_of(cast(std::nullopt, "ok:c1")), ErrorCode::kInvalidRequest);
  EXPECT_EQ(error_of(cast("a", std::nullopt)), ErrorCode::kInvalidRequest);
  EXPECT_EQ(error_of(cast("zz", "bad")), ErrorCode::kUnknownCandidate);
  EXPECT_EQ(error_of(cast("a", "bad")), ErrorCode::kHumanCheckFailed);
  clock.advance(seconds(60));
  EXPECT_EQ(error_of(cast("zz", "bad")), ErrorCode::kPollNotOpen);
  EXPECT_TRUE(log.votes.empty());
}

TEST_F(CastVoteTest, ARefusalBeforeTheHumanCheckLeavesTheChallengeUnused) {
  EXPECT_EQ(error_of(cast("zz", "ok:c1")), ErrorCode::kUnknownCandidate);
  EXPECT_TRUE(cast("a", "ok:c1").ok());
  EXPECT_EQ(error_of(cast("a", "ok:c1")), ErrorCode::kHumanCheckFailed);
}

TEST_F(CastVoteTest, TheCutOffIsExact) {
  clock.advance(seconds(60) - std::chrono::milliseconds(1));
  EXPECT_TRUE(cast("a", "ok:c1").ok());
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(error_of(cast("a", "ok:c2")), ErrorCode::kPollNotOpen);
}

TEST_F(CastVoteTest, AFailedLogCountsNothing) {
  log.fail = true;
  EXPECT_EQ(error_of(cast("a", "ok:c1")), ErrorCode::kUnavailable);
  EXPECT_TRUE(tallies.read_all()->empty());
}

TEST_F(CastVoteTest, HiddenPartialsGiveAReceiptWithoutResults) {
  ASSERT_TRUE(admin.create(NewPoll{.id = std::string("h"), .title = "Oculto",
                                   .candidates = {{.name = "Ana"}, {.name = "Bia"}},
                                   .show_partial_results = false}).ok());
  ASSERT_TRUE(admin.open("h").ok());
  const auto receipt = cast("ana", "ok:c9", "h");
  ASSERT_TRUE(receipt.ok());
  EXPECT_FALSE(receipt.value().results);
}

}  // namespace
}  // namespace paredao
