#pragma once
#include <cstdint>
#include <filesystem>
#include <optional>

#include "app/ports/health_probe.hpp"

namespace paredao {

// The embedded mode's readiness: whether SQLite can commit in the data dir now. Down when the
// directory cannot be written (a read-only file system, permissions) or its file system has less
// than `reserve_bytes` free (a commit may need to grow the WAL or the database). Looked at live,
// so that a copy whose disk has room again is ready again before any vote succeeds.
class DataDirProbe final : public HealthProbe {
 public:
  DataDirProbe(std::filesystem::path dir, std::uint64_t reserve_bytes = 8u << 20)
      : dir_(std::move(dir)), reserve_bytes_(reserve_bytes) {}
  DependencyHealth probe() override;

  struct Space {
    std::uint64_t free_bytes;  // what this process may still write
    std::uint64_t size_bytes;  // the whole file system
  };
  // The data dir's file system now; nullopt when it cannot be read.
  std::optional<Space> space() const;

 private:
  const std::filesystem::path dir_;
  const std::uint64_t reserve_bytes_;
};

}  // namespace paredao
