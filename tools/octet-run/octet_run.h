// octet-run: classify one image file with an octet model and print the top-k (see --help).
#pragma once
#include <string>

namespace octet::tools {

struct RunOptions {
  std::string model, image, labels;
  int top_k = 5;
  int threads = 1;
  bool profile = false;
  int runs = 1;                 // timed runs for --profile (after one warm-up run)
  float mean[3] = {0, 0, 0};    // only for models whose input is not uint8 (see usage)
  float std[3] = {1, 1, 1};
};

// false with a message in *error (or *help set for --help).
bool parse_run_args(int argc, const char* const* argv, RunOptions* o, bool* help, std::string* error);
const char* run_usage();

// The whole tool: exit status 0 on success, 1 on a runtime error, 2 on a usage error.
int octet_run_main(int argc, const char* const* argv);

}  // namespace octet::tools
