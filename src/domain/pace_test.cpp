#include "domain/pace.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(WorkForPace, BaseWhileHumanThenDoublesPerHumanPaceCapped) {
  const WorkPolicy policy{.base = 1000, .max = 16000, .human_pace = 30};
  EXPECT_EQ(work_for_pace(0, policy), 1000u);
  EXPECT_EQ(work_for_pace(30, policy), 1000u);
  EXPECT_EQ(work_for_pace(31, policy), 2000u);  // ⌈1/30⌉ = 1
  EXPECT_EQ(work_for_pace(60, policy), 2000u);  // ⌈30/30⌉ = 1
  EXPECT_EQ(work_for_pace(61, policy), 4000u);
  EXPECT_EQ(work_for_pace(91, policy), 8000u);
  EXPECT_EQ(work_for_pace(121, policy), 16000u);
  EXPECT_EQ(work_for_pace(151, policy), 16000u);  // capped
  EXPECT_EQ(work_for_pace(1'000'000'000, policy), 16000u);
}

TEST(WorkForPace, ZeroHumanPaceTurnsItOff) {
  EXPECT_EQ(work_for_pace(100000, {.base = 1000, .max = 64000, .human_pace = 0}), 1000u);
  // A maximum below the base is the base.
  EXPECT_EQ(work_for_pace(100, {.base = 1000, .max = 10, .human_pace = 1}), 1000u);
}

TEST(PaceWindow, AdmitsUpToTheLimitInAnySixtySeconds) {
  PaceWindow window;
  EXPECT_EQ(window.admit(100, 3).before, 0u);
  EXPECT_TRUE(window.admit(110, 3).admitted);
  const auto third = window.admit(110, 3);
  EXPECT_TRUE(third.admitted);
  EXPECT_EQ(third.before, 2u);
  const auto refused = window.admit(120, 3);
  EXPECT_FALSE(refused.admitted);
  EXPECT_EQ(refused.before, 3u);
  EXPECT_EQ(refused.retry_after, 40);  // the event of second 100 leaves at 160
  EXPECT_FALSE(window.admit(159, 3).admitted);
  const auto later = window.admit(160, 3);
  EXPECT_TRUE(later.admitted);
  EXPECT_EQ(later.before, 2u);
  // Two events left at once (second 110): the wait is until both have gone when 2 are needed.
  PaceWindow burst;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(burst.admit(10, 4).admitted);
  EXPECT_EQ(burst.admit(30, 4).retry_after, 40);
}

TEST(PaceWindow, ForgetTakesBackAnEventAndZeroLimitCountsOnly) {
  PaceWindow window;
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(window.admit(1000, 0).admitted);
  EXPECT_EQ(window.admit(1001, 0).before, 5u);
  window.forget(1000);
  window.forget(999);  // nothing there: nothing changes
  EXPECT_EQ(window.admit(1001, 0).before, 5u);
  EXPECT_FALSE(window.empty_at(1060));
  EXPECT_TRUE(window.empty_at(1061));
}

}  // namespace
}  // namespace paredao
