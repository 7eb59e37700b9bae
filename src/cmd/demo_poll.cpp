#include "cmd/demo_poll.hpp"

namespace paredao {

NewPoll demo_poll() {
  return NewPoll{.id = std::string("demo"),
                 .title = "Paredão de demonstração",
                 .candidates = {{.id = std::string("ana"), .name = "Ana Clara"},
                                {.id = std::string("bruno"), .name = "Bruno"},
                                {.id = std::string("camila"), .name = "Camila"}},
                 .show_partial_results = true};
}

}  // namespace paredao
