#include "app/read_results.hpp"

#include <gtest/gtest.h>

#include "adapters/memory/memory_tally_store.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

TEST(ReadResults, ComeFromTheSnapshotNotTheLiveStore) {
  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  PollCatalog catalog;
  catalog.put(Poll{.id = "p",
                   .stored_status = PollStatus::kOpen,
                   .candidates = {{"a", "A", {}}, {"b", "B", {}}, {"c", "C", {}}}});
  MemoryTallyStore store;
  TallySnapshots snapshots(store, clock);
  ReadResults reader(catalog, snapshots, clock);

  const std::vector<TallyDelta> deltas{{"p", "a", 0, 1}, {"p", "b", 0, 1}, {"p", "c", 0, 1}};
  store.apply(deltas);
  EXPECT_EQ(reader.stats("p").value().counts.total, 0);  // not yet refreshed
  clock.advance(std::chrono::seconds(1));
  snapshots.refresh();
  const auto results = reader.results("p");
  ASSERT_TRUE(results.ok());
  EXPECT_EQ(results.value().percent_hundredths, (std::vector<std::int64_t>{3334, 3333, 3333}));
  EXPECT_EQ(results.value().as_of, clock.now());
  EXPECT_EQ(reader.stats("p").value().counts.total, 3);
  EXPECT_EQ(reader.results("x").error().code, ErrorCode::kNotFound);
}

TEST(ReadResults, HiddenPartialsAreForbiddenUntilClosed) {
  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  PollCatalog catalog;
  catalog.put(Poll{.id = "p",
                   .stored_status = PollStatus::kOpen,
                   .show_partial_results = false,
                   .candidates = {{"a", "A", {}}, {"b", "B", {}}}});
  MemoryTallyStore store;
  TallySnapshots snapshots(store, clock);
  ReadResults reader(catalog, snapshots, clock);
  EXPECT_EQ(reader.results("p").error().code, ErrorCode::kResultsHidden);
  EXPECT_TRUE(reader.stats("p").ok());
  catalog.put(Poll{.id = "p",
                   .stored_status = PollStatus::kClosed,
                   .show_partial_results = false,
                   .candidates = {{"a", "A", {}}, {"b", "B", {}}}});
  EXPECT_TRUE(reader.results("p").ok());
}

TEST(ReadResults, TheAgeOfTheCountsGrowsUntilTheSnapshotIsRefreshed) {
  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  PollCatalog catalog;
  MemoryTallyStore store;
  TallySnapshots snapshots(store, clock);
  ReadResults reader(catalog, snapshots, clock);
  EXPECT_EQ(reader.counts_age().count(), 0.0);
  clock.advance(std::chrono::milliseconds(5500));
  EXPECT_DOUBLE_EQ(reader.counts_age().count(), 5.5);
  snapshots.refresh();
  EXPECT_EQ(reader.counts_age().count(), 0.0);
}

}  // namespace
}  // namespace paredao
