#include "app/vote_batcher.hpp"

#include <pthread.h>

namespace paredao {

VoteBatcher::VoteBatcher(std::size_t max_pending, std::size_t max_batch, Writer writer,
                         std::function<void()> idle, std::chrono::milliseconds idle_period)
    : max_pending_(max_pending),
      max_batch_(max_batch),
      writer_(std::move(writer)),
      idle_(std::move(idle)),
      idle_period_(idle_period),
      thread_([this] { run(); }) {}

VoteBatcher::~VoteBatcher() { stop(); }

bool VoteBatcher::append(AcceptedVote& vote, AppendCallback& done) {
  std::lock_guard lock(mutex_);
  if (stopping_ || queue_.size() >= max_pending_) return false;
  queue_.push_back(Pending{std::move(vote), std::move(done)});
  if (queue_.size() == 1) wake_.notify_all();
  return true;
}

void VoteBatcher::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void VoteBatcher::run() {
  pthread_setname_np(pthread_self(), "vote-commit");  // shows in top -H, perf and /proc
  std::vector<Pending> batch;
  std::vector<AppendStatus> statuses;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      const auto ready = [&] { return stopping_ || !queue_.empty(); };
      if (!idle_) {
        wake_.wait(lock, ready);
      } else if (!wake_.wait_for(lock, idle_period_, ready)) {
        lock.unlock();
        idle_();
        continue;
      }
      if (queue_.empty()) return;  // stopping, and everything queued has been written
      if (queue_.size() <= max_batch_) {
        batch.swap(queue_);
      } else {
        batch.assign(std::make_move_iterator(queue_.begin()),
                     std::make_move_iterator(queue_.begin() + max_batch_));
        queue_.erase(queue_.begin(), queue_.begin() + max_batch_);
      }
    }
    statuses.assign(batch.size(), AppendStatus::kUnavailable);
    writer_(batch, statuses);
    for (std::size_t i = 0; i < batch.size(); ++i) batch[i].done(statuses[i]);
    batch.clear();
  }
}

}  // namespace paredao
