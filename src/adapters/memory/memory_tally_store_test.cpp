#include "adapters/memory/memory_tally_store.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace paredao {
namespace {

TEST(MemoryTallyStore, AddsDeltasFromManyThreads) {
  MemoryTallyStore store;
  std::vector<std::thread> threads;
  threads.reserve(4);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      const TallyDelta delta{"p", "a", 3600, 1};
      for (int i = 0; i < 1000; ++i) store.apply(std::span(&delta, 1));
    });
  }
  for (auto& thread : threads) thread.join();
  const auto all = store.read_all();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->at("p").by_candidate.at("a"), 4000);
  EXPECT_EQ(all->at("p").by_hour.at(3600).at("a"), 4000);
}

}  // namespace
}  // namespace paredao
