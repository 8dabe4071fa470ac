// A progress bar on stderr for long calibrations: redrawn in place on a terminal, a few plain
// lines otherwise (logs stay readable).
#pragma once
#include <unistd.h>

#include <cstdio>
#include <string>

namespace octet::convert {

class ProgressBar {
 public:
  ProgressBar(std::string label, size_t total) : label_(std::move(label)), total_(total), tty_(isatty(2)) {}
  void update(size_t done) {
    if (total_ == 0) return;
    if (tty_) {
      const int width = 30, filled = static_cast<int>(width * done / total_);
      std::fprintf(stderr, "\r%-12s [%s%s] %zu/%zu", label_.c_str(), std::string(filled, '#').c_str(),
                   std::string(width - filled, ' ').c_str(), done, total_);
      if (done == total_) std::fputc('\n', stderr);
    } else if (done == total_ || done * 4 / total_ != (done - 1) * 4 / total_) {
      std::fprintf(stderr, "%s: %zu/%zu\n", label_.c_str(), done, total_);
    }
    std::fflush(stderr);
  }

 private:
  std::string label_;
  size_t total_;
  bool tty_;
};

}  // namespace octet::convert
