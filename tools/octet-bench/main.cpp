// octet-bench: runs a model N times on a fixed pseudo-random input and reports latency, memory,
// the per-layer profile and hardware counters (see options.cpp for the command line).
// The work per run is identical (same input, same kernels), so the guest-instruction count of
// `--runs 2K` minus that of `--runs K`, divided by K, is exactly one inference (armperf).
#include <octet/octet.h>

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "graph/model_impl.h"
#include "options.h"
#include "perf_counters.h"

namespace octet_bench {
namespace {

using Clock = std::chrono::steady_clock;

bool parse_isa(const std::string& s, octet::Isa* isa) {
  static const struct { const char* name; octet::Isa isa; } kIsas[] = {
      {"auto", octet::Isa::kAuto}, {"ref", octet::Isa::kRef},       {"v80", octet::Isa::kV80},
      {"dotprod", octet::Isa::kDotprod}, {"i8mm", octet::Isa::kI8mm}, {"armv7", octet::Isa::kArmv7}};
  for (const auto& k : kIsas)
    if (s == k.name) { *isa = k.isa; return true; }
  return false;
}

const char* dtype_name(octet::DType d) {
  switch (d) {
    case octet::DType::kInt8: return "int8";
    case octet::DType::kInt32: return "int32";
    case octet::DType::kFloat32: return "float32";
    case octet::DType::kUInt8: return "uint8";
  }
  return "?";
}

std::string shape_str(const std::vector<int>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? "," : "") + std::to_string(shape[i]);
  return s + "]";
}

// One input's fixed contents: bytes from a seeded LCG (floats in [-1, 1) for float inputs).
struct InputData {
  octet::TensorInfo info;
  std::vector<uint8_t> bytes;
  std::vector<float> floats;
};

std::vector<InputData> make_inputs(const octet::Model& m, uint32_t seed) {
  uint32_t state = seed * 2654435761u + 12345u;
  auto next = [&state] { state = state * 1664525u + 1013904223u; return state >> 24; };
  std::vector<InputData> inputs;
  for (int i = 0; i < m.num_inputs(); ++i) {
    InputData d;
    d.info = m.input_info(i);
    if (d.info.dtype == octet::DType::kFloat32) {
      d.floats.resize(d.info.elements);
      for (float& f : d.floats) f = (static_cast<float>(next()) - 128.0f) / 128.0f;
    } else {
      d.bytes.resize(d.info.bytes);
      for (uint8_t& b : d.bytes) b = static_cast<uint8_t>(next());
    }
    inputs.push_back(std::move(d));
  }
  return inputs;
}

// Inputs are set before every run: the planner may reuse an input's arena bytes once it is dead.
octet::Status set_inputs(octet::Interpreter* it, const std::vector<InputData>& inputs) {
  for (size_t i = 0; i < inputs.size(); ++i) {
    const InputData& d = inputs[i];
    const int idx = static_cast<int>(i);
    octet::Status st;
    if (d.info.dtype == octet::DType::kFloat32) {
      st = it->set_input_float(idx, d.floats.data(), d.floats.size());
    } else if (d.info.dtype == octet::DType::kInt8) {
      st = it->set_input_int8(idx, reinterpret_cast<const int8_t*>(d.bytes.data()), d.info.elements);
    } else {
      void* p = it->input_data(idx);
      if (!p) return octet::Status(octet::StatusCode::kInvalidArgument, "input " + std::to_string(i) + " has no data");
      std::memcpy(p, d.bytes.data(), d.bytes.size());
    }
    if (!st.ok()) return st;
  }
  return octet::Status::Ok();
}

uint64_t fnv1a(const uint8_t* p, size_t n, uint64_t h = 1469598103934665603ull) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 1099511628211ull;
  return h;
}

double percentile(std::vector<double> v, double q) {  // nearest-rank
  std::sort(v.begin(), v.end());
  size_t k = static_cast<size_t>(q * static_cast<double>(v.size()) + 0.999999);
  k = std::min(std::max<size_t>(k, 1), v.size());
  return v[k - 1];
}

long peak_rss_kib() {
  rusage ru;
  std::memset(&ru, 0, sizeof(ru));
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss;
}

struct Report {
  std::vector<double> ms;                        // per measured run (empty without timings)
  std::vector<CounterValue> counters;
  std::vector<octet::OpProfile> profile;
  std::vector<std::string> op_shapes;
  uint64_t total_macs = 0;
  struct Output { octet::TensorInfo info; uint64_t hash; };
  std::vector<Output> outputs;
};

void print_latency(FILE* f, const Report& r) {
  double sum = 0;
  for (double v : r.ms) sum += v;
  const double mean = sum / static_cast<double>(r.ms.size());
  std::fprintf(f, "latency ms: mean %.3f  median %.3f  p90 %.3f  min %.3f  max %.3f  FPS %.2f\n", mean,
               percentile(r.ms, 0.5), percentile(r.ms, 0.9), *std::min_element(r.ms.begin(), r.ms.end()),
               *std::max_element(r.ms.begin(), r.ms.end()), mean > 0 ? 1000.0 / mean : 0.0);
  std::fprintf(f, "peak RSS: %ld KiB\n", peak_rss_kib());
}

int weight_ops(const octet::Interpreter& it, const char* source) {
  int n = 0;
  for (const octet::OpProfile& p : it.profile()) n += p.weights == source;
  return n;
}

void print_text(const Options& o, const octet::Model& m, const octet::Interpreter& it, const Report& r) {
  const bool timed = o.timings != Timings::kNone;
  FILE* tout = o.timings == Timings::kStderr ? stderr : stdout;  // run-dependent numbers
  const octet::MemoryInfo mi = it.memory_info();
  std::printf("model: %s (%d operators, file %zu bytes)\n", o.model.c_str(), m.num_operators(), m.file_size());
  std::printf("isa: %s, threads %d, runs %d after %d warm-up, pause %d ms\n", octet::isa_name(it.isa()),
              o.threads, o.runs, o.warmup, o.pause_ms);
  std::printf("core: %s\n", octet::core_class());
  std::printf("MACs per inference: %" PRIu64 "\n", r.total_macs);
  std::printf("arena bytes: %zu (lower bound %zu, kernel scratch %zu)\n", mi.arena_bytes, mi.lower_bound_bytes,
              mi.scratch_bytes);
  std::printf("weight bytes: %zu (%zu read from the file in place, %zu repacked for this CPU)\n",
              mi.constant_bytes + mi.repacked_bytes, mi.constant_bytes, mi.repacked_bytes);
  std::printf("operators with weights: %d read from the file, %d repacked at load%s\n",
              weight_ops(it, "file"), mi.repacked_operators,
              mi.repacked_operators ? " (qconvert --pack for this CPU avoids it)" : "");
  if (timed) print_latency(tout, r);
  for (size_t i = 0; i < r.outputs.size(); ++i)
    std::printf("output %zu '%s' %s %s: fnv1a64 %016" PRIx64 " (%zu bytes)\n", i, r.outputs[i].info.name.c_str(),
                dtype_name(r.outputs[i].info.dtype), shape_str(r.outputs[i].info.shape).c_str(), r.outputs[i].hash,
                r.outputs[i].info.bytes);
  if (o.perf) {
    std::fprintf(tout, "hardware counters (user space, per run, over %d runs):\n", o.runs);
    for (const CounterValue& c : r.counters) {
      if (c.available && timed)
        std::fprintf(tout, "  %-14s %.0f\n", c.name.c_str(), static_cast<double>(c.value) / o.runs);
      else if (c.available)
        std::printf("  %-14s (counted; not printed with --timings none)\n", c.name.c_str());
      else
        std::printf("  %-14s %s\n", c.name.c_str(), c.why.c_str());
    }
  }
  if (o.profile) {
    std::printf("per-layer profile (time per run%s):\n", timed ? "" : " not measured: --timings none");
    std::printf("%4s  %-16s %-22s %-16s %12s %10s %9s %7s  %-8s  %s\n", "#", "op", "name", "output", "MACs",
                "time ms", "GMAC/s", "share", "weights", "kernel");
    for (size_t i = 0; i < r.profile.size(); ++i) {
      const octet::OpProfile& p = r.profile[i];
      const double ms = p.runs ? 1e3 * p.seconds / static_cast<double>(p.runs) : 0;
      std::string name = p.name.size() > 22 ? p.name.substr(p.name.size() - 22) : p.name;
      std::printf("%4zu  %-16s %-22s %-16s %12" PRIu64, i, p.type.c_str(), name.c_str(), r.op_shapes[i].c_str(), p.macs);
      const char* weights = p.weights.empty() ? "-" : p.weights.c_str();
      if (timed)
        std::printf(" %10.3f %9.2f %6.1f%%  %-8s  %s\n", ms, p.macs_per_second / 1e9, 100 * p.share, weights,
                    p.kernel.c_str());
      else
        std::printf(" %10s %9s %7s  %-8s  %s\n", "-", "-", "-", weights, p.kernel.c_str());
    }
  }
}

std::string json_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += c; }
    else if (static_cast<unsigned char>(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); out += b; }
    else out += c;
  }
  return out;
}

void print_json(const Options& o, const octet::Model& m, const octet::Interpreter& it, const Report& r) {
  const bool timed = o.timings != Timings::kNone;
  const octet::MemoryInfo mi = it.memory_info();
  std::printf("{\"model\":\"%s\",\"operators\":%d,\"file_bytes\":%zu,\"isa\":\"%s\",\"threads\":%d,\"runs\":%d,"
              "\"warmup\":%d,\"pause_ms\":%d,\"macs\":%" PRIu64 ",\"arena_bytes\":%zu,\"arena_lower_bound_bytes\":%zu,"
              "\"weight_bytes\":%zu,\"repacked_bytes\":%zu,\"file_weight_operators\":%d,\"repacked_operators\":%d",
              json_escape(o.model).c_str(), m.num_operators(), m.file_size(), octet::isa_name(it.isa()), o.threads,
              o.runs, o.warmup, o.pause_ms, r.total_macs, mi.arena_bytes, mi.lower_bound_bytes,
              mi.constant_bytes + mi.repacked_bytes, mi.repacked_bytes, weight_ops(it, "file"), mi.repacked_operators);
  if (timed && o.timings == Timings::kStdout) {
    double sum = 0;
    for (double v : r.ms) sum += v;
    const double mean = sum / static_cast<double>(r.ms.size());
    std::printf(",\"latency_ms\":{\"mean\":%.6f,\"median\":%.6f,\"p90\":%.6f,\"min\":%.6f,\"max\":%.6f},\"fps\":%.4f,"
                "\"peak_rss_kib\":%ld",
                mean, percentile(r.ms, 0.5), percentile(r.ms, 0.9), *std::min_element(r.ms.begin(), r.ms.end()),
                *std::max_element(r.ms.begin(), r.ms.end()), mean > 0 ? 1000.0 / mean : 0.0, peak_rss_kib());
  }
  std::printf(",\"outputs\":[");
  for (size_t i = 0; i < r.outputs.size(); ++i)
    std::printf("%s{\"name\":\"%s\",\"dtype\":\"%s\",\"shape\":\"%s\",\"bytes\":%zu,\"fnv1a64\":\"%016" PRIx64 "\"}",
                i ? "," : "", json_escape(r.outputs[i].info.name).c_str(), dtype_name(r.outputs[i].info.dtype),
                shape_str(r.outputs[i].info.shape).c_str(), r.outputs[i].info.bytes, r.outputs[i].hash);
  std::printf("]");
  if (o.perf) {
    std::printf(",\"counters_per_run\":{");
    for (size_t i = 0; i < r.counters.size(); ++i) {
      const CounterValue& c = r.counters[i];
      if (c.available && o.timings == Timings::kStdout)
        std::printf("%s\"%s\":%.0f", i ? "," : "", c.name.c_str(), static_cast<double>(c.value) / o.runs);
      else
        std::printf("%s\"%s\":\"%s\"", i ? "," : "", c.name.c_str(),
                    json_escape(c.available ? "not printed (--timings)" : c.why).c_str());
    }
    std::printf("}");
  }
  if (o.profile) {
    std::printf(",\"layers\":[");
    for (size_t i = 0; i < r.profile.size(); ++i) {
      const octet::OpProfile& p = r.profile[i];
      std::printf("%s{\"op\":\"%s\",\"name\":\"%s\",\"shape\":\"%s\",\"kernel\":\"%s\",\"weights\":\"%s\","
                  "\"repacked_bytes\":%zu,\"macs\":%" PRIu64,
                  i ? "," : "", json_escape(p.type).c_str(), json_escape(p.name).c_str(), r.op_shapes[i].c_str(),
                  json_escape(p.kernel).c_str(), p.weights.c_str(), p.repacked_bytes, p.macs);
      if (timed && o.timings == Timings::kStdout)
        std::printf(",\"ms\":%.6f,\"macs_per_s\":%.6g,\"share\":%.6f",
                    p.runs ? 1e3 * p.seconds / static_cast<double>(p.runs) : 0.0, p.macs_per_second, p.share);
      std::printf("}");
    }
    std::printf("]");
  }
  std::printf("}\n");
}

int fail(const octet::Status& st) {
  std::fprintf(stderr, "octet-bench: %s\n", st.message().c_str());
  return 1;
}

int bench_main(int argc, char** argv) {
  Options o;
  bool help = false;
  std::string error;
  if (!parse_options(argc, argv, &o, &help, &error)) {
    if (help) { std::fputs(usage(), stdout); return 0; }
    std::fprintf(stderr, "octet-bench: %s\n%s", error.c_str(), usage());
    return 2;
  }
  octet::InterpreterOptions io;
  io.num_threads = o.threads;
  io.profile = o.profile && o.timings != Timings::kNone;
  io.winograd = o.winograd;
  if (!parse_isa(o.isa, &io.isa)) {
    std::fprintf(stderr, "octet-bench: unknown --isa %s\n%s", o.isa.c_str(), usage());
    return 2;
  }
  std::shared_ptr<const octet::Model> model;
  octet::Status st = octet::Model::load_file(o.model, &model);
  if (!st.ok()) return fail(st);
  std::unique_ptr<octet::Interpreter> it;
  st = octet::Interpreter::create(model, io, &it);
  if (!st.ok()) return fail(st);
  const std::vector<InputData> inputs = make_inputs(*model, o.seed);

  const bool timed = o.timings != Timings::kNone;
  Report r;
  auto run_once = [&]() -> octet::Status {
    octet::Status s = set_inputs(it.get(), inputs);
    return s.ok() ? it->run() : s;
  };
  auto pause = [&] { if (o.pause_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(o.pause_ms)); };
  for (int i = 0; i < o.warmup; ++i) {
    if (i) pause();
    if (!(st = run_once()).ok()) return fail(st);
  }
  it->reset_profile();
  std::unique_ptr<PerfCounters> perf;
  if (o.perf) perf.reset(new PerfCounters());
  if (perf) perf->start();
  for (int i = 0; i < o.runs; ++i) {
    if (i || o.warmup) pause();
    const Clock::time_point t0 = timed ? Clock::now() : Clock::time_point{};
    if (!(st = run_once()).ok()) return fail(st);
    if (timed) r.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
  }
  if (perf) {
    perf->stop();
    r.counters = perf->read();
  }

  r.profile = it->profile();
  const octet::Model::Impl& mi = model->impl();
  for (size_t i = 0; i < r.profile.size(); ++i) {
    r.total_macs += r.profile[i].macs;
    const bool has_out = i < mi.ops.size() && !mi.ops[i].outputs.empty() && mi.ops[i].outputs[0] >= 0;
    r.op_shapes.push_back(has_out ? shape_str(mi.tensors[mi.ops[i].outputs[0]].shape) : "?");
  }
  FILE* dump = nullptr;
  if (!o.dump_output.empty() && !(dump = std::fopen(o.dump_output.c_str(), "wb"))) {
    std::fprintf(stderr, "octet-bench: cannot write %s\n", o.dump_output.c_str());
    return 1;
  }
  for (int i = 0; i < model->num_outputs(); ++i) {
    Report::Output out{model->output_info(i), 0};
    const uint8_t* p = static_cast<const uint8_t*>(it->output_data(i));
    out.hash = p ? fnv1a(p, out.info.bytes) : 0;
    if (dump && p && std::fwrite(p, 1, out.info.bytes, dump) != out.info.bytes) {
      std::fclose(dump);
      std::fprintf(stderr, "octet-bench: cannot write %s\n", o.dump_output.c_str());
      return 1;
    }
    r.outputs.push_back(out);
  }
  if (dump && std::fclose(dump) != 0) {
    std::fprintf(stderr, "octet-bench: cannot write %s\n", o.dump_output.c_str());
    return 1;
  }
  if (o.json) {
    print_json(o, *model, *it, r);
    if (o.timings == Timings::kStderr) print_latency(stderr, r);
  } else {
    print_text(o, *model, *it, r);
  }
  return 0;
}

}  // namespace
}  // namespace octet_bench

int main(int argc, char** argv) { return octet_bench::bench_main(argc, argv); }
