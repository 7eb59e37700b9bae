#include "adapters/http/connection_deadlines.hpp"

#include <gtest/gtest.h>

namespace paredao::http {
namespace {

using Clock = ConnectionDeadlines::Clock;
using std::chrono::seconds;

TEST(ConnectionDeadlines, ExpiresOnlyWhatPassedAndOnlyOnce) {
  const auto t0 = Clock::now();
  int early = 0, late = 0, never = 0;
  ConnectionDeadlines deadlines;
  ConnectionDeadlines::Deadline a([&] { ++early; }), b([&] { ++late; }), c([&] { ++never; });
  deadlines.add(a);
  deadlines.add(b);
  deadlines.add(c);
  a.arm_until(t0 + seconds(1));
  b.arm_until(t0 + seconds(5));
  // c is never armed: a connection busy computing its answer has no deadline.

  EXPECT_EQ(deadlines.sweep(t0), 0u);
  EXPECT_EQ(deadlines.sweep(t0 + seconds(1)), 1u);  // at the deadline itself
  EXPECT_EQ(early, 1);
  EXPECT_EQ(late, 0);
  EXPECT_EQ(deadlines.sweep(t0 + seconds(2)), 0u);  // expired once, then disarmed
  EXPECT_EQ(early, 1);
  EXPECT_EQ(deadlines.sweep(t0 + seconds(60)), 1u);
  EXPECT_EQ(late, 1);
  EXPECT_EQ(never, 0);
}

TEST(ConnectionDeadlines, ReArmingOrDisarmingMovesTheDeadline) {
  const auto t0 = Clock::now();
  int expired = 0;
  ConnectionDeadlines deadlines;
  ConnectionDeadlines::Deadline deadline([&] { ++expired; });
  deadlines.add(deadline);
  deadline.arm_until(t0 + seconds(1));
  deadline.arm_until(t0 + seconds(10));  // the request arrived: the next read has its own time
  EXPECT_EQ(deadlines.sweep(t0 + seconds(5)), 0u);
  deadline.disarm();
  EXPECT_EQ(deadlines.sweep(t0 + seconds(60)), 0u);
  deadline.arm(seconds(0));
  EXPECT_EQ(deadlines.sweep(Clock::now()), 1u);
  EXPECT_EQ(expired, 1);
}

TEST(ConnectionDeadlines, RemovedConnectionsAreNotExpired) {
  const auto t0 = Clock::now();
  int expired = 0;
  ConnectionDeadlines deadlines;
  ConnectionDeadlines::Deadline deadline([&] { ++expired; });
  deadlines.add(deadline);
  deadline.arm_until(t0);
  deadlines.remove(deadline);
  EXPECT_EQ(deadlines.size(), 0u);
  EXPECT_EQ(deadlines.sweep(t0 + seconds(1)), 0u);
  EXPECT_EQ(expired, 0);
}

TEST(ConnectionDeadlines, AnExpiryMayRemoveItsOwnConnection) {
  const auto t0 = Clock::now();
  ConnectionDeadlines deadlines;
  ConnectionDeadlines::Deadline* self = nullptr;
  ConnectionDeadlines::Deadline deadline([&] { deadlines.remove(*self); });
  self = &deadline;
  ConnectionDeadlines::Deadline other([] {});
  deadlines.add(deadline);
  deadlines.add(other);
  deadline.arm_until(t0);
  other.arm_until(t0);
  EXPECT_EQ(deadlines.sweep(t0), 2u);
  EXPECT_EQ(deadlines.size(), 1u);
}

}  // namespace
}  // namespace paredao::http
