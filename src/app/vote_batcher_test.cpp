#include "app/vote_batcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace paredao {
namespace {

AcceptedVote vote(int n) { return AcceptedVote{.vote_id = "v" + std::to_string(n)}; }

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
  batcher.append(vote(0), count);
  first_write_started.get_future().wait();
  for (int i = 1; i <= 10; ++i) batcher.append(vote(i), count);
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
  std::vector<AppendStatus> refused;
  const auto keep = [&](AppendStatus s) { if (s == AppendStatus::kUnavailable) refused.push_back(s); };
  batcher.append(vote(0), [](AppendStatus) {});
  started.get_future().wait();
  for (int i = 1; i <= 7; ++i) batcher.append(vote(i), [](AppendStatus) {});  // 5 fit, 2 refused
  release.set_value();
  batcher.stop();
  EXPECT_EQ(sizes, (std::vector<std::size_t>{1, 3, 2}));
  batcher.append(vote(9), keep);
  EXPECT_EQ(refused.size(), 1u);
}

}  // namespace
}  // namespace paredao
