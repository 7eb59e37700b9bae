#include "adapters/tracing/otel_tracer.hpp"

#include <gtest/gtest.h>

#include "adapters/tracing/traceparent.hpp"

namespace paredao {
namespace {

TEST(OtelTracer, AChildKeepsItsParentsTraceAndSampling) {
  OtelTracer tracer({.service = "test", .endpoint = std::nullopt, .sample_ratio = 0});
  const auto parent = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  ASSERT_TRUE(parent);
  const auto span = tracer.start("child", SpanKind::kServer, *parent);
  EXPECT_EQ(span->context().trace_id, parent->trace_id);
  EXPECT_NE(span->context().span_id, parent->span_id);
  EXPECT_TRUE(span->context().sampled) << "a sampled parent is followed whatever the ratio";
}

TEST(OtelTracer, AnUnsampledChildKeepsItsParentsTraceWithASpanOfItsOwn) {
  OtelTracer tracer({.service = "test", .endpoint = std::nullopt, .sample_ratio = 1});
  const auto parent = parse_traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
  ASSERT_TRUE(parent);
  const auto span = tracer.start("child", SpanKind::kInternal, *parent);
  EXPECT_EQ(span->context().trace_id, parent->trace_id);
  EXPECT_TRUE(span->context().valid());
  EXPECT_NE(span->context().span_id, parent->span_id);
  EXPECT_FALSE(span->context().sampled) << "a parent not sampled is followed whatever the ratio";
}

TEST(OtelTracer, ARootSpanGetsATraceOfItsOwnSampledAtTheRatio) {
  OtelTracer never({.service = "test", .endpoint = std::nullopt, .sample_ratio = 0});
  OtelTracer always({.service = "test", .endpoint = std::nullopt, .sample_ratio = 1});
  const auto a = never.start("root", SpanKind::kServer, {});
  const auto b = never.start("root", SpanKind::kServer, {});
  EXPECT_TRUE(a->context().valid()) << "log lines carry it even when it is not exported";
  EXPECT_NE(a->context().trace_id, b->context().trace_id);
  EXPECT_FALSE(a->context().sampled);
  EXPECT_TRUE(always.start("root", SpanKind::kServer, {})->context().sampled);
  // At 0.5, about half of many new traces.
  OtelTracer half({.service = "test", .endpoint = std::nullopt, .sample_ratio = 0.5});
  int sampled = 0;
  for (int i = 0; i < 2000; ++i)
    sampled += half.start("root", SpanKind::kServer, {})->context().sampled;
  EXPECT_GT(sampled, 800);
  EXPECT_LT(sampled, 1200);
}

}  // namespace
}  // namespace paredao
