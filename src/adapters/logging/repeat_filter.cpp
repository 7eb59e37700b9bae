#include "adapters/logging/repeat_filter.hpp"

#include <boost/json/serialize.hpp>
#include <vector>

namespace paredao::log {

std::string RepeatFilter::key_of(int level, std::string_view event,
                                 const boost::json::object& fields) {
  std::string key = std::to_string(level);
  key += '\x1f';
  key += event;
  for (const auto name : kSubjectFields) {
    if (const auto* value = fields.if_contains(name)) {
      key += '\x1f';
      key += name;
      key += '=';
      key += boost::json::serialize(*value);
    }
  }
  return key;
}

void RepeatFilter::summarize(Kind& kind, const Sink& sink) {
  auto fields = kind.last;
  fields["repeated"] = kind.counted;
  fields["seconds"] = double(interval_.count()) / 1000;
  sink(kind.level, kind.event, std::move(fields));
  kind.counted = 0;
}

void RepeatFilter::offer(int level, std::string_view event, boost::json::object fields,
                         Clock::time_point now, const Sink& sink) {
  std::unique_lock lock(mutex_);
  auto key = key_of(level, event, fields);
  // Subjects an attacker can multiply (networks) must not grow this without bound: past
  // kMaxKinds, new subjects share one kind per event.
  if (kinds_.size() >= kMaxKinds && !kinds_.contains(key)) key = key_of(level, event, {});
  auto& kind = kinds_[key];
  if (kind.event.empty()) {
    kind.level = level;
    kind.event = std::string(event);
  }
  if (now - kind.opened >= interval_) {
    kind.opened = now;
    if (kind.counted == 0) {
      // After a quiet interval: a new story, written at once.
      lock.unlock();
      sink(level, event, std::move(fields));
      return;
    }
    // Still repeating: the interval held back is summed up, and this line opens the next one.
    summarize(kind, sink);
  }
  ++kind.counted;
  kind.last = std::move(fields);
}

void RepeatFilter::flush(Clock::time_point now, bool all, const Sink& sink) {
  std::lock_guard lock(mutex_);
  std::vector<std::string> quiet;
  for (auto& [key, kind] : kinds_) {
    const bool over = now - kind.opened >= interval_;
    if (kind.counted > 0 && (over || all)) {
      summarize(kind, sink);
      // Still repeating: the next line is held back in a new interval, not written at once.
      kind.opened = now;
    } else if (over && kind.counted == 0) {
      quiet.push_back(key);
    }
  }
  for (const auto& key : quiet) kinds_.erase(key);
}

}  // namespace paredao::log
