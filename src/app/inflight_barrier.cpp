#include "app/inflight_barrier.hpp"

#include <algorithm>
#include <thread>

namespace paredao {

InflightBarrier::InflightBarrier(InflightBatches& inflight, RecordedBatchLookup& history,
                                 std::chrono::milliseconds pause)
    : inflight_(inflight), history_(history), pause_(pause) {}

std::optional<bool> InflightBarrier::settle_until(std::int64_t until) {
  std::lock_guard lock(mutex_);
  const auto registered = inflight_.registered_until(until);
  if (!registered) return std::nullopt;
  if (registered->empty()) return true;
  const auto settled = history_.settled_among(*registered);
  if (!settled) return std::nullopt;
  if (!settled->empty() && !inflight_.remove(*settled)) return std::nullopt;
  return settled->size() == registered->size();
}

bool InflightBarrier::wait_until_recorded(std::chrono::milliseconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::optional<std::int64_t> until;
  for (;;) {
    if (!until) until = inflight_.now_ms();
    if (until) {
      if (const auto done = settle_until(*until); done && *done) return true;
    }
    if (std::chrono::steady_clock::now() + pause_ >= deadline) return false;
    std::this_thread::sleep_for(pause_);
  }
}

bool InflightBarrier::sweep(std::chrono::milliseconds age) {
  const auto now = inflight_.now_ms();
  if (!now) return false;
  return settle_until(*now - age.count()).has_value();
}

}  // namespace paredao
