#include "adapters/tracing/sampling_budget.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(SamplingBudget, FollowsABurstThenTheRate) {
  SamplingBudget budget(100);
  const auto t0 = std::chrono::steady_clock::now();
  int taken = 0;
  for (int i = 0; i < 500; ++i) taken += budget.take(t0);
  EXPECT_EQ(taken, 100) << "a burst of one second's worth";
  EXPECT_FALSE(budget.take(t0 + std::chrono::milliseconds(5)));
  EXPECT_TRUE(budget.take(t0 + std::chrono::milliseconds(10))) << "then one every 10 ms";
  EXPECT_FALSE(budget.take(t0 + std::chrono::milliseconds(10)));
  // Quiet for long: the whole burst again, not more.
  const auto later = t0 + std::chrono::seconds(60);
  taken = 0;
  for (int i = 0; i < 500; ++i) taken += budget.take(later);
  EXPECT_EQ(taken, 100);
}

}  // namespace
}  // namespace paredao
