#pragma once
// No client can starve the others of connections: at most `max_total` open connections in all
// and `max_per_network` from one network. Thread-safe (every I/O thread accepts); one lock per
// accepted connection and per closed one, never per request.
#include <cstddef>
#include <mutex>
#include <unordered_map>

#include "domain/network.hpp"

namespace paredao::http {

class ConnectionCaps {
 public:
  enum class Admission { kAdmitted, kOverTotal, kOverNetwork };

  ConnectionCaps(std::size_t max_total, std::size_t max_per_network)
      : max_total_(max_total), max_per_network_(max_per_network) {}

  // Counts a new connection from `network` when under both caps (only the total one for a
  // trusted proxy, which stands for many clients); says so otherwise (the caller closes it at
  // once). An admitted connection is released exactly once, when it ends.
  Admission admit(const Network& network, bool trusted_proxy = false);
  void release(const Network& network);
  std::size_t open() const;

 private:
  const std::size_t max_total_;
  const std::size_t max_per_network_;
  mutable std::mutex mutex_;
  std::size_t total_ = 0;                                       // guarded by mutex_
  std::unordered_map<Network, std::size_t, NetworkHash> open_;  // guarded by mutex_
};

}  // namespace paredao::http
