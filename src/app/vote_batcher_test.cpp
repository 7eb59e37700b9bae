#include "app/vote_batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>

namespace paredao {
namespace {

AcceptedVote vote(int n) { return AcceptedVote{.vote_id = "v" + std::to_string(n)}; }

// Appends a vote; whether the batcher took it.
bool append(VoteBatcher& batcher, int n, AppendCallback done) {
  auto v = vote(n);
  return batcher.append(v, done);
}

TEST(VoteBatcher, VotesQueuedDuringAWriteFormTheNextBatchAndEachCallbackRunsOnce) {
  std::promise<void> first_write_started, release_first_write;
  auto release = release_first_write.get_future().share();
  std::vector<std::size_t> sizes;
  VoteBatcher batcher(100, 100, [&](const auto& batch, auto& statuses) {
    sizes.push_back(batch.size());
    if (sizes.size() == 1) {
      first_write_started.set_value();
      release.wait();
    }
    std::fill(statuses.begin(), statuses.end(), AppendStatus::kDurable);
  });
  std::atomic<int> durable{0};
  const auto count = [&](AppendStatus s) { durable += s == AppendStatus::kDurable; };
  EXPECT_TRUE(append(batcher, 0, count));
  first_write_started.get_future().wait();
  for (int i = 1; i <= 10; ++i) EXPECT_TRUE(append(batcher, i, count));
  release_first_write.set_value();
  batcher.stop();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 10}));
  EXPECT_EQ(durable, 11);
}

TEST(VoteBatcher, BoundedQueueAndBatchesAndNothingAfterStop) {
  std::promise<void> started, release;
  auto go = release.get_future().share();
  std::vector<std::size_t> sizes;
  VoteBatcher batcher(5, 3, [&](const auto& batch, auto&) {
    sizes.push_back(batch.size());
    if (sizes.size() == 1) {
      started.set_value();
      go.wait();
    }
  });
  EXPECT_TRUE(append(batcher, 0, [](AppendStatus) {}));
  started.get_future().wait();
  int taken = 0;
  for (int i = 1; i <= 7; ++i) taken += append(batcher, i, [](AppendStatus) {});
  EXPECT_EQ(taken, 5);  // 5 fit, 2 refused
  release.set_value();
  batcher.stop();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 3, 2}));
  // A refused vote and its callback are left to the caller, untouched.
  auto late = vote(9);
  bool called = false;
  AppendCallback done = [&](AppendStatus) { called = true; };
  EXPECT_FALSE(batcher.append(late, done));
  EXPECT_EQ(late.vote_id, "v9");
  ASSERT_TRUE(done);
  EXPECT_FALSE(called);
}

TEST(VoteBatcher, RunsTheIdleTaskWhileNoVoteArrives) {
  std::atomic<int> idle{0};
  VoteBatcher batcher(
      5, 3, [](const auto&, auto&) {}, [&] { ++idle; }, std::chrono::milliseconds(1));
  const auto limit = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (idle < 3 && std::chrono::steady_clock::now() < limit) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  batcher.stop();
  EXPECT_GE(idle.load(), 3);
}

}  // namespace
}  // namespace paredao
