#pragma once
#include "adapters/amqp/amqp_publisher.hpp"
#include "app/ports/batch_log.hpp"
#include "app/ports/tracer.hpp"

namespace paredao {

// The distributed BatchLog: a batch is one persistent message (message_id = batch id) on the
// vote queue, durable once the broker confirmed it. Certainly not sent (refused write, returned
// as unroutable): kNotDurable. Sent and then a nack, a lost connection or no confirm in time:
// kInDoubt (it may be in the queue; the pipeline settles it). While the broker blocks publishers
// (a memory or disk alarm) nothing is sent: kNotDurable at once. Blocking; one thread at a time.
// Each write is a span ("publish", a child of the batch's), whose context the message carries in
// its `traceparent` header to the worker.
class AmqpBatchLog final : public BatchLog {
 public:
  AmqpBatchLog(amqp::ConfirmedPublisher& publisher, Tracer& tracer)
      : publisher_(publisher), tracer_(tracer) {}

  BatchFate write(const VoteBatch& batch) override;
  void idle() override { publisher_.poll(); }

 private:
  amqp::ConfirmedPublisher& publisher_;
  Tracer& tracer_;
};

}  // namespace paredao
