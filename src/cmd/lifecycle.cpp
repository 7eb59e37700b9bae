#include "cmd/lifecycle.hpp"

#include <chrono>

#include "adapters/logging/json_log.hpp"

namespace paredao {

Lifecycle::~Lifecycle() { stop(); }

void Lifecycle::push(std::string name, std::shared_ptr<void> owned, std::function<void()> stop) {
  entries_.push_back(Entry{std::move(name), std::move(owned), std::move(stop)});
}

void Lifecycle::stop() {
  for (auto entry = entries_.rbegin(); entry != entries_.rend(); ++entry) {
    if (!entry->stop) continue;
    const auto start = std::chrono::steady_clock::now();
    try {
      entry->stop();
    } catch (const std::exception& e) {
      // The others must stop all the same: say so and go on.
      log::error("component_stop_failed", {{"component", entry->name}, {"error", e.what()}});
    }
    entry->stop = nullptr;
    log::debug("component_stopped",
               {{"component", entry->name},
                {"seconds",
                 std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count()}});
  }
  while (!entries_.empty()) entries_.pop_back();  // destroyed last first
}

RepeatedLogLines::RepeatedLogLines()
    : task_("log-repeats", std::chrono::milliseconds(1000), [] { log::flush_repeats(); }) {}

void RepeatedLogLines::stop() {
  task_.stop();
  log::flush_repeats(/*all=*/true);
}

}  // namespace paredao
