#pragma once
#include "app/ports/clock.hpp"

namespace paredao {

class SystemClock final : public Clock {
 public:
  TimePoint now() const override;
};

}  // namespace paredao
