#include "adapters/system/file_limit.hpp"

#include <sys/resource.h>

namespace paredao {

std::size_t raise_file_limit() {
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) return 1024;
  if (limit.rlim_cur < limit.rlim_max) {
    rlimit raised = limit;
    // "Unlimited" is not a number of descriptors the kernel will give: stay at a large one.
    raised.rlim_cur = limit.rlim_max == RLIM_INFINITY ? 1u << 20 : limit.rlim_max;
    if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) limit = raised;
  }
  return limit.rlim_cur == RLIM_INFINITY ? 1u << 20 : std::size_t(limit.rlim_cur);
}

}  // namespace paredao
