#pragma once
// The Tracer port on the OpenTelemetry C++ SDK (Debian's opentelemetry-cpp, decision 0015):
// parent-based sampling (a child follows its parent; a new trace is sampled at a ratio), sampled
// spans recorded by the SDK and exported with OTLP over HTTP (protobuf) in batches when an
// endpoint is set. An unsampled span never reaches the SDK: it only has a context (random ids),
// which the log lines carry.
#include <memory>
#include <optional>
#include <string>

#include "app/ports/tracer.hpp"

namespace paredao {

struct TracingSettings {
  std::string service;                  // service.name: paredao-api, paredao-worker, …
  std::optional<std::string> endpoint;  // OTLP/HTTP traces URL (…/v1/traces); none: no export
  double sample_ratio = 0.01;           // of the traces started here (0 to 1)
};

class OtelTracer final : public Tracer {
 public:
  explicit OtelTracer(const TracingSettings& settings);
  ~OtelTracer() override;  // exports what is left (seconds, even with a silent backend)
  OtelTracer(const OtelTracer&) = delete;
  OtelTracer& operator=(const OtelTracer&) = delete;

  std::unique_ptr<Span> start(std::string_view name, SpanKind kind, const TraceContext& parent,
                              std::span<const TraceContext> links = {}) override;

 private:
  struct Impl;  // the SDK's provider and tracer, kept out of every other translation unit
  std::unique_ptr<Impl> impl_;
};

}  // namespace paredao
