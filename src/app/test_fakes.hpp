#pragma once
// Fakes for the use-case tests: a clock that only moves when told, predictable ids, and a human
// check that accepts "ok:<challenge id>" bound to any poll.
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/ports/clock.hpp"
#include "app/ports/human_verifier.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/tracer.hpp"

namespace paredao::testing {

class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start) : now_(start) {}
  TimePoint now() const override { return now_; }
  void advance(std::chrono::milliseconds by) { now_ += by; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_;
};

class SequentialIds final : public IdGenerator {
 public:
  std::string vote_id(TimePoint) override { return "vote-" + std::to_string(++votes_); }
  std::string poll_id() override { return "poll-" + std::to_string(++polls_); }

 private:
  int votes_ = 0;
  int polls_ = 0;
};

class FakeVerifier final : public HumanVerifier {
 public:
  explicit FakeVerifier(const Clock& clock) : clock_(clock) {}
  std::string issue_challenge(std::string_view poll_id, TimePoint, std::uint32_t) override {
    return "challenge-for:" + std::string(poll_id);
  }
  Result<HumanProof> verify(std::string_view payload, std::string_view, TimePoint) const override {
    if (!payload.starts_with("ok:")) return Error{ErrorCode::kHumanCheckFailed, "bad"};
    return HumanProof{std::string(payload.substr(3)), clock_.now() + std::chrono::minutes(5)};
  }

 private:
  const Clock& clock_;
};

// Records every span: its name, parent and links; each gets a context of its own (span ids
// counting from 1, the parent's trace, or trace id 0xff.. + n for a new trace), sampled like
// its parent (a new trace: `sample_new`).
class FakeTracer final : public Tracer {
 public:
  struct Recorded {
    std::string name;
    SpanKind kind;
    TraceContext parent;
    std::vector<TraceContext> links;
    TraceContext context;
    std::vector<std::pair<std::string, std::string>> attributes;
    bool failed = false;
    bool ended = false;
  };

  std::unique_ptr<Span> start(std::string_view name, SpanKind kind, const TraceContext& parent,
                              std::span<const TraceContext> links) override {
    auto& span = spans.emplace_back();
    span.name = std::string(name);
    span.kind = kind;
    span.parent = parent;
    span.links.assign(links.begin(), links.end());
    ++count_;
    if (parent.valid()) {
      span.context.trace_id = parent.trace_id;
      span.context.sampled = parent.sampled;
    } else {
      span.context.trace_id[0] = 0xff;
      span.context.trace_id[15] = std::uint8_t(count_);
      span.context.sampled = sample_new;
    }
    span.context.span_id[7] = std::uint8_t(count_);
    return std::make_unique<FakeSpan>(*this, spans.size() - 1);
  }

  // The one recorded span named `name` (throws when there is none).
  const Recorded& named(std::string_view name) const {
    for (const auto& span : spans) {
      if (span.name == name) return span;
    }
    throw std::out_of_range("no span " + std::string(name));
  }

  std::vector<Recorded> spans;  // a vector: read once the spans ended
  bool sample_new = false;

 private:
  class FakeSpan final : public Span {
   public:
    FakeSpan(FakeTracer& tracer, std::size_t index) : tracer_(tracer), index_(index) {}
    ~FakeSpan() override { end(); }  // as the port says
    FakeSpan(const FakeSpan&) = delete;
    FakeSpan& operator=(const FakeSpan&) = delete;
    const TraceContext& context() const override { return tracer_.spans[index_].context; }
    void set_attribute(std::string_view key, std::string_view value) override {
      tracer_.spans[index_].attributes.emplace_back(key, value);
    }
    void set_attribute(std::string_view key, std::int64_t value) override {
      tracer_.spans[index_].attributes.emplace_back(key, std::to_string(value));
    }
    void set_error(std::string_view) override { tracer_.spans[index_].failed = true; }
    void end() override { tracer_.spans[index_].ended = true; }

   private:
    FakeTracer& tracer_;
    std::size_t index_;
  };
  int count_ = 0;
};

// A sampled context of trace `trace` (its last byte) and span `span`.
inline TraceContext sampled_context(std::uint8_t trace, std::uint8_t span) {
  TraceContext context;
  context.trace_id[15] = trace;
  context.span_id[7] = span;
  context.sampled = true;
  return context;
}

}  // namespace paredao::testing
