#include "adapters/postgres/pg_settings.hpp"

namespace paredao::pg {

std::string shared_setting(Connection& connection, const std::string& name,
                           const std::function<std::string()>& generate) {
  const auto existing = connection.exec("SELECT value FROM settings WHERE name = $1", {name});
  if (existing.rows() == 1) return std::string(existing.text(0, 0));
  connection.exec("INSERT INTO settings VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
                  {name, generate()});
  return std::string(
      connection.exec("SELECT value FROM settings WHERE name = $1", {name}).text(0, 0));
}

}  // namespace paredao::pg
