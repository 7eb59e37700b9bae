#include "adapters/postgres/pg_probe.hpp"

namespace paredao {

DependencyHealth PgProbe::probe() {
  try {
    connection_.get().exec("SELECT 1");
    return {.dependency = "postgres"};
  } catch (const pg::Error& e) {
    connection_.drop();
    return {.dependency = "postgres", .health = when_down_, .detail = e.what()};
  }
}

}  // namespace paredao
