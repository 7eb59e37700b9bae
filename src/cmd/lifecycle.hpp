#pragma once
// A process as an ordered list of components (userver's components, in small): each one is
// running once added; at shutdown they are stopped in the reverse order, and only then
// destroyed, also in the reverse order. So whatever a component calls back into (the HTTP
// server's threads that a vote's answer is posted to, say) is stopped after it and destroyed
// after it, whatever happens in between — nothing relies on the order of locals in `main`.
// Objects without threads that a later component uses may be added too (no stop).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "app/periodic_task.hpp"

namespace paredao {

class Lifecycle {
 public:
  Lifecycle() = default;
  ~Lifecycle();
  Lifecycle(const Lifecycle&) = delete;
  Lifecycle& operator=(const Lifecycle&) = delete;

  // Takes `component`, already running; at shutdown its stop() is called. Returns it.
  template <class T>
  T& add(std::string_view name, std::unique_ptr<T> component) {
    T& ref = *component;
    push(std::string(name), std::shared_ptr<void>(std::move(component)), [&ref] { ref.stop(); });
    return ref;
  }
  // Takes an object without a stop() of its own, which later components use.
  template <class T>
  T& keep(std::string_view name, std::unique_ptr<T> object) {
    T& ref = *object;
    push(std::string(name), std::shared_ptr<void>(std::move(object)), nullptr);
    return ref;
  }

  // Stops every component, the last added first, then destroys them in the same order.
  // Idempotent.
  void stop();

 private:
  struct Entry {
    std::string name;
    std::shared_ptr<void> owned;
    std::function<void()> stop;
  };
  void push(std::string name, std::shared_ptr<void> owned, std::function<void()> stop);

  std::vector<Entry> entries_;
};

// The first component of every process: writes the counts of repeated log lines every second,
// and all that are left when the process stops (it is stopped last).
class RepeatedLogLines {
 public:
  RepeatedLogLines();
  void stop();

 private:
  PeriodicTask task_;
};

}  // namespace paredao
