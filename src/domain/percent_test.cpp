#include "domain/percent.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace paredao {
namespace {

TEST(Percent, ThirdsAddUpToExactlyOneHundred) {
  const std::vector<std::int64_t> counts{1, 1, 1};
  EXPECT_EQ(percent_hundredths(counts), (std::vector<std::int64_t>{3334, 3333, 3333}));
}

TEST(Percent, LargestRemainderGetsTheExtraHundredth) {
  const std::vector<std::int64_t> counts{2, 3, 1};  // 33.333, 50, 16.666
  EXPECT_EQ(percent_hundredths(counts), (std::vector<std::int64_t>{3333, 5000, 1667}));
}

TEST(Percent, AllZeroWithoutVotes) {
  const std::vector<std::int64_t> counts{0, 0};
  EXPECT_EQ(percent_hundredths(counts), (std::vector<std::int64_t>{0, 0}));
}

TEST(Percent, AlwaysSumsToTenThousandOnRandomInputs) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 1000; ++round) {
    std::vector<std::int64_t> counts(2 + rng() % 19);
    for (auto& c : counts) c = rng() % 1000000000;
    counts[0] += 1;
    const auto shares = percent_hundredths(counts);
    EXPECT_EQ(std::accumulate(shares.begin(), shares.end(), std::int64_t{0}), 10000);
  }
}

TEST(Percent, FormatsTwoDecimals) {
  EXPECT_EQ(format_percent(3333), "33.33");
  EXPECT_EQ(format_percent(10000), "100.00");
  EXPECT_EQ(format_percent(5), "0.05");
  EXPECT_EQ(format_percent(0), "0.00");
}

}  // namespace
}  // namespace paredao
