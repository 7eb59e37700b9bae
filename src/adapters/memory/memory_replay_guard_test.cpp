#include "adapters/memory/memory_replay_guard.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

using std::chrono::seconds;
const TimePoint kNow = *parse_rfc3339("2026-11-25T20:00:00Z");

TEST(MemoryReplayGuard, EachIdBurnsOnce) {
  MemoryReplayGuard guard(100);
  EXPECT_EQ(guard.burn("a", kNow + seconds(300), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("a", kNow + seconds(300), kNow + seconds(1)), BurnResult::kAlreadyUsed);
  EXPECT_EQ(guard.burn("b", kNow + seconds(300), kNow), BurnResult::kFirstUse);
}

TEST(MemoryReplayGuard, AReleasedIdMayBeBurnedAgainOnce) {
  MemoryReplayGuard guard(100);
  ASSERT_EQ(guard.burn("a", kNow + seconds(300), kNow), BurnResult::kFirstUse);
  guard.release("a");
  EXPECT_EQ(guard.size(), 0u);
  EXPECT_EQ(guard.burn("a", kNow + seconds(300), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("a", kNow + seconds(300), kNow), BurnResult::kAlreadyUsed);
  // Still forgotten at its expiry, however often it was released and burned.
  guard.release("a");
  ASSERT_EQ(guard.burn("a", kNow + seconds(300), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("b", kNow + seconds(400), kNow + seconds(301)), BurnResult::kFirstUse);
  EXPECT_EQ(guard.size(), 1u);
}

TEST(MemoryReplayGuard, ForgetsIdsOnceTheirChallengeExpired) {
  MemoryReplayGuard guard(100);
  ASSERT_EQ(guard.burn("a", kNow + seconds(10), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.size(), 1u);
  // A burn after expiry prunes; the expired challenge itself is refused anyway.
  EXPECT_EQ(guard.burn("a", kNow + seconds(10), kNow + seconds(11)), BurnResult::kAlreadyUsed);
  EXPECT_EQ(guard.size(), 0u);
}

TEST(MemoryReplayGuard, TellsNonceLikeAndOtherIdsApart) {
  MemoryReplayGuard guard(100);
  const std::string nonce = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(guard.burn(nonce, kNow + seconds(60), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn(nonce, kNow + seconds(60), kNow), BurnResult::kAlreadyUsed);
  // Same length, not hex, or one digit off: other ids.
  EXPECT_EQ(guard.burn("0123456789abcdef0123456789abcdeg", kNow + seconds(60), kNow),
            BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("0123456789abcdef0123456789abcdee", kNow + seconds(60), kNow),
            BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("0123456789ABCDEF0123456789ABCDEF", kNow + seconds(60), kNow),
            BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("0123456789ABCDEF0123456789ABCDEF", kNow + seconds(60), kNow),
            BurnResult::kAlreadyUsed);
}

TEST(MemoryReplayGuard, RefusesRatherThanForgetWhenFull) {
  MemoryReplayGuard guard(2);
  EXPECT_EQ(guard.burn("a", kNow + seconds(60), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("b", kNow + seconds(60), kNow), BurnResult::kFirstUse);
  EXPECT_EQ(guard.burn("c", kNow + seconds(60), kNow), BurnResult::kUnavailable);
  EXPECT_EQ(guard.burn("a", kNow + seconds(60), kNow), BurnResult::kAlreadyUsed);
  EXPECT_EQ(guard.burn("c", kNow + seconds(60), kNow + seconds(61)), BurnResult::kAlreadyUsed);
  EXPECT_EQ(guard.burn("d", kNow + seconds(120), kNow + seconds(61)), BurnResult::kFirstUse);
}

}  // namespace
}  // namespace paredao
