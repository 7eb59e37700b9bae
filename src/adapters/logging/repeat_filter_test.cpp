#include "adapters/logging/repeat_filter.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace paredao::log {
namespace {

using std::chrono::milliseconds;

struct Line {
  std::string event;
  boost::json::object fields;
};

class RepeatFilterTest : public ::testing::Test {
 protected:
  RepeatFilter filter{milliseconds(1000)};
  std::vector<Line> lines;
  RepeatFilter::Sink sink = [this](int, std::string_view event, boost::json::object fields) {
    lines.push_back({std::string(event), std::move(fields)});
  };
  RepeatFilter::Clock::time_point t0 = RepeatFilter::Clock::now();
};

// Regression: a full disk wrote one identical error line per failed batch (17,858 in 8 s).
TEST_F(RepeatFilterTest, AFloodIsOneLineThenOneSummaryPerInterval) {
  for (int i = 0; i < 10000; ++i) {
    filter.offer(3, "vote_batch_failed", {{"votes", i}}, t0 + milliseconds(i / 4), sink);
    filter.flush(t0 + milliseconds(i / 4), false, sink);
  }
  // 2.5 s of failures: the first line, then a summary after each full second.
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_FALSE(lines[0].fields.contains("repeated"));
  EXPECT_EQ(lines[1].fields.at("repeated").as_int64(), 3999) << "the rest of the first second";
  EXPECT_EQ(lines[2].fields.at("repeated").as_int64(), 4000);
  filter.flush(t0 + milliseconds(5000), true, sink);
  std::int64_t held = 0;
  for (std::size_t i = 1; i < lines.size(); ++i) held += lines[i].fields.at("repeated").as_int64();
  EXPECT_EQ(held, 9999) << "every line held back is counted in a summary";
  EXPECT_EQ(lines.back().fields.at("votes").as_int64(), 9999) << "the summary keeps the last";
}

TEST_F(RepeatFilterTest, DifferentSubjectsAreNotRepeatsOfEachOther) {
  filter.offer(3, "drift", {{"poll_id", "a"}, {"drift_votes", 1}}, t0, sink);
  filter.offer(3, "drift", {{"poll_id", "b"}, {"drift_votes", 1}}, t0, sink);
  filter.offer(3, "drift", {{"poll_id", "a"}, {"drift_votes", 2}}, t0, sink);
  EXPECT_EQ(lines.size(), 2u);
}

TEST_F(RepeatFilterTest, ManySubjectsShareOneKindPastTheBound) {
  for (std::size_t i = 0; i < RepeatFilter::kMaxKinds + 500; ++i) {
    filter.offer(2, "connection_refused", {{"network", std::to_string(i)}}, t0, sink);
  }
  // One line per subject up to the bound, then one for all the others.
  EXPECT_EQ(lines.size(), RepeatFilter::kMaxKinds + 1);
}

TEST_F(RepeatFilterTest, ALineAfterAQuietIntervalIsWrittenAtOnce) {
  filter.offer(2, "redis_unreachable", {}, t0, sink);
  filter.flush(t0 + milliseconds(1500), false, sink);
  filter.offer(2, "redis_unreachable", {}, t0 + milliseconds(3000), sink);
  EXPECT_EQ(lines.size(), 2u);
  EXPECT_FALSE(lines[1].fields.contains("repeated"));
}

}  // namespace
}  // namespace paredao::log
