#include "options.h"

#include <cstdlib>
#include <cstring>

namespace octet_bench {

const char* usage() {
  return "usage: octet-bench MODEL [options]\n"
         "  --runs N          measured runs (default 10)\n"
         "  --warmup W        runs before measuring (default 1)\n"
         "  --threads T       interpreter threads including the caller's (default 1)\n"
         "  --pause-ms P      sleep P ms between runs (against thermal throttling; default 0)\n"
         "  --profile         per-layer table: op, output shape, MACs, time, MAC/s, share\n"
         "  --perf            hardware counters over the measured runs (perf_event_open):\n"
         "                    instructions, cycles, L1D and L2 refills, branch misses\n"
         "  --json            one JSON object on stdout instead of the text report\n"
         "  --isa NAME        kernel path: auto (default; OCTET_ISA also works), ref, v80, dotprod,\n"
         "                    i8mm, armv7\n"
         "  --no-winograd     ARMv8.0 / armv7 paths: 3x3 stride-1 convs through the GEMM, not\n"
         "                    Winograd (smaller weights, slower)\n"
         "  --seed S          seed of the fixed pseudo-random input (default 1)\n"
         "  --timings WHERE   stdout (default), stderr, or none: with none no clock is read and no\n"
         "                    run-dependent number (time, RSS) is printed, so the executed\n"
         "                    instructions are identical from run to run (armperf count/cycles)\n"
         "  --no-timings      same as --timings none\n"
         "  --dump-output F   write the raw bytes of every output (in order) to F\n"
         "Every run computes the same thing on the same input; the output hash (FNV-1a 64 of the\n"
         "output bytes) is printed so runs on different paths and thread counts can be compared.\n";
}

namespace {

bool parse_int(const char* s, int lo, int hi, int* out) {
  char* end = nullptr;
  const long v = std::strtol(s, &end, 10);
  if (!*s || *end || v < lo || v > hi) return false;
  *out = static_cast<int>(v);
  return true;
}

}  // namespace

bool parse_options(int argc, char** argv, Options* o, bool* help, std::string* error) {
  *help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char** v) {
      if (i + 1 >= argc) { *error = a + " needs a value"; return false; }
      *v = argv[++i];
      return true;
    };
    const char* v = nullptr;
    auto int_opt = [&](int lo, int hi, int* out) {
      if (!value(&v)) return false;
      if (!parse_int(v, lo, hi, out)) {
        *error = a + " needs an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
        return false;
      }
      return true;
    };
    if (a == "--help" || a == "-h") { *help = true; return false; }
    else if (a == "--runs") { if (!int_opt(1, 100000000, &o->runs)) return false; }
    else if (a == "--warmup") { if (!int_opt(0, 100000000, &o->warmup)) return false; }
    else if (a == "--threads") { if (!int_opt(1, 256, &o->threads)) return false; }
    else if (a == "--pause-ms") { if (!int_opt(0, 3600000, &o->pause_ms)) return false; }
    else if (a == "--seed") {
      int s = 0;
      if (!int_opt(0, 0x7fffffff, &s)) return false;
      o->seed = static_cast<uint32_t>(s);
    }
    else if (a == "--profile") o->profile = true;
    else if (a == "--perf") o->perf = true;
    else if (a == "--json") o->json = true;
    else if (a == "--no-winograd") o->winograd = false;
    else if (a == "--no-timings") o->timings = Timings::kNone;
    else if (a == "--timings") {
      if (!value(&v)) return false;
      if (!std::strcmp(v, "stdout")) o->timings = Timings::kStdout;
      else if (!std::strcmp(v, "stderr")) o->timings = Timings::kStderr;
      else if (!std::strcmp(v, "none")) o->timings = Timings::kNone;
      else { *error = "--timings is stdout, stderr or none"; return false; }
    }
    else if (a == "--isa") { if (!value(&v)) return false; o->isa = v; }
    else if (a == "--dump-output") { if (!value(&v)) return false; o->dump_output = v; }
    else if (!a.empty() && a[0] == '-') { *error = "unknown option " + a; return false; }
    else if (o->model.empty()) o->model = a;
    else { *error = "more than one model given: " + a; return false; }
  }
  if (o->model.empty()) { *error = "no model file given"; return false; }
  return true;
}

}  // namespace octet_bench
