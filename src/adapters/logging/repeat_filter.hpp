#pragma once
// Aggregates repeated warnings and errors, so that a failure that repeats (a full disk, a store
// down, a flood of malformed requests) writes a line when it starts and then one line per
// interval with its count, never one line per occurrence (seen: 17,858 identical lines in 8 s).
// Lines repeat when they have the same level, event and subject (the fields named in
// kSubjectFields: a poll, a challenge, a network, a dependency); other fields (an error text, a
// batch id, a count) vary freely and the summary carries the last ones. Thread-safe.
#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace paredao::log {

class RepeatFilter {
 public:
  using Clock = std::chrono::steady_clock;
  // Writes one line (the event and its fields).
  using Sink = std::function<void(int level, std::string_view event, boost::json::object fields)>;

  explicit RepeatFilter(std::chrono::milliseconds interval) : interval_(interval) {}

  // Writes the line through `sink` when it opens a new interval for its kind, else counts it.
  void offer(int level, std::string_view event, boost::json::object fields, Clock::time_point now,
             const Sink& sink);
  // Writes a summary ({…last fields, "repeated": n, "seconds": interval}) for each kind whose
  // interval has ended with lines counted, or for every kind with lines counted when `all`.
  void flush(Clock::time_point now, bool all, const Sink& sink);

  static constexpr std::string_view kSubjectFields[] = {"poll_id", "challenge_id", "network",
                                                        "dependency", "role"};
  static constexpr std::size_t kMaxKinds = 10000;

 private:
  struct Kind {
    int level = 0;
    std::string event;
    Clock::time_point opened{};  // start of the current interval
    std::int64_t counted = 0;    // lines held back in it
    boost::json::object last;    // the fields of the last one
  };
  static std::string key_of(int level, std::string_view event, const boost::json::object& fields);
  void summarize(Kind& kind, const Sink& sink);

  const std::chrono::milliseconds interval_;
  std::mutex mutex_;
  std::map<std::string, Kind> kinds_;  // guarded by mutex_
};

}  // namespace paredao::log
