#include "adapters/system/random_ids.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "domain/ids.hpp"

namespace paredao {
namespace {

TEST(RandomIds, VoteIdsAreUuidV7OrderedByTime) {
  RandomIdGenerator ids;
  const auto t = *parse_rfc3339("2026-11-25T20:00:00Z");
  const auto first = ids.vote_id(t);
  const auto later = ids.vote_id(t + std::chrono::milliseconds(1));
  const std::regex uuid7("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  EXPECT_TRUE(std::regex_match(first, uuid7)) << first;
  EXPECT_LT(first, later);
  EXPECT_TRUE(is_valid_id(first));
}

TEST(RandomIds, DoNotRepeat) {
  RandomIdGenerator ids;
  std::set<std::string> seen;
  const auto t = *parse_rfc3339("2026-11-25T20:00:00Z");
  for (int i = 0; i < 10000; ++i) EXPECT_TRUE(seen.insert(ids.vote_id(t)).second);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(is_valid_id(ids.poll_id()));
}

}  // namespace
}  // namespace paredao
