#include "app/cast_vote.hpp"

#include <gtest/gtest.h>

#include <future>

#include "adapters/memory/memory_pace_ledger.hpp"
#include "adapters/memory/memory_poll_repository.hpp"
#include "adapters/memory/memory_replay_guard.hpp"
#include "adapters/memory/memory_tally_store.hpp"
#include "app/poll_admin.hpp"
#include "app/test_fakes.hpp"
#include "app/vote_pipeline.hpp"

namespace paredao {
namespace {

using std::chrono::seconds;

// Votes per network in 60 s: no test but the limit's own reaches it.
constexpr std::uint32_t kVoteLimit = 2;
// How long the test poll stays open: longer than a pace window.
constexpr std::chrono::seconds kOpenFor{120};

class CastVoteTest : public ::testing::Test {
 protected:
  CastVoteTest() {
    auto created = admin.create(NewPoll{.id = std::string("p"),
                                        .title = "Paredão",
                                        .candidates = {{.id = std::string("a"), .name = "Ana"},
                                                       {.id = std::string("b"), .name = "Bia"}},
                                        .closes_at = clock.now() + kOpenFor});
    EXPECT_TRUE(created.ok());
    EXPECT_TRUE(admin.open("p").ok());
  }

  // Casts a vote and waits for its answer: at once for a refusal, on the pipeline's thread for
  // an accepted vote.
  Result<VoteReceipt> cast(std::optional<std::string> candidate, std::optional<std::string> altcha,
                           std::string poll = "p") {
    auto promise = std::make_shared<std::promise<Result<VoteReceipt>>>();
    auto answer = promise->get_future();
    votes.cast(VoteRequest{std::move(poll), std::move(candidate), std::move(altcha)},
               [promise](Result<VoteReceipt> r) { promise->set_value(std::move(r)); });
    EXPECT_EQ(answer.wait_for(seconds(10)), std::future_status::ready);
    return answer.get();
  }
  ErrorCode error_of(const Result<VoteReceipt>& r) {
    return r.ok() ? ErrorCode::kInternal : r.error().code;
  }

  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  testing::SequentialIds ids;
  testing::FakeVerifier verifier{clock};
  MemoryPollRepository repository;
  PollCatalog catalog;
  PollAdmin admin{repository, catalog, clock, ids};
  // Stores every batch it is given, or none when `fail` is set.
  struct RecordingLog final : BatchLog {
    BatchFate write(const VoteBatch& batch) override {
      if (fail) return BatchFate::kNotDurable;
      votes.insert(votes.end(), batch.votes.begin(), batch.votes.end());
      return BatchFate::kDurable;
    }
    std::vector<AcceptedVote> votes;
    bool fail = false;
  };
  VotePipelinePorts ports() {
    return {.local_guard = guard,
            .log = log,
            .ids = ids,
            .clock = clock,
            .counts = &tallies,
            .snapshots = &snapshots};
  }

  MemoryTallyStore tallies;
  RecordingLog log;
  MemoryReplayGuard guard{1000};
  TallySnapshots snapshots{tallies, clock};
  ReadResults results{catalog, snapshots, clock};
  VotePipeline pipeline{ports(), {}};
  MemoryPaceLedger pace{clock, 1000};
  CastVote votes{
      catalog, verifier, pipeline, ids,
      clock,   results,  pace,     VotePolicy{.limit = kVoteLimit, .quarantine_pace = 0}};
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

TEST_F(CastVoteTest, PastTheVoteLimitA429LeavesTheChallengeUnusedAndFailuresCountForNothing) {
  log.fail = true;
  EXPECT_EQ(error_of(cast("a", "ok:c1")), ErrorCode::kUnavailable);  // gives its place back
  log.fail = false;
  EXPECT_TRUE(cast("a", "ok:c2").ok());
  EXPECT_EQ(error_of(cast("a", "ok:c2")), ErrorCode::kHumanCheckFailed);  // and so does this
  EXPECT_TRUE(cast("a", "ok:c3").ok());
  const auto limited = cast("b", "ok:c4");
  ASSERT_EQ(error_of(limited), ErrorCode::kRateLimited);
  EXPECT_EQ(limited.error().retry_after, seconds(60));
  // The limit is judged after the human check, so a bad payload is still a 422.
  EXPECT_EQ(error_of(cast("a", "bad")), ErrorCode::kHumanCheckFailed);
  clock.advance(seconds(60));
  EXPECT_TRUE(cast("b", "ok:c4").ok());  // the refused payload, judged afresh
  EXPECT_EQ(log.votes.size(), 3u);
}

TEST_F(CastVoteTest, PastTheQuarantinePaceVotesAreAcceptedButHeld) {
  CastVote held_past_two{catalog, verifier, pipeline, ids,
                         clock,   results,  pace,     VotePolicy{.limit = 0, .quarantine_pace = 2}};
  const auto network = ipv4_network({203, 0, 113, 7}, 32);
  for (int i = 1; i <= 5; ++i) {
    auto promise = std::make_shared<std::promise<Result<VoteReceipt>>>();
    auto answer = promise->get_future();
    held_past_two.cast(VoteRequest{"p", "a", "ok:h" + std::to_string(i), network},
                       [promise](Result<VoteReceipt> r) { promise->set_value(std::move(r)); });
    ASSERT_EQ(answer.wait_for(seconds(10)), std::future_status::ready);
    EXPECT_TRUE(answer.get().ok()) << i;  // answered exactly like a counted vote
  }
  ASSERT_EQ(log.votes.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    // More than 2 votes in the minute before it: the 4th and the 5th.
    const bool held = i >= 3;
    EXPECT_EQ(log.votes[i].state, held ? VoteState::kQuarantined : VoteState::kCounted) << i;
    EXPECT_EQ(log.votes[i].reason, held ? "pace" : "") << i;
    EXPECT_EQ(log.votes[i].network, "203.0.113.7/32");
  }
  snapshots.refresh();
  const auto counts = results.stats("p").value().counts;
  EXPECT_EQ(counts.total, 3);
  EXPECT_EQ(counts.quarantined, 2);
}

TEST_F(CastVoteTest, ChecksInTheContractOrder) {
  EXPECT_EQ(error_of(cast(std::nullopt, std::nullopt, "nope")), ErrorCode::kNotFound);
  EXPECT_EQ(error_of(cast(std::nullopt, "ok:c1")), ErrorCode::kInvalidRequest);
  EXPECT_EQ(error_of(cast("a", std::nullopt)), ErrorCode::kInvalidRequest);
  EXPECT_EQ(error_of(cast("zz", "bad")), ErrorCode::kUnknownCandidate);
  EXPECT_EQ(error_of(cast("a", "bad")), ErrorCode::kHumanCheckFailed);
  clock.advance(kOpenFor);
  EXPECT_EQ(error_of(cast("zz", "bad")), ErrorCode::kPollNotOpen);
  EXPECT_TRUE(log.votes.empty());
}

TEST_F(CastVoteTest, ARefusalBeforeTheHumanCheckLeavesTheChallengeUnused) {
  EXPECT_EQ(error_of(cast("zz", "ok:c1")), ErrorCode::kUnknownCandidate);
  EXPECT_TRUE(cast("a", "ok:c1").ok());
  EXPECT_EQ(error_of(cast("a", "ok:c1")), ErrorCode::kHumanCheckFailed);
}

TEST_F(CastVoteTest, TheCutOffIsExact) {
  clock.advance(kOpenFor - std::chrono::milliseconds(1));
  EXPECT_TRUE(cast("a", "ok:c1").ok());
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_EQ(error_of(cast("a", "ok:c2")), ErrorCode::kPollNotOpen);
}

TEST_F(CastVoteTest, AFailedLogCountsNothingAndTheSamePayloadMayBeSentAgain) {
  log.fail = true;
  EXPECT_EQ(error_of(cast("a", "ok:c1")), ErrorCode::kUnavailable);
  EXPECT_TRUE(tallies.read_all()->empty());
  log.fail = false;
  EXPECT_TRUE(cast("a", "ok:c1").ok());
  EXPECT_EQ(tallies.read_all()->at("p").by_candidate.at("a"), 1);
}

TEST_F(CastVoteTest, HiddenPartialsGiveAReceiptWithoutResults) {
  ASSERT_TRUE(admin
                  .create(NewPoll{.id = std::string("h"),
                                  .title = "Oculto",
                                  .candidates = {{.name = "Ana"}, {.name = "Bia"}},
                                  .show_partial_results = false})
                  .ok());
  ASSERT_TRUE(admin.open("h").ok());
  const auto receipt = cast("ana", "ok:c9", "h");
  ASSERT_TRUE(receipt.ok());
  EXPECT_FALSE(receipt.value().results);
}

}  // namespace
}  // namespace paredao
