#include "adapters/tracing/traceparent.hpp"

#include <gtest/gtest.h>

namespace paredao {
namespace {

constexpr std::string_view kExample = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(Traceparent, ReadsTheSpecificationsExampleAndWritesItBack) {
  const auto context = parse_traceparent(kExample);
  ASSERT_TRUE(context);
  EXPECT_TRUE(context->sampled);
  EXPECT_EQ(trace_id_hex(*context), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(span_id_hex(*context), "00f067aa0ba902b7");
  EXPECT_EQ(format_traceparent(*context), kExample);
  const auto unsampled =
      parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(unsampled);
  EXPECT_FALSE(unsampled->sampled);
}

TEST(Traceparent, IgnoresWhatTheSpecificationSaysToIgnore) {
  for (const auto* text : {
           "",
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7",        // no flags
           "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",     // upper case
           "00-4bf92f3577b34da6a3ce929d0e0e473g-00f067aa0ba902b7-01",     // not hex
           "00-00000000000000000000000000000000-00f067aa0ba902b7-01",     // no trace
           "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",     // no parent span
           "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // version ff
           "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-xx",  // 00 has no more
           "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",     // separator
       }) {
    EXPECT_FALSE(parse_traceparent(text)) << text;
  }
}

TEST(Traceparent, AcceptsALaterVersionsExtraFields) {
  const auto context =
      parse_traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-what-next");
  ASSERT_TRUE(context);
  EXPECT_EQ(format_traceparent(*context), kExample);  // written as version 00
}

TEST(Traceparent, WritesNothingForNoContext) { EXPECT_EQ(format_traceparent({}), ""); }

}  // namespace
}  // namespace paredao
