#pragma once
// What `serve` (embedded) and `api` (distributed) share once their adapters are built: the
// snapshot timer, the web files, the HTTP server and the start/stop log lines.
#include <boost/json/object.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>

#include "adapters/http/api.hpp"
#include "app/tally_snapshots.hpp"
#include "cmd/config.hpp"

namespace paredao {

// Serves HTTP until SIGTERM/SIGINT, refreshing the snapshots on a timer; every request in
// flight is answered before it returns. The built web pages are found and added to `services`
// here. `started` fields are added to the "listening" line.
void serve_http_front(const ServeConfig& config, const std::filesystem::path& executable,
                      http::ApiServices services, TallySnapshots& snapshots,
                      boost::json::object started);

// Logs a generated admin token so that the operator can find it.
void log_generated_admin_token(const std::string& token, const std::string& where);

}  // namespace paredao
