#pragma once
#include <atomic>
#include <chrono>
#include <functional>
#include <vector>

#include "adapters/amqp/amqp_publisher.hpp"
#include "app/ports/clock.hpp"
#include "app/ports/id_generator.hpp"
#include "app/ports/replay_guard.hpp"
#include "app/ports/vote_history.hpp"
#include "app/ports/vote_log.hpp"
#include "app/vote_batcher.hpp"

namespace paredao {

struct AmqpVoteLogSettings {
  std::size_t max_pending = 100000;  // votes waiting beyond this are refused (back-pressure)
  std::size_t max_batch = 5000;      // votes per message at most
  // How long a batch in doubt may wait for the history to settle it before its voters get no
  // answer at all.
  std::chrono::milliseconds settle_limit{10000};
};

// What one batch did, for metrics.
struct PublishReport {
  std::size_t votes = 0;
  double seconds = 0;
  bool confirmed = false;
};

// The distributed VoteLog. One publisher thread group-commits: every vote queued while the
// previous batch was in flight goes into the next one. Per batch, in one round trip each: burn
// the challenges in the shared replay guard (a challenge already used on any api copy is
// kDuplicate), then publish the rest as one persistent message and wait for the broker's
// confirm. Only then are the votes kDurable. A batch certainly not in the queue is kUnavailable.
// A batch in doubt (sent, not confirmed: it may be in the queue) is settled in the history: it is
// cancelled there unless a worker recorded it already — so the answer is kUnavailable only when
// the votes can never count, and kDurable when they did. A history out of reach for too long
// leaves them kInDoubt. A batch published twice is recorded once.
class AmqpVoteLog final : public VoteLog {
 public:
  using BatchObserver = std::function<void(const PublishReport&)>;

  // `history` is used by the publisher thread only (to settle batches in doubt).
  AmqpVoteLog(amqp::ConfirmedPublisher& publisher, SharedReplayGuard& replay_guard,
              VoteHistory& history, IdGenerator& ids, const Clock& clock,
              AmqpVoteLogSettings settings, BatchObserver observer = {});
  ~AmqpVoteLog() override;

  void append(AcceptedVote vote, AppendCallback done) override;
  bool healthy() const override { return healthy_.load(); }
  // Whether the last batch reached the replay guard's store (Redis) and the broker.
  bool guard_healthy() const { return guard_healthy_.load(); }

  // Publishes every vote already queued, then stops; later appends are kUnavailable.
  void stop();

 private:
  // The batcher's writer: burn, publish, confirm (or settle) one batch.
  void write_batch(std::vector<VoteBatcher::Pending>& batch, std::vector<AppendStatus>& statuses);
  // The fate of a batch whose publication is in doubt.
  AppendStatus settle(const std::string& batch_id);

  amqp::ConfirmedPublisher& publisher_;
  SharedReplayGuard& replay_guard_;
  VoteHistory& history_;
  IdGenerator& ids_;
  const Clock& clock_;
  const std::chrono::milliseconds settle_limit_;
  BatchObserver observer_;
  std::atomic<bool> healthy_{true};
  std::atomic<bool> guard_healthy_{true};
  VoteBatcher batcher_;  // last: its thread publishes through everything above
};

}  // namespace paredao
