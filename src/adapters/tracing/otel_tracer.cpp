#include "adapters/tracing/otel_tracer.hpp"

#include <opentelemetry/context/context.h>
#include <opentelemetry/exporters/otlp/otlp_http_exporter_factory.h>
#include <opentelemetry/exporters/otlp/otlp_http_exporter_options.h>
#include <opentelemetry/sdk/common/global_log_handler.h>
#include <opentelemetry/sdk/resource/resource.h>
#include <opentelemetry/sdk/trace/batch_span_processor_factory.h>
#include <opentelemetry/sdk/trace/batch_span_processor_options.h>
#include <opentelemetry/sdk/trace/samplers/always_on_factory.h>
#include <opentelemetry/sdk/trace/tracer_provider.h>
#include <opentelemetry/sdk/trace/tracer_provider_factory.h>
#include <opentelemetry/trace/span_context.h>
#include <opentelemetry/trace/span_metadata.h>
#include <opentelemetry/trace/span_startoptions.h>

#include <algorithm>
#include <map>
#include <random>
#include <utility>
#include <vector>

#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

namespace otel = opentelemetry;
namespace sdktrace = opentelemetry::sdk::trace;

otel::nostd::string_view text(std::string_view view) { return {view.data(), view.size()}; }

otel::trace::SpanContext to_otel(const TraceContext& context) {
  return {otel::trace::TraceId(context.trace_id), otel::trace::SpanId(context.span_id),
          otel::trace::TraceFlags(context.sampled ? otel::trace::TraceFlags::kIsSampled : 0),
          /*is_remote=*/true};
}

TraceContext from_otel(const otel::trace::SpanContext& context) {
  TraceContext out;
  const auto trace_id = context.trace_id().Id();
  const auto span_id = context.span_id().Id();
  std::copy(trace_id.begin(), trace_id.end(), out.trace_id.begin());
  std::copy(span_id.begin(), span_id.end(), out.span_id.begin());
  out.sampled = context.IsSampled();
  return out;
}

otel::trace::SpanKind to_otel(SpanKind kind) {
  switch (kind) {
    case SpanKind::kServer:
      return otel::trace::SpanKind::kServer;
    case SpanKind::kClient:
      return otel::trace::SpanKind::kClient;
    case SpanKind::kProducer:
      return otel::trace::SpanKind::kProducer;
    case SpanKind::kConsumer:
      return otel::trace::SpanKind::kConsumer;
    case SpanKind::kInternal:
      break;
  }
  return otel::trace::SpanKind::kInternal;
}

class OtelSpan final : public Span {
 public:
  explicit OtelSpan(otel::nostd::shared_ptr<otel::trace::Span> span)
      : span_(std::move(span)), context_(from_otel(span_->GetContext())) {}
  ~OtelSpan() override { end(); }
  OtelSpan(const OtelSpan&) = delete;
  OtelSpan& operator=(const OtelSpan&) = delete;

  const TraceContext& context() const override { return context_; }
  void set_attribute(std::string_view key, std::string_view value) override {
    if (context_.sampled) span_->SetAttribute(text(key), text(value));
  }
  void set_attribute(std::string_view key, std::int64_t value) override {
    if (context_.sampled) span_->SetAttribute(text(key), value);
  }
  void set_error(std::string_view description) override {
    span_->SetStatus(otel::trace::StatusCode::kError, text(description));
  }
  void end() override {
    if (ended_) return;
    ended_ = true;
    span_->End();
  }

 private:
  otel::nostd::shared_ptr<otel::trace::Span> span_;
  TraceContext context_;
  bool ended_ = false;
};

// The SDK's own complaints (an export that failed) as our log lines, aggregated like any other.
class LogHandler final : public otel::sdk::common::internal_log::LogHandler {
 public:
  void Handle(otel::sdk::common::internal_log::LogLevel level, const char* /*file*/, int /*line*/,
              const char* message,
              const otel::sdk::common::AttributeMap& /*attributes*/) noexcept override {
    using otel::sdk::common::internal_log::LogLevel;
    if (level != LogLevel::Error && level != LogLevel::Warning) return;
    try {
      log::warn("tracing_export", {{"detail", message ? message : ""}});
    } catch (...) {  // NOLINT(bugprone-empty-catch): a log line must never throw into the SDK
    }
  }
};

// At most this many links on a span (a batch links the traces of its votes).
constexpr std::size_t kMaxLinks = 64;

// This thread's generator of ids and sampling draws, seeded once from 256 bits of the system's
// entropy (one 32-bit seed would give every thread one of only 2^32 streams: two threads of the
// fleet on the same one would write the same ids).
std::mt19937_64& thread_random() {
  thread_local std::mt19937_64 random = [] {
    std::random_device entropy;
    std::seed_seq seed{entropy(), entropy(), entropy(), entropy(),
                       entropy(), entropy(), entropy(), entropy()};
    return std::mt19937_64(seed);
  }();
  return random;
}

template <std::size_t N>
void fill_nonzero(std::array<std::uint8_t, N>& bytes) {
  do {
    for (std::size_t i = 0; i < N; i += 8) {
      auto value = thread_random()();
      for (std::size_t j = i; j < std::min(N, i + 8); ++j, value >>= 8) {
        bytes[j] = std::uint8_t(value);
      }
    }
  } while (std::all_of(bytes.begin(), bytes.end(), [](auto b) { return b == 0; }));
}

// A span that is not recorded: only its context, for the log lines and the children. Most spans
// are these (1 % sampled by default), so they never reach the SDK: one small allocation, no lock,
// a few random numbers.
class UnsampledSpan final : public Span {
 public:
  explicit UnsampledSpan(const TraceContext& parent) {
    if (parent.valid()) {
      context_.trace_id = parent.trace_id;
    } else {
      fill_nonzero(context_.trace_id);
    }
    fill_nonzero(context_.span_id);
    context_.sampled = false;
  }
  const TraceContext& context() const override { return context_; }
  void set_attribute(std::string_view, std::string_view) override {}
  void set_attribute(std::string_view, std::int64_t) override {}
  void set_error(std::string_view) override {}
  void end() override {}

 private:
  TraceContext context_;
};

}  // namespace

struct OtelTracer::Impl {
  std::shared_ptr<sdktrace::TracerProvider> provider;
  otel::nostd::shared_ptr<otel::trace::Tracer> tracer;
  double sample_ratio = 0;
};

OtelTracer::OtelTracer(const TracingSettings& settings) : impl_(std::make_unique<Impl>()) {
  otel::sdk::common::internal_log::GlobalLogHandler::SetLogHandler(
      otel::nostd::shared_ptr<otel::sdk::common::internal_log::LogHandler>(new LogHandler));
  otel::sdk::common::internal_log::GlobalLogHandler::SetLogLevel(
      otel::sdk::common::internal_log::LogLevel::Warning);
  std::vector<std::unique_ptr<sdktrace::SpanProcessor>> processors;
  if (settings.endpoint) {
    otel::exporter::otlp::OtlpHttpExporterOptions options;
    options.url = *settings.endpoint;
    options.timeout = std::chrono::seconds(2);
    sdktrace::BatchSpanProcessorOptions batching;
    batching.schedule_delay_millis = std::chrono::milliseconds(1000);
    // Dropped past it, never blocking a vote. Bounded so that a stop with a silent backend
    // drains in seconds (its queue is exported before the process exits: 8 exports of 2 s).
    batching.max_queue_size = 4096;
    processors.push_back(sdktrace::BatchSpanProcessorFactory::Create(
        otel::exporter::otlp::OtlpHttpExporterFactory::Create(options), batching));
  }
  const auto resource = otel::sdk::resource::Resource::Create({{"service.name", settings.service}});
  // The sampling is decided before the SDK is asked (start()): it records whatever reaches it.
  auto sampler = sdktrace::AlwaysOnSamplerFactory::Create();
  impl_->sample_ratio = settings.sample_ratio;
  impl_->provider = std::shared_ptr<sdktrace::TracerProvider>(
      sdktrace::TracerProviderFactory::Create(std::move(processors), resource, std::move(sampler)));
  impl_->tracer = impl_->provider->GetTracer("paredao");
}

OtelTracer::~OtelTracer() {
  impl_->provider->ForceFlush(std::chrono::seconds(3));
  impl_->provider->Shutdown(std::chrono::seconds(3));
}

std::unique_ptr<Span> OtelTracer::start(std::string_view name, SpanKind kind,
                                        const TraceContext& parent,
                                        std::span<const TraceContext> links) {
  // Parent-based: a child is sampled when its parent is; a new trace at the ratio.
  const bool sampled = parent.valid()
                           ? parent.sampled
                           : impl_->sample_ratio > 0 &&
                                 double(thread_random()() >> 11) * 0x1.0p-53 < impl_->sample_ratio;
  if (!sampled) return std::make_unique<UnsampledSpan>(parent);
  otel::trace::StartSpanOptions options;
  options.kind = to_otel(kind);
  if (parent.valid()) {
    options.parent = to_otel(parent);
  } else {
    options.parent = otel::context::Context{otel::trace::kIsRootSpanKey, true};
  }
  std::vector<std::pair<otel::trace::SpanContext, std::map<std::string, std::string>>> linked;
  linked.reserve(std::min(links.size(), kMaxLinks));
  for (const auto& link : links) {
    if (linked.size() == kMaxLinks) break;
    if (link.valid()) linked.emplace_back(to_otel(link), std::map<std::string, std::string>{});
  }
  return std::make_unique<OtelSpan>(
      impl_->tracer->StartSpan(text(name), std::map<std::string, std::string>{}, linked, options));
}

}  // namespace paredao
