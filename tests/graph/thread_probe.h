// Whether this process can start threads. qemu-user in our CI environment hangs (aarch64) or
// crashes (armv7) in pthread_create, so multi-threaded cases run natively and are skipped under
// such an emulator. The probe forks a child that starts one thread, and waits at most 3 s.
#pragma once
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>
#include <vector>

namespace octet::testing {

inline bool threads_available() {
  static const bool available = [] {
    const pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
      std::thread t([] {});
      t.join();
      _exit(0);
    }
    for (int i = 0; i < 60; ++i) {
      int status = 0;
      if (waitpid(pid, &status, WNOHANG) == pid) return WIFEXITED(status) && WEXITSTATUS(status) == 0;
      usleep(50000);
    }
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    return false;
  }();
  return available;
}

// Thread counts a bit-identity test sweeps: several when threads work, else only 1.
inline std::vector<int> thread_counts(std::vector<int> wanted) {
  if (threads_available()) return wanted;
  return {1};
}

}  // namespace octet::testing
