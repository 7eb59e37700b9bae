// paredao: one binary, one subcommand per role. `serve` is the embedded mode; `api`, `worker`,
// `reconcile` and `migrate` make up the distributed mode.
#include <cstdlib>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "adapters/logging/json_log.hpp"
#include "cmd/config.hpp"
#include "cmd/distributed.hpp"
#include "cmd/serve.hpp"

namespace {

constexpr const char* kUsage = R"(Usage: paredao <command> [options]

Commands:
  serve      run the embedded mode: API, vote page, SQLite storage, one process (default)
  api        distributed mode: a stateless HTTP front (run several behind a load balancer)
  worker     distributed mode: vote queue -> PostgreSQL -> Redis
  reconcile  distributed mode: keep Redis equal to PostgreSQL; --check audits once
  migrate    distributed mode: create or upgrade the PostgreSQL schema
  version    print the version

Run 'paredao <command> --help' for the options of a command.
)";

std::optional<std::string> getenv_string(const std::string& name) {
  // Read at start, before any thread exists (nothing calls setenv).
  const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
  if (!value) return std::nullopt;
  return std::string(value);
}

// Each command with its own config type.
struct Run {
  const char* argv0;
  int operator()(const paredao::ServeConfig& config) const {
    return paredao::run_serve(config, argv0);
  }
  int operator()(const paredao::ApiConfig& config) const { return paredao::run_api(config, argv0); }
  int operator()(const paredao::WorkerConfig& config) const { return paredao::run_worker(config); }
  int operator()(const paredao::ReconcileConfig& config) const {
    return paredao::run_reconcile(config);
  }
  int operator()(const paredao::MigrateConfig& config) const {
    return paredao::run_migrate(config);
  }
};

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string name = "serve";
  if (!args.empty() && !args.front().starts_with('-')) {
    name = args.front();
    args.erase(args.begin());
  } else if (!args.empty() && (args.front() == "--help" || args.front() == "-h")) {
    std::cout << kUsage;
    return 0;
  }

  if (name == "version") {
    std::cout << "paredao 0.1.0\n";
    return 0;
  }
  const auto command = paredao::command_from_name(name);
  if (!command) {
    std::cerr << "paredao: unknown command '" << name << "'\n\n" << kUsage;
    return 2;
  }
  const auto parsed = paredao::parse_config(*command, args, getenv_string);
  if (std::holds_alternative<paredao::HelpRequested>(parsed)) {
    std::cout << paredao::usage(*command);
    return 0;
  }
  if (const auto* problem = std::get_if<std::string>(&parsed)) {
    std::cerr << "paredao " << name << ": " << *problem << "\n";
    return 2;
  }
  try {
    return std::visit(Run{argv[0]}, std::get<paredao::CommandConfig>(parsed));
  } catch (const std::exception& e) {
    paredao::log::error("start_failed", {{"command", name}, {"error", e.what()}});
    return 1;
  }
}
