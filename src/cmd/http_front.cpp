#include "cmd/http_front.hpp"

#include <boost/asio/thread_pool.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "adapters/http/http_server.hpp"
#include "adapters/logging/json_log.hpp"

namespace paredao {
namespace {

namespace fs = std::filesystem;

constexpr auto kSnapshotPeriod = std::chrono::milliseconds(250);

// Refreshes the read snapshot on its own thread until destroyed.
class SnapshotRefresher {
 public:
  explicit SnapshotRefresher(TallySnapshots& snapshots)
      : thread_([this, &snapshots] {
          std::unique_lock lock(mutex_);
          while (!stop_) {
            wake_.wait_for(lock, kSnapshotPeriod, [this] { return stop_; });
            snapshots.refresh();
          }
        }) {}
  ~SnapshotRefresher() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_one();
    thread_.join();
  }

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

std::optional<fs::path> find_web_dir(const ServeConfig& config, const fs::path& executable) {
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

void serve_http_front(const ServeConfig& config, const fs::path& executable,
                      http::ApiServices services, TallySnapshots& snapshots,
                      boost::json::object started) {
  const auto web_dir = find_web_dir(config, executable);
  http::StaticFiles web(web_dir);
  if (!web_dir) log::warn("web_not_built", {{"hint", "run: make web"}});

  boost::asio::thread_pool blocking(1);
  auto& metrics = services.metrics;
  services.web = &web;
  http::Api api(std::move(services), blocking);

  const unsigned threads =
      config.threads ? config.threads : std::max(1u, std::thread::hardware_concurrency());
  http::HttpServer server(
      http::HttpSettings{
          .host = config.listen.host, .port = config.listen.port, .threads = threads},
      api, metrics);
  SnapshotRefresher refresher(snapshots);

  const auto endpoint = server.local_endpoint();
  const auto address =
      endpoint.address().is_v6()
          ? "[" + endpoint.address().to_string() + "]:" + std::to_string(endpoint.port())
          : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  boost::json::object fields{{"address", address},
                             {"url", "http://" + address + "/"},
                             {"web_dir", web_dir ? web_dir->string() : ""},
                             {"threads", threads},
                             {"pow_difficulty", config.pow_difficulty}};
  for (auto& [key, value] : started) fields[key] = value;
  log::info("listening", std::move(fields));
  server.run();
  blocking.join();
}

}  // namespace paredao
