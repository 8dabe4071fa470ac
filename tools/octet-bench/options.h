// octet-bench command line.
#pragma once
#include <string>

namespace octet_bench {

enum class Timings { kStdout, kStderr, kNone };

struct Options {
  std::string model;
  int runs = 10;
  int warmup = 1;
  int threads = 1;
  int pause_ms = 0;
  bool profile = false;
  bool perf = false;
  bool json = false;
  std::string isa = "auto";       // auto, ref, v80, dotprod, i8mm, armv7
  bool winograd = true;           // InterpreterOptions::winograd
  uint32_t seed = 1;              // input bytes
  Timings timings = Timings::kStdout;
  std::string dump_output;        // write output 0.. bytes here
};

// false with *error set (or *help) when the command line is not usable.
bool parse_options(int argc, char** argv, Options* o, bool* help, std::string* error);
const char* usage();

}  // namespace octet_bench
