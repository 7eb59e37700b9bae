#pragma once
// Group commit, the part every VoteLog shares: append() only queues; one thread of the batcher
// takes everything queued and hands it to the log's writer as one batch; while that batch is being
// made durable the next one accumulates, so batches grow with the load and there is no timer.
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "app/ports/vote_log.hpp"

namespace paredao {

class VoteBatcher {
 public:
  struct Pending {
    AcceptedVote vote;
    AppendCallback done;
  };
  // Makes `batch` durable (or not) and fills `statuses`, one per vote; the batcher then runs the
  // callbacks. The writer may move the votes out (only the callbacks are used afterwards).
  // Called on the batcher's thread only.
  using Writer =
      std::function<void(std::vector<Pending>& batch, std::vector<AppendStatus>& statuses)>;

  // Past `max_pending` queued votes, append() answers kUnavailable at once (bounded memory, and
  // clients see 503 rather than a hang); a batch holds at most `max_batch` votes.
  VoteBatcher(std::size_t max_pending, std::size_t max_batch, Writer writer);
  ~VoteBatcher();
  VoteBatcher(const VoteBatcher&) = delete;
  VoteBatcher& operator=(const VoteBatcher&) = delete;

  // Never blocks; `done` runs exactly once, on the batcher's thread (or here, when refused).
  void append(AcceptedVote vote, AppendCallback done);
  // Writes every vote already queued, then stops; later appends are kUnavailable. Idempotent.
  void stop();

 private:
  void run();

  const std::size_t max_pending_;
  const std::size_t max_batch_;
  Writer writer_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  std::thread thread_;          // last: starts once everything above exists
};

}  // namespace paredao
