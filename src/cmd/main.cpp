// paredao: one binary, one subcommand per role. `serve` is the embedded mode.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "adapters/logging/json_log.hpp"
#include "cmd/config.hpp"
#include "cmd/serve.hpp"

namespace {

constexpr const char* kUsage = R"(Usage: paredao <command> [options]

Commands:
  serve     run the embedded mode: API, vote page, SQLite storage, one process (default)
  version   print the version

Run 'paredao <command> --help' for the options of a command.
)";

std::optional<std::string> getenv_string(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string command = "serve";
  if (!args.empty() && !args.front().starts_with('-')) {
    command = args.front();
    args.erase(args.begin());
  } else if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    std::cout << kUsage;
    return 0;
  }

  if (command == "version") {
    std::cout << "paredao 0.1.0\n";
    return 0;
  }
  if (command != "serve") {
    std::cerr << "paredao: unknown command '" << command << "'\n\n" << kUsage;
    return 2;
  }
  const auto parsed = paredao::parse_serve_config(args, getenv_string);
  if (std::holds_alternative<paredao::HelpRequested>(parsed)) {
    std::cout << paredao::serve_usage();
    return 0;
  }
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    std::cerr << "paredao serve: " << *problem << "\n";
    return 2;
  }
  try {
    return paredao::run_serve(std::get<paredao::ServeConfig>(parsed), argv[0]);
  } catch (const std::exception& e) {
    paredao::log::error("start_failed", {{"error", e.what()}});
    return 1;
  }
}
