#include "adapters/amqp/amqp_batch_log.hpp"

#include "adapters/amqp/vote_batch_codec.hpp"

namespace paredao {

BatchFate AmqpBatchLog::write(const VoteBatch& batch) {
  switch (publisher_.publish(batch.batch_id, encode_vote_batch(batch))) {
    case amqp::PublishResult::kConfirmed:
      return BatchFate::kDurable;
    case amqp::PublishResult::kNotSent:
      return BatchFate::kNotDurable;
    case amqp::PublishResult::kInDoubt:
      break;
  }
  return BatchFate::kInDoubt;
}

}  // namespace paredao
