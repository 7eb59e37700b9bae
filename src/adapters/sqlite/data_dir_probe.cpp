#include "adapters/sqlite/data_dir_probe.hpp"

#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <system_error>

namespace paredao {

DependencyHealth DataDirProbe::probe() {
  DependencyHealth health{.dependency = "sqlite"};
  // access() also answers EROFS for a read-only mount, which root's permissions do not bypass.
  if (::access(dir_.c_str(), W_OK) != 0) {
    health.health = Health::kDown;
    health.detail = "the data dir " + dir_.string() + " cannot be written (" +
                    std::error_code(errno, std::generic_category()).message() + ")";
    return health;
  }
  const auto space = this->space();
  if (!space) {
    health.health = Health::kDown;
    health.detail = "cannot read the data dir's file system (" +
                    std::error_code(errno, std::generic_category()).message() + ")";
    return health;
  }
  const std::uint64_t free_bytes = space->free_bytes;
  if (free_bytes < reserve_bytes_) {
    health.health = Health::kDown;
    health.detail = "the data dir's disk is full (" + std::to_string(free_bytes >> 10) +
                    " KiB free, " + std::to_string(reserve_bytes_ >> 10) + " KiB needed)";
  }
  return health;
}

std::optional<DataDirProbe::Space> DataDirProbe::space() const {
  struct statvfs fs {};
  if (::statvfs(dir_.c_str(), &fs) != 0) return std::nullopt;
  // Root may also use the blocks reserved for it; anyone else only the available ones.
  const std::uint64_t blocks = ::geteuid() == 0 ? fs.f_bfree : fs.f_bavail;
  return Space{.free_bytes = blocks * fs.f_frsize, .size_bytes = fs.f_blocks * fs.f_frsize};
}

}  // namespace paredao
