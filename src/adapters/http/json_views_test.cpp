#include "adapters/http/json_views.hpp"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace paredao::http {
namespace {

const TimePoint kAsOf = *parse_rfc3339("2026-11-25T20:00:00.700Z");

std::shared_ptr<const Poll> sample_poll() {
  return std::make_shared<const Poll>(
      Poll{.id = "p",
           .title = "Paredão \"1\"",
           .candidates = {{"a", "Ana \"A\"", {}}, {"b", "Bia", "u"}}});
}

TEST(JsonViews, ResultsHaveTwoDecimalsAndEscapedNames) {
  const ResultsView view{sample_poll(), PollStatus::kOpen, kAsOf, {3330, 6670}};
  const auto text = results_json(view);
  EXPECT_NE(text.find(R"("percent":33.30)"), std::string::npos) << text;
  const auto parsed = boost::json::parse(text);
  EXPECT_EQ(parsed.at("as_of"), "2026-11-25T20:00:00Z");
  EXPECT_EQ(parsed.at("candidates").at(0).at("name"), "Ana \"A\"");
  EXPECT_DOUBLE_EQ(parsed.at("candidates").at(1).at("percent").to_number<double>(), 66.7);
}

TEST(JsonViews, ResultsAreWrittenAfreshWhenAnythingInThemChanges) {
  // Each I/O thread reuses the last results document it wrote; it must never serve a stale one.
  const auto poll = sample_poll();
  const ResultsView first{poll, PollStatus::kOpen, kAsOf, {3330, 6670}};
  EXPECT_EQ(results_json(first), results_json(first));
  auto percent_of_a = [](const std::string& text) {
    return boost::json::parse(text).at("candidates").at(0).at("percent").to_number<double>();
  };
  EXPECT_DOUBLE_EQ(percent_of_a(results_json({poll, PollStatus::kOpen, kAsOf, {5000, 5000}})), 50);
  EXPECT_EQ(boost::json::parse(results_json({poll, PollStatus::kClosed, kAsOf, {5000, 5000}}))
                .at("status"),
            "closed");
  EXPECT_EQ(
      boost::json::parse(
          results_json({poll, PollStatus::kClosed, kAsOf + std::chrono::seconds(1), {5000, 5000}}))
          .at("as_of"),
      "2026-11-25T20:00:01Z");
  // Same counts, another poll (a renamed candidate is a new Poll object).
  auto renamed = std::make_shared<const Poll>(
      Poll{.id = "p", .candidates = {{"a", "Ana Clara", {}}, {"b", "Bia", {}}}});
  EXPECT_EQ(boost::json::parse(
                results_json(
                    {renamed, PollStatus::kClosed, kAsOf + std::chrono::seconds(1), {5000, 5000}}))
                .at("candidates")
                .at(0)
                .at("name"),
            "Ana Clara");
  EXPECT_DOUBLE_EQ(percent_of_a(results_json(first)), 33.3);
}

TEST(JsonViews, PollListsCandidatesWithNullPhotos) {
  const auto parsed = boost::json::parse(poll_json(*sample_poll(), PollStatus::kDraft));
  EXPECT_EQ(parsed.at("status"), "draft");
  EXPECT_TRUE(parsed.at("opens_at").is_null());
  EXPECT_TRUE(parsed.at("candidates").at(0).at("photo_url").is_null());
  EXPECT_EQ(parsed.at("candidates").at(1).at("photo_url"), "u");
}

TEST(JsonViews, ReceiptWithHiddenResults) {
  const VoteReceipt receipt{"v", sample_poll(), "a", kAsOf, std::nullopt};
  const auto parsed = boost::json::parse(receipt_json(receipt));
  EXPECT_TRUE(parsed.at("results").is_null());
  EXPECT_EQ(parsed.at("accepted_at"), "2026-11-25T20:00:00Z");
}

TEST(JsonViews, StatsListEveryCandidateInEveryHour) {
  StatsView stats{sample_poll(), PollStatus::kOpen, kAsOf, {}};
  stats.counts = PollCounts{.total = 2,
                            .by_candidate = {2, 0},
                            .by_hour = {{*parse_rfc3339("2026-11-25T19:00:00Z"), 2, {2, 0}}},
                            .quarantined = 3,
                            .voided = 1,
                            .quarantined_by_candidate = {1, 2},
                            .voided_by_candidate = {0, 1}};
  const auto parsed = boost::json::parse(stats_json(stats));
  EXPECT_EQ(parsed.at("total"), 2);
  EXPECT_EQ(parsed.at("quarantined"), 3);
  EXPECT_EQ(parsed.at("voided"), 1);
  EXPECT_EQ(parsed.at("by_candidate").at(1).at("quarantined"), 2);
  EXPECT_EQ(parsed.at("by_candidate").at(1).at("voided"), 1);
  EXPECT_EQ(parsed.at("by_candidate").at(1).at("votes"), 0);
  EXPECT_EQ(parsed.at("by_hour").at(0).at("hour"), "2026-11-25T19:00:00Z");
  EXPECT_EQ(parsed.at("by_hour").at(0).at("by_candidate").at(1).at("candidate_id"), "b");
}

}  // namespace
}  // namespace paredao::http

namespace paredao::http {
namespace {

TEST(JsonViews, EscapesQuotesBackslashesAndControlCharactersInNames) {
  auto poll = std::make_shared<const Poll>(
      Poll{.id = "p", .candidates = {{"a", "A\\\"\n\x01 é", {}}, {"b", "B", {}}}});
  const ResultsView view{poll, PollStatus::kOpen, kAsOf, {5000, 5000}};
  const auto parsed = boost::json::parse(results_json(view));
  EXPECT_EQ(parsed.at("candidates").at(0).at("name"), "A\\\"\n\x01 é");
}

}  // namespace
}  // namespace paredao::http
