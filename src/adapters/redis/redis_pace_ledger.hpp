#pragma once
// The distributed mode's PaceLedger: every api copy counts a network's challenges and votes in
// the same Redis hash (one field per second, the window's slots), so the pace and the limits are
// shared. One Lua script per request judges and records it atomically with the server's own
// clock (TIME), so copies with skewed clocks still agree. Requests from all callers are gathered
// on one thread and sent as one pipeline: one round trip per batch, never one per request.
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "adapters/redis/redis_connection.hpp"
#include "adapters/redis/redis_counters.hpp"
#include "adapters/redis/redis_keys.hpp"
#include "app/ports/pace_ledger.hpp"

namespace paredao {

class RedisPaceLedger final : public PaceLedger {
 public:
  explicit RedisPaceLedger(const RedisSettings& settings);
  // Stops first, if still running.
  ~RedisPaceLedger();

  void admit(std::vector<PaceRequest> requests, Done done) override;
  void forget(std::vector<PaceRecord> records) override;
  // Answers what is queued, then stops: later requests fail with kUnavailable. Idempotent.
  void stop();

 private:
  struct Job {
    std::vector<PaceRequest> requests;  // admit
    Done done;
    std::vector<PaceRecord> forgotten;  // forget (requests empty)
  };
  void run();
  void serve(std::deque<Job>& jobs);
  std::string key(PaceEvent event, const Network& network) const;

  const std::string prefix_;
  redis::Connection connection_;  // the thread's only
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;  // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::thread thread_;     // last: it uses everything above
};

}  // namespace paredao
