#include "adapters/system/system_clock.hpp"

namespace paredao {

TimePoint SystemClock::now() const {
  return std::chrono::time_point_cast<std::chrono::milliseconds>(std::chrono::system_clock::now());
}

}  // namespace paredao
