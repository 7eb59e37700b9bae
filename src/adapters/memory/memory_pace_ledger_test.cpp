#include "adapters/memory/memory_pace_ledger.hpp"

#include <gtest/gtest.h>

#include "app/test_fakes.hpp"

namespace paredao {
namespace {

std::vector<PaceAdmission> admit(PaceLedger& ledger, std::vector<PaceRequest> requests) {
  std::vector<PaceAdmission> answers;
  ledger.admit(std::move(requests), [&](Result<std::vector<PaceAdmission>> result) {
    ASSERT_TRUE(result.ok());
    answers = std::move(result).value();
  });
  return answers;
}

const Network kOne = ipv4_network({203, 0, 113, 7}, 32);
const Network kTwo = ipv4_network({198, 51, 100, 1}, 32);

TEST(MemoryPaceLedger, CountsPerNetworkAndKindInOrder) {
  testing::FakeClock clock(from_unix_seconds(1'000'000));
  MemoryPaceLedger ledger(clock, 1000);
  const auto answers = admit(ledger, {{PaceEvent::kChallenge, kOne, 2},
                                      {PaceEvent::kChallenge, kOne, 2},
                                      {PaceEvent::kChallenge, kOne, 2},
                                      {PaceEvent::kVote, kOne, 2},
                                      {PaceEvent::kChallenge, kTwo, 2}});
  ASSERT_EQ(answers.size(), 5u);
  EXPECT_TRUE(answers[0].admitted);
  EXPECT_EQ(answers[1].before, 1u);
  EXPECT_FALSE(answers[2].admitted);
  EXPECT_EQ(answers[2].retry_after, std::chrono::seconds(60));
  EXPECT_TRUE(answers[3].admitted);  // votes are counted apart
  EXPECT_EQ(answers[3].before, 0u);
  EXPECT_TRUE(answers[4].admitted);  // and so is every network
  EXPECT_EQ(answers[4].before, 0u);
  EXPECT_EQ(answers[0].second, 1'000'000);
}

TEST(MemoryPaceLedger, ForgetFreesASlotAndOldWindowsAreDropped) {
  testing::FakeClock clock(from_unix_seconds(1'000'000));
  MemoryPaceLedger ledger(clock, 1000);
  const auto first = admit(ledger, {{PaceEvent::kVote, kOne, 1}});
  EXPECT_FALSE(admit(ledger, {{PaceEvent::kVote, kOne, 1}})[0].admitted);
  ledger.forget({{PaceEvent::kVote, kOne, first[0].second}});
  EXPECT_TRUE(admit(ledger, {{PaceEvent::kVote, kOne, 1}})[0].admitted);
  EXPECT_EQ(ledger.size(), 1u);
  clock.advance(std::chrono::seconds(61));
  admit(ledger, {{PaceEvent::kVote, kTwo, 1}});
  EXPECT_EQ(ledger.size(), 1u);  // kOne's window had nothing left in it
}

TEST(MemoryPaceLedger, StaysWithinItsBoundUnderAFloodOfNetworks) {
  testing::FakeClock clock(from_unix_seconds(1'000'000));
  MemoryPaceLedger ledger(clock, 100);
  for (std::uint8_t i = 0; i < 250; ++i) {
    const auto answers =
        admit(ledger, {{PaceEvent::kChallenge, ipv4_network({10, 0, 0, i}, 32), 5}});
    EXPECT_TRUE(answers[0].admitted);
    EXPECT_LE(ledger.size(), 100u);
  }
}

}  // namespace
}  // namespace paredao
