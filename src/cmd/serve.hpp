#pragma once
#include "cmd/config.hpp"

namespace paredao {

// Runs the embedded mode until SIGTERM/SIGINT. Returns the process exit code.
int run_serve(const ServeConfig& config, const std::filesystem::path& executable);

}  // namespace paredao
