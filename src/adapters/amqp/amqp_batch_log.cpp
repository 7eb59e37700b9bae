#include "adapters/amqp/amqp_batch_log.hpp"

#include "adapters/amqp/vote_batch_codec.hpp"
#include "adapters/logging/json_log.hpp"
#include "adapters/tracing/traceparent.hpp"

namespace paredao {
namespace {

BatchFate fate_of(amqp::PublishResult result) {
  switch (result) {
    case amqp::PublishResult::kConfirmed:
      return BatchFate::kDurable;
    case amqp::PublishResult::kNotSent:
      return BatchFate::kNotDurable;
    case amqp::PublishResult::kInDoubt:
      break;
  }
  return BatchFate::kInDoubt;
}

}  // namespace

BatchFate AmqpBatchLog::write(const VoteBatch& batch) {
  const auto span = tracer_.start("publish votes", SpanKind::kProducer, batch.trace);
  span->set_attribute("messaging.system", "rabbitmq");
  span->set_attribute("messaging.message.id", batch.batch_id);
  // Synchronous on the pipeline's thread: the publisher's log lines are this span's.
  const log::TraceScope scope(span->context());
  const auto fate = fate_of(publisher_.publish(batch.batch_id, encode_vote_batch(batch),
                                               format_traceparent(span->context())));
  if (fate != BatchFate::kDurable) span->set_error(fate_name(fate));
  return fate;
}

}  // namespace paredao
