#pragma once
#include "adapters/sqlite/sqlite_connection.hpp"

namespace paredao::sqlite {

// Creates or upgrades the schema (versioned with PRAGMA user_version). Throws on failure, and for
// a database of a newer schema than this binary knows.
void apply_schema(Connection& connection);

// Adds votes to a rollup row: ?1 poll, ?2 the unix seconds of the hour (or minute) it starts,
// ?3 the tally key (the minutes hold counted votes only), ?4 the votes (negative: taken out).
inline constexpr const char* kAddToHourlyTally =
    "INSERT INTO hourly_tally VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO UPDATE SET votes = votes + excluded.votes";
inline constexpr const char* kAddToMinuteTally =
    "INSERT INTO minute_tally VALUES (?1, ?2, ?3, ?4) "
    "ON CONFLICT DO UPDATE SET votes = votes + excluded.votes";

}  // namespace paredao::sqlite
