#include "domain/tally.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(Tally, ProjectsOntoCandidateOrderWithZeros) {
  const Poll poll{.id = "p", .candidates = {{"a", "A", {}}, {"b", "B", {}}, {"c", "C", {}}}};
  PollTally tally;
  tally.add("c", 7200, 2);
  tally.add("a", 3600, 1);
  tally.add("c", 3600, 1);
  const auto counts = project(poll, &tally);
  EXPECT_EQ(counts.total, 4);
  EXPECT_EQ(counts.by_candidate, (std::vector<std::int64_t>{1, 0, 3}));
  ASSERT_EQ(counts.by_hour.size(), 2u);
  EXPECT_EQ(unix_seconds(counts.by_hour[0].hour), 3600);
  EXPECT_EQ(counts.by_hour[0].by_candidate, (std::vector<std::int64_t>{1, 0, 1}));
  EXPECT_EQ(counts.by_hour[1].total, 2);
  EXPECT_EQ(project_by_candidate(poll, &tally), counts.by_candidate);
}

TEST(Tally, HeldVotesAreInNoCountButTheirOwn) {
  const Poll poll{.id = "p", .candidates = {{"a", "A", {}}, {"b", "B", {}}}};
  PollTally tally;
  tally.add("a", 3600, 2);
  tally.add(tally_key(VoteState::kQuarantined, "b"), 3600, 5);
  tally.add(tally_key(VoteState::kQuarantined, "a"), 7200, 1);  // an hour of held votes only
  tally.add(tally_key(VoteState::kVoided, "b"), 3600, 3);
  const auto counts = project(poll, &tally);
  EXPECT_EQ(counts.total, 2);
  EXPECT_EQ(counts.by_candidate, (std::vector<std::int64_t>{2, 0}));
  ASSERT_EQ(counts.by_hour.size(), 1u);
  EXPECT_EQ(counts.by_hour[0].total, 2);
  EXPECT_EQ(counts.quarantined, 6);
  EXPECT_EQ(counts.quarantined_by_candidate, (std::vector<std::int64_t>{1, 5}));
  EXPECT_EQ(counts.voided, 3);
  EXPECT_EQ(counts.voided_by_candidate, (std::vector<std::int64_t>{0, 3}));
  EXPECT_EQ(project_by_candidate(poll, &tally), (std::vector<std::int64_t>{2, 0}));
  EXPECT_EQ(tally_key(VoteState::kCounted, "a"), "a");
}

TEST(Tally, EmptyTallyIsAllZeros) {
  const Poll poll{.id = "p", .candidates = {{"a", "A", {}}, {"b", "B", {}}}};
  const auto counts = project(poll, nullptr);
  EXPECT_EQ(counts.total, 0);
  EXPECT_EQ(counts.by_candidate, (std::vector<std::int64_t>{0, 0}));
  EXPECT_TRUE(counts.by_hour.empty());
  EXPECT_EQ(project_by_candidate(poll, nullptr), (std::vector<std::int64_t>{0, 0}));
}

TEST(Tally, ACountIsNeverProjectedBelowZero) {
  Poll poll{.id = "p", .candidates = {{"a", "A", {}}, {"b", "B", {}}}};
  PollTally tally;
  tally.add("q:a", 0, -1);  // a release applied before the vote it moved
  tally.add("a", 0, 1);
  const auto counts = project(poll, &tally);
  EXPECT_EQ(counts.quarantined, 0);
  EXPECT_EQ(counts.quarantined_by_candidate[0], 0);
  EXPECT_EQ(counts.total, 1);
}

}  // namespace
}  // namespace paredao
