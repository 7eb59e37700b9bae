#pragma once
// The distributed mode's record of batches made durable (confirmed by the broker) whose votes a
// worker may not have written to the history yet: what the review waits for, to be exact.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace paredao {

// Shared by every api copy. Blocking; thread-safe.
class InflightBatches {
 public:
  virtual ~InflightBatches() = default;
  // Registers durable batches, stamped with the registry's own clock. False when the store
  // failed (then each may or may not be registered).
  virtual bool add(std::span<const std::string> batch_ids) = 0;
  // The registry's clock, in milliseconds: one clock for every copy.
  virtual std::optional<std::int64_t> now_ms() = 0;
  // The batches registered at or before `ms` and not removed.
  virtual std::optional<std::vector<std::string>> registered_until(std::int64_t ms) = 0;
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
