#include "app/poll_admin.hpp"

#include <gtest/gtest.h>

#include "adapters/memory/memory_poll_repository.hpp"
#include "app/poll_queries.hpp"
#include "app/test_fakes.hpp"

namespace paredao {
namespace {

using std::chrono::seconds;

class PollAdminTest : public ::testing::Test {
 protected:
  NewPoll request(std::string id) {
    return NewPoll{.id = id, .title = "T", .candidates = {{.name = "A"}, {.name = "B"}}};
  }
  testing::FakeClock clock{*parse_rfc3339("2026-11-25T22:00:00Z")};
  testing::SequentialIds ids;
  MemoryPollRepository repository;
  PollCatalog catalog;
  PollAdmin admin{repository, catalog, clock, ids};
  PollQueries queries{catalog, clock};
};

TEST_F(PollAdminTest, CreatesDraftsAndRefusesExistingIds) {
  const auto created = admin.create(request("x"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created.value().status, PollStatus::kDraft);
  EXPECT_EQ(admin.create(request("x")).error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(repository.load_all().size(), 1u);
}

TEST_F(PollAdminTest, GeneratesAnIdWhenNoneIsGiven) {
  auto without_id = request("x");
  without_id.id.reset();
  EXPECT_EQ(admin.create(without_id).value().poll->id, "poll-1");
}

TEST_F(PollAdminTest, InvalidRequestsNameTheField) {
  auto bad = request("x");
  bad.candidates.pop_back();
  const auto result = admin.create(bad);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidRequest);
  EXPECT_EQ(result.error().detail.rfind("candidates", 0), 0u);
}

TEST_F(PollAdminTest, LifecycleIsDraftOpenClosedOnly) {
  ASSERT_TRUE(admin.create(request("x")).ok());
  EXPECT_EQ(admin.close("x").error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(admin.open("x").value().status, PollStatus::kOpen);
  EXPECT_EQ(admin.open("x").error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(admin.close("x").value().status, PollStatus::kClosed);
  EXPECT_EQ(admin.open("x").error().code, ErrorCode::kInvalidTransition);
  EXPECT_EQ(admin.open("nope").error().code, ErrorCode::kNotFound);
  EXPECT_EQ(repository.load_all()[0].stored_status, PollStatus::kClosed);
}

TEST_F(PollAdminTest, RepositoryFailureChangesNothing) {
  ASSERT_TRUE(admin.create(request("x")).ok());
  repository.fail = true;
  EXPECT_EQ(admin.open("x").error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(queries.get("x").value().status, PollStatus::kDraft);
}

TEST_F(PollAdminTest, ListsOpenThenClosedNewestFirstAndDraftsOnlyForAdmins) {
  for (const char* id : {"d", "c1", "o1", "c2", "o2"}) {
    ASSERT_TRUE(admin.create(request(id)).ok());
    clock.advance(seconds(1));
  }
  for (const char* id : {"c1", "o1", "c2", "o2"}) ASSERT_TRUE(admin.open(id).ok());
  ASSERT_TRUE(admin.close("c1").ok());
  ASSERT_TRUE(admin.close("c2").ok());
  std::vector<std::string> order;
  for (const auto& view : queries.list(false)) order.push_back(view.poll->id);
  EXPECT_EQ(order, (std::vector<std::string>{"o2", "o1", "c2", "c1"}));
  EXPECT_EQ(queries.list(true).size(), 5u);
}

}  // namespace
}  // namespace paredao
