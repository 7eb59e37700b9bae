#include "app/periodic_task.hpp"

#include <pthread.h>

namespace paredao {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds period,
                           std::function<void()> task)
    : thread_([this, name = std::move(name), period, task = std::move(task)] {
        pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
        std::unique_lock lock(mutex_);
        while (!wake_.wait_for(lock, period, [this] { return stopping_; })) {
          lock.unlock();
          task();
          lock.lock();
        }
      }) {}

PeriodicTask::~PeriodicTask() { stop(); }

void PeriodicTask::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

}  // namespace paredao
