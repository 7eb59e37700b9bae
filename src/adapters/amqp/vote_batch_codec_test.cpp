#include "adapters/amqp/vote_batch_codec.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(VoteBatchCodec, RoundTripsEveryField) {
  VoteBatch batch{"0190a1b2-0000-7000-8000-000000000001", {}};
  batch.votes.push_back(
      AcceptedVote{.vote_id = "0190a1b2-0000-7000-8000-00000000000a",
                   .poll_id = "bbb-26",
                   .candidate_id = "ana \"quoted\"",
                   .accepted_at = TimePoint{std::chrono::milliseconds{1234}},
                   .challenge_id = "c1",
                   .challenge_expires_at = TimePoint{std::chrono::milliseconds{99}},
                   .network = "2001:db8::/64",
                   .state = VoteState::kQuarantined,
                   .reason = "pace"});
  const auto decoded = decode_vote_batch(encode_vote_batch(batch));
  ASSERT_TRUE(decoded);
  EXPECT_EQ(decoded->batch_id, batch.batch_id);
  ASSERT_EQ(decoded->votes.size(), 1u);
  const auto& vote = decoded->votes[0];
  EXPECT_EQ(vote.vote_id, batch.votes[0].vote_id);
  EXPECT_EQ(vote.poll_id, "bbb-26");
  EXPECT_EQ(vote.candidate_id, "ana \"quoted\"");
  EXPECT_EQ(vote.accepted_at, batch.votes[0].accepted_at);
  EXPECT_EQ(vote.challenge_id, "c1");
  EXPECT_EQ(vote.challenge_expires_at, batch.votes[0].challenge_expires_at);
  EXPECT_EQ(vote.network, "2001:db8::/64");
  EXPECT_EQ(vote.state, VoteState::kQuarantined);
  EXPECT_EQ(vote.reason, "pace");
}

TEST(VoteBatchCodec, ReadsVersionOneAsCountedVotes) {
  const auto decoded =
      decode_vote_batch(R"({"v":1,"batch_id":"b","votes":[["a","p","c",4,"e",6]]})");
  ASSERT_TRUE(decoded);
  ASSERT_EQ(decoded->votes.size(), 1u);
  EXPECT_EQ(decoded->votes[0].state, VoteState::kCounted);
  EXPECT_EQ(decoded->votes[0].network, "");
}

TEST(VoteBatchCodec, RefusesWhatIsNotABatch) {
  for (const char* bad : {"", "[]", "{}", R"({"v":3,"batch_id":"b","votes":[]})",
                          R"({"v":2,"batch_id":"b","votes":[["a","b","c",4,"e",6]]})",
                          R"({"v":2,"batch_id":"b","votes":[["a","b","c",4,"e",6,"n",3,""]]})",
                          R"({"v":1,"batch_id":"b","votes":[["a","b","c","4","e",6]]})",
                          R"({"v":1,"batch_id":"b","votes":[["a","b","c",4,"e"]]})",
                          R"({"v":1,"batch_id":1,"votes":[]})", "not json"}) {
    EXPECT_FALSE(decode_vote_batch(bad)) << bad;
  }
}

}  // namespace
}  // namespace paredao
