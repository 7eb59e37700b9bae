#include "cmd/http_front.hpp"

#include <thread>

#include "adapters/logging/json_log.hpp"
#include "adapters/system/file_limit.hpp"

namespace paredao {
namespace {

namespace fs = std::filesystem;

std::optional<fs::path> find_web_dir(const HttpConfig& config, const fs::path& executable) {
  if (config.web_dir) return config.web_dir;
  std::error_code ec;
  const auto beside = fs::weakly_canonical(executable, ec).parent_path();
  for (const auto& candidate : {beside / ".." / "web" / "dist", fs::path("web") / "dist",
                                fs::path("/usr/share/paredao/web")}) {
    if (fs::is_regular_file(candidate / "index.html", ec)) return candidate.lexically_normal();
  }
  return std::nullopt;
}

}  // namespace

void log_generated_admin_token(const std::string& token, const std::string& where) {
  log::info("admin_token", {{"token", token},
                            {"stored_in", where},
                            {"hint", "Authorization: Bearer <token> for the production routes"}});
}

VotePipeline::Observer observe_pipeline(Metrics& metrics) {
  return [&metrics](const BatchReport& report) {
    // On the pipeline's thread, synchronously: every line below is the batch's.
    const log::TraceScope trace(report.trace);
    if (report.written) {
      metrics.observe_batch(report.votes, report.seconds, report.fate == BatchFate::kDurable);
    }
    if (report.written && report.fate != BatchFate::kDurable) {
      log::error("vote_batch_failed", {{"batch_id", report.batch_id},
                                       {"votes", report.votes},
                                       {"fate", fate_name(report.fate)},
                                       {"settled", report.settled}});
    } else if (report.settled) {
      log::warn("batch_settled", {{"batch_id", report.batch_id}, {"counted", true}});
    }
    if (report.unregistered) {
      log::error("batch_not_registered", {{"batch_id", report.batch_id}, {"votes", report.votes}});
    }
    if (report.guard_failed && report.releases_pending > 0) {
      // Payloads answered 503 that would be refused as used until the store takes the release.
      log::warn("shared_releases_pending", {{"challenges", report.releases_pending}});
    }
    if (report.releases_dropped > 0) {
      log::error("releases_dropped", {{"challenges", report.releases_dropped}});
    }
  };
}

HttpFront::HttpFront(const HttpConfig& config, const fs::path& executable,
                     http::ApiServices services, Tracer& tracer,
                     const boost::json::object& started) {
  const auto web_dir = find_web_dir(config, executable);
  web_ = std::make_unique<http::StaticFiles>(web_dir);
  if (!web_dir) log::warn("web_not_built", {{"hint", "run: make web"}});
  auto& metrics = services.metrics;
  services.web = web_.get();
  api_ = std::make_unique<http::Api>(std::move(services), blocking_, review_);

  const unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  // What is left for the stores, the data files and the logs once every connection is open.
  constexpr std::size_t kReservedFiles = 64;
  const std::size_t file_limit = raise_file_limit();
  const std::size_t max_connections =
      config.max_connections
          ? config.max_connections
          : (file_limit > 2 * kReservedFiles ? file_limit - kReservedFiles : file_limit / 2);
  server_ = std::make_unique<http::HttpServer>(
      http::HttpSettings{.host = config.listen.host,
                         .port = config.listen.port,
                         .threads = threads,
                         .max_connections = max_connections,
                         .max_connections_per_network = config.max_connections_per_network,
                         .client_prefixes = {config.client_prefix_v4, config.client_prefix_v6},
                         .trusted_proxies = config.trusted_proxies},
      *api_, metrics, tracer);
  server_->start();

  const auto endpoint = server_->local_endpoint();
  const auto address =
      endpoint.address().is_v6()
          ? "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port())
          : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  boost::json::object fields{
      {"address", address},
      {"url", "http://" + address + "/"},
      {"web_dir", web_dir ? web_dir->string() : ""},
      {"threads", threads},
      {"file_limit", file_limit},
      {"max_connections", max_connections},
      {"max_connections_per_network", config.max_connections_per_network},
      {"pow_difficulty", config.pow_difficulty},
      {"pow_algorithm", altcha::algorithm_name(config.derivation.algorithm)}};
  for (auto& [key, value] : started) fields[key] = value;
  log::info("listening", std::move(fields));
}

void HttpFront::stop() {
  // Requests in flight are answered first (a vote waiting for its batch included); then the
  // administration thread finishes what it has.
  server_->stop();
  blocking_.join();
  review_.join();
}

}  // namespace paredao
