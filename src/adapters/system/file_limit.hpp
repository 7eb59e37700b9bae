#pragma once
#include <cstddef>

namespace paredao {

// Raises this process's soft limit of open files to its hard limit (as nginx's
// worker_rlimit_nofile does), so that connections are capped by the server's own rules and not
// by a low default. Returns the soft limit in force afterwards.
std::size_t raise_file_limit();

}  // namespace paredao
