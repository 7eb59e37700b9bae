#include "adapters/sqlite/sqlite_poll_repository.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

namespace paredao {
namespace {

namespace fs = std::filesystem;

TEST(SqlitePollRepository, StoresPollsWithCandidatesInOrder) {
  const auto dir = fs::temp_directory_path() / ("paredao-polls-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  Poll poll{.id = "p1",
            .title = "Paredão",
            .candidates = {{"z", "Zé", "https://x/z.jpg"}, {"a", "Ana", std::nullopt}}};
  poll.opens_at = *parse_rfc3339("2026-11-25T20:00:00Z");
  poll.created_at = *parse_rfc3339("2026-11-25T19:00:00.123Z");
  {
    SqlitePollRepository repository(dir / "db");
    EXPECT_EQ(repository.insert(poll), StoreStatus::kOk);
    EXPECT_EQ(repository.insert(poll), StoreStatus::kConflict);
    poll.stored_status = PollStatus::kOpen;
    EXPECT_EQ(repository.update(poll), StoreStatus::kOk);
  }
  SqlitePollRepository reopened(dir / "db");
  const auto polls = reopened.load_all();
  ASSERT_EQ(polls.size(), 1u);
  EXPECT_EQ(polls[0].stored_status, PollStatus::kOpen);
  EXPECT_EQ(polls[0].opens_at, poll.opens_at);
  EXPECT_FALSE(polls[0].closes_at);
  EXPECT_EQ(polls[0].created_at, poll.created_at);
  ASSERT_EQ(polls[0].candidates.size(), 2u);
  EXPECT_EQ(polls[0].candidates[0].id, "z");
  EXPECT_EQ(polls[0].candidates[0].photo_url, "https://x/z.jpg");
  EXPECT_EQ(polls[0].candidates[1].name, "Ana");
  EXPECT_FALSE(polls[0].candidates[1].photo_url);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace paredao
