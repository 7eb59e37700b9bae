#include "adapters/http/connection_caps.hpp"

namespace paredao::http {

ConnectionCaps::Admission ConnectionCaps::admit(const Network& network, bool trusted_proxy) {
  std::lock_guard lock(mutex_);
  if (total_ >= max_total_) return Admission::kOverTotal;
  auto& from_network = open_[network];
  if (from_network >= max_per_network_ && !trusted_proxy) return Admission::kOverNetwork;
  ++from_network;
  ++total_;
  return Admission::kAdmitted;
}

void ConnectionCaps::release(const Network& network) {
  std::lock_guard lock(mutex_);
  const auto found = open_.find(network);
  if (found == open_.end()) return;
  --total_;
  if (--found->second == 0) open_.erase(found);
}

std::size_t ConnectionCaps::open() const {
  std::lock_guard lock(mutex_);
  return total_;
}

}  // namespace paredao::http
