#pragma once
#include "adapters/postgres/pg_connection.hpp"
#include "app/ports/health_probe.hpp"

namespace paredao {

// A live `SELECT 1` on a connection of its own. For an api copy PostgreSQL down is kDegraded:
// votes still queue in RabbitMQ; poll changes and the settling of batches in doubt wait for it.
class PgProbe final : public HealthProbe {
 public:
  PgProbe(std::string url, Health when_down)
      : connection_(std::move(url), std::chrono::milliseconds(1000)), when_down_(when_down) {}
  DependencyHealth probe() override;

 private:
  pg::ReconnectingConnection connection_;
  const Health when_down_;
};

}  // namespace paredao
