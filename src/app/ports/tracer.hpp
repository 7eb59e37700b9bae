#pragma once
// Tracing, as the use cases need it: spans with a parent and links, whose context travels with a
// vote (HTTP request → batch → queue message → worker). The adapter behind it
// (adapters/tracing/otel_tracer.hpp) speaks OpenTelemetry; the W3C `traceparent` text of a
// context is adapters/tracing/traceparent.hpp.
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

namespace paredao {

// A W3C Trace Context: which trace, which span in it, whether it is sampled (recorded and
// exported). All zeros is "none".
struct TraceContext {
  std::array<std::uint8_t, 16> trace_id{};
  std::array<std::uint8_t, 8> span_id{};
  bool sampled = false;

  bool valid() const {
    auto nonzero = [](const auto& bytes) {
      for (const auto byte : bytes) {
        if (byte != 0) return true;
      }
      return false;
    };
    return nonzero(trace_id) && nonzero(span_id);
  }
  bool operator==(const TraceContext&) const = default;
};

class Span {
 public:
  virtual ~Span() = default;
  // Valid even when the span is not sampled: log lines carry it all the same.
  virtual const TraceContext& context() const = 0;
  virtual void set_attribute(std::string_view key, std::string_view value) = 0;
  virtual void set_attribute(std::string_view key, std::int64_t value) = 0;
  // Marks the span as failed, with why.
  virtual void set_error(std::string_view description) = 0;
  // Ends it (once; the destructor ends a span not ended yet).
  virtual void end() = 0;
};

// The trace this thread works for now (a batch being made durable or recorded): the log lines it
// writes meanwhile carry its ids, so that one grep follows a vote across processes. For
// synchronous work only: a coroutine that suspends would lend it to whatever its thread runs
// next, so coroutines put the ids in their lines themselves. Scopes nest.
class TraceScope {
 public:
  explicit TraceScope(const TraceContext& context) : previous_(current_) { current_ = &context; }
  ~TraceScope() { current_ = previous_; }
  TraceScope(const TraceScope&) = delete;
  TraceScope& operator=(const TraceScope&) = delete;

  // The innermost scope's context on this thread, or nullptr.
  static const TraceContext* current() { return current_; }

 private:
  const TraceContext* previous_;
  static inline thread_local const TraceContext* current_ = nullptr;
};

enum class SpanKind { kInternal, kServer, kClient, kProducer, kConsumer };

// Thread-safe.
class Tracer {
 public:
  virtual ~Tracer() = default;
  // A span child of `parent` (a new trace when `parent` is not valid), linked to `links`.
  virtual std::unique_ptr<Span> start(std::string_view name, SpanKind kind,
                                      const TraceContext& parent,
                                      std::span<const TraceContext> links = {}) = 0;
};

}  // namespace paredao
