#include "domain/time.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

TEST(Rfc3339, ParsesUtcAndOffsetsToTheSameInstant) {
  const auto utc = parse_rfc3339("2026-11-25T23:00:00Z");
  ASSERT_TRUE(utc);
  EXPECT_EQ(parse_rfc3339("2026-11-25T20:00:00-03:00"), utc);
  EXPECT_EQ(parse_rfc3339("2026-11-26T01:30:00+02:30"), utc);
  EXPECT_EQ(format_rfc3339(*utc), "2026-11-25T23:00:00Z");
}

TEST(Rfc3339, KeepsMillisecondsOfAFractionAndFormatsWholeSeconds) {
  const auto t = parse_rfc3339("2026-11-25T23:00:05.987654Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->time_since_epoch().count() % 1000, 987);
  EXPECT_EQ(format_rfc3339(*t), "2026-11-25T23:00:05Z");
  EXPECT_EQ(parse_rfc3339("2026-11-25T23:00:05.5Z")->time_since_epoch().count() % 1000, 500);
}

TEST(Rfc3339, RefusesMalformedOrImpossibleTimes) {
  for (const char* bad :
       {"", "2026-11-25", "2026-11-25T23:00:00", "2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z",
        "2026-11-25T23:00:00+0300", "2026-11-25T23:00:00.Z", "2026-11-25T23:00:00Zjunk",
        "not a time", "2026-13-01T00:00:00Z", "2026-11-25T23:00:00+24:00"}) {
    EXPECT_FALSE(parse_rfc3339(bad)) << bad;
  }
}

TEST(HourStart, TruncatesToTheUtcHour) {
  const auto t = *parse_rfc3339("2026-11-25T23:59:59.999Z");
  EXPECT_EQ(format_rfc3339(hour_start(t)), "2026-11-25T23:00:00Z");
  EXPECT_EQ(unix_seconds(hour_start(t)) % 3600, 0);
}

TEST(Rounding, FloorAndCeilToWholeSeconds) {
  const auto t = *parse_rfc3339("2026-11-25T23:00:05.250Z");
  EXPECT_EQ(format_rfc3339(floor_to_second(t)), "2026-11-25T23:00:05Z");
  EXPECT_EQ(format_rfc3339(ceil_to_second(t)), "2026-11-25T23:00:06Z");
  EXPECT_EQ(ceil_to_second(floor_to_second(t)), floor_to_second(t));
}

}  // namespace
}  // namespace paredao
