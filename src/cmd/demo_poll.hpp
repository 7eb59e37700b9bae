#pragma once
#include "domain/new_poll.hpp"

namespace paredao {

// The demo paredão created on first start, so that `make run` opens a page one can vote on.
NewPoll demo_poll();

}  // namespace paredao
