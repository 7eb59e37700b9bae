#pragma once
// Hands completions from another thread (the vote pipeline's) to one I/O thread in batches:
// the first completion of a batch posts one drain to the I/O thread, the others only queue behind
// it. One wake-up per commit and I/O thread instead of one per vote.
#include <boost/asio/post.hpp>
#include <functional>
#include <mutex>
#include <vector>

#include "adapters/http/http_types.hpp"

namespace paredao::http {

// Thread-safe. Must outlive every task posted to it.
class CompletionInbox {
 public:
  explicit CompletionInbox(Executor executor) : executor_(std::move(executor)) {}

  void post(std::function<void()> task) {
    bool wake = false;
    {
      std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
      wake = !scheduled_;
      scheduled_ = true;
    }
    if (wake) boost::asio::post(executor_, [this] { drain(); });
  }

  // The inbox of the I/O thread running the caller, or nullptr outside the server's threads.
  static CompletionInbox* of_this_thread() { return current_; }
  static void bind_to_this_thread(CompletionInbox* inbox) { current_ = inbox; }

 private:
  void drain() {
    std::vector<std::function<void()>> batch;
    {
      std::lock_guard lock(mutex_);
      batch.swap(tasks_);
      scheduled_ = false;
    }
    for (auto& task : batch) task();
  }

  Executor executor_;
  std::mutex mutex_;
  std::vector<std::function<void()>> tasks_;  // guarded by mutex_
  bool scheduled_ = false;                    // guarded by mutex_
  static inline thread_local CompletionInbox* current_ = nullptr;
};

}  // namespace paredao::http
