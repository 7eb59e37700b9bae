#pragma once
// The distributed mode's record of batches made durable (confirmed by the broker) whose votes a
// worker may not have written to the history yet: what the review waits for, to be exact.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace paredao {

// The registry's own clock (one clock for every api copy), and since when the registry exists:
// after its store lost its data it starts again, and the copies need a moment to register again
// what they still wait for.
struct RegistryTime {
  std::int64_t now_ms = 0;
  std::optional<std::int64_t> since_ms;  // nullopt: no add() since the store (re)started
};

struct RegisteredBatch {
  std::string batch_id;
  std::int64_t at_ms = 0;  // when it was first registered
};

// Shared by every api copy. Blocking; thread-safe.
class InflightBatches {
 public:
  virtual ~InflightBatches() = default;
  // Registers durable batches, stamped with the registry's clock; one registered already keeps
  // its first stamp. Also with none: the registry then exists (RegistryTime::since_ms). False
  // when the store failed (then each may or may not be registered).
  virtual bool add(std::span<const std::string> batch_ids) = 0;
  virtual std::optional<RegistryTime> now() = 0;
  // Up to `limit` batches registered at or before `ms`, oldest first.
  virtual std::optional<std::vector<RegisteredBatch>> registered_until(std::int64_t ms,
                                                                       std::size_t limit) = 0;
  virtual bool remove(std::span<const std::string> batch_ids) = 0;
};

// Which batches the history holds (recorded, or cancelled by a settlement). Blocking.
class RecordedBatchLookup {
 public:
  virtual ~RecordedBatchLookup() = default;
  // The ids among `batch_ids` that are recorded or cancelled; nullopt when the store failed.
  virtual std::optional<std::vector<std::string>> settled_among(
      std::span<const std::string> batch_ids) = 0;
};

}  // namespace paredao
