#include "domain/poll.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

using std::chrono::seconds;

TimePoint at(const char* text) { return *parse_rfc3339(text); }

Poll scheduled(const char* opens, const char* closes) {
  Poll poll{.id = "p", .title = "t", .candidates = {{"a", "A", {}}, {"b", "B", {}}}};
  poll.opens_at = at(opens);
  poll.closes_at = at(closes);
  return poll;
}

TEST(PollStatus, FollowsTheScheduleExactly) {
  const auto poll = scheduled("2026-11-25T22:00:00Z", "2026-11-25T23:00:00Z");
  EXPECT_EQ(poll.status_at(at("2026-11-25T21:59:59.999Z")), PollStatus::kDraft);
  EXPECT_EQ(poll.status_at(at("2026-11-25T22:00:00Z")), PollStatus::kOpen);
  EXPECT_EQ(poll.status_at(at("2026-11-25T22:59:59.999Z")), PollStatus::kOpen);
  EXPECT_EQ(poll.status_at(at("2026-11-25T23:00:00Z")), PollStatus::kClosed);
}

TEST(PollStatus, ManualStatusWinsOverAFutureSchedule) {
  auto poll = scheduled("2026-11-25T22:00:00Z", "2026-11-25T23:00:00Z");
  poll.stored_status = PollStatus::kClosed;
  EXPECT_EQ(poll.status_at(at("2026-11-25T22:30:00Z")), PollStatus::kClosed);
}

TEST(PollTransitions, OpeningEarlyMovesOpensAtToNow) {
  const auto poll = scheduled("2026-11-25T22:00:00Z", "2026-11-25T23:00:00Z");
  const auto now = at("2026-11-25T21:00:00.400Z");
  const auto next = opened(poll, now);
  ASSERT_TRUE(next);
  EXPECT_EQ(next->status_at(now), PollStatus::kOpen);
  EXPECT_EQ(format_rfc3339(*next->opens_at), "2026-11-25T21:00:00Z");
  EXPECT_FALSE(opened(*next, now));  // already open
}

TEST(PollTransitions, ClosingEarlyMovesClosesAtToNowRoundedUp) {
  auto poll = scheduled("2026-11-25T22:00:00Z", "2026-11-25T23:00:00Z");
  EXPECT_FALSE(closed(poll, at("2026-11-25T21:00:00Z")));  // a draft cannot be closed
  const auto now = at("2026-11-25T22:10:00.400Z");
  const auto next = closed(poll, now);
  ASSERT_TRUE(next);
  EXPECT_EQ(format_rfc3339(*next->closes_at), "2026-11-25T22:10:01Z");
  EXPECT_EQ(next->status_at(now), PollStatus::kClosed);
  EXPECT_FALSE(opened(*next, now));
  EXPECT_FALSE(closed(*next, now));
}

TEST(PollResults, HiddenPartialsShowOnceClosed) {
  auto poll = scheduled("2026-11-25T22:00:00Z", "2026-11-25T23:00:00Z");
  poll.show_partial_results = false;
  EXPECT_FALSE(poll.results_visible_at(at("2026-11-25T22:30:00Z")));
  EXPECT_TRUE(poll.results_visible_at(at("2026-11-25T23:00:00Z")));
}

TEST(PollCandidates, FindsByIdInCreationOrder) {
  const auto poll = scheduled("2026-11-25T22:00:00Z", "2026-11-25T23:00:00Z");
  EXPECT_EQ(poll.candidate_index("b"), 1u);
  EXPECT_FALSE(poll.candidate_index("z"));
}

}  // namespace
}  // namespace paredao
