#pragma once
// Group commit, for the vote pipeline: append() only queues; one thread of the batcher
// takes everything queued and hands it to the log's writer as one batch; while that batch is being
// made durable the next one accumulates, so batches grow with the load and there is no timer.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "app/ports/batch_log.hpp"

namespace paredao {

enum class AppendStatus {
  kDurable,      // the vote is durable: it survives a crash and will be counted exactly once
  kDuplicate,    // its challenge was already used: not counted
  kUnavailable,  // the vote could not be made durable: it is not counted
  kInDoubt,      // nobody can tell yet whether the vote was made durable: claim neither outcome
};

using AppendCallback = std::function<void(AppendStatus)>;

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
  // clients see 503 rather than a hang); a batch holds at most `max_batch` votes. `idle`, when
  // set, runs on the batcher's thread after each `idle_period` without a vote.
  VoteBatcher(std::size_t max_pending, std::size_t max_batch, Writer writer,
              std::function<void()> idle = {},
              std::chrono::milliseconds idle_period = std::chrono::milliseconds(250));
  ~VoteBatcher();
  VoteBatcher(const VoteBatcher&) = delete;
  VoteBatcher& operator=(const VoteBatcher&) = delete;

  // Never blocks. Queues the vote, moving from `vote` and `done`, and returns true: `done` then
  // runs exactly once, on the batcher's thread. Returns false, leaving both untouched, when the
  // vote is refused (queue full, or stopping).
  bool append(AcceptedVote& vote, AppendCallback& done);
  // Writes every vote already queued, then stops; later appends are refused. Idempotent.
  void stop();

 private:
  void run();

  const std::size_t max_pending_;
  const std::size_t max_batch_;
  Writer writer_;
  const std::function<void()> idle_;
  const std::chrono::milliseconds idle_period_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::vector<Pending> queue_;  // guarded by mutex_
  bool stopping_ = false;       // guarded by mutex_
  std::thread thread_;          // last: starts once everything above exists
};

}  // namespace paredao
