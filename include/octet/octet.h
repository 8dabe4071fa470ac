// octet public C++ API: load a model file, create an interpreter, run int8 inference.
//
//   std::shared_ptr<const octet::Model> model;
//   octet::Status st = octet::Model::load_file("mobilenet.octet", &model);
//   std::unique_ptr<octet::Interpreter> it;
//   if (st.ok()) st = octet::Interpreter::create(model, octet::InterpreterOptions{}, &it);
//   it->set_input_image(0, rgb, n, mean, std);  it->run();  it->get_output_topk(0, 5, idx, score);
//
// Nothing here throws: every fallible call returns a Status with a message naming what is wrong.
// A Model is immutable and may be shared by interpreters on different threads; an Interpreter runs
// one inference at a time and run() performs no heap allocation.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace octet {

enum class StatusCode : int {
  kOk = 0,
  kInvalidArgument = 1,  // a bad argument from the caller (index, size, null pointer)
  kIoError = 2,          // file cannot be opened / mapped
  kInvalidModel = 3,     // the file fails verification or semantic validation
  kUnsupported = 4,      // valid, but this build cannot run it
  kOutOfMemory = 5,
  kInternal = 6,
};

class Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status Ok() { return Status(); }
  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

enum class DType : int { kInt8 = 0, kInt32 = 1, kFloat32 = 2, kUInt8 = 3 };

struct TensorInfo {
  std::string name;
  DType dtype = DType::kInt8;
  std::vector<int> shape;  // NHWC for activations
  float scale = 1.0f;      // per-tensor quantization of int8 tensors
  int32_t zero_point = 0;
  size_t elements = 0;
  size_t bytes = 0;
};

// Kernel family an interpreter binds. kAuto picks the best the CPU supports (getauxval); the
// environment variable OCTET_ISA (ref, v80, dotprod, i8mm, armv7) overrides kAuto.
enum class Isa : int { kAuto = 0, kRef = 1, kV80 = 2, kDotprod = 3, kI8mm = 4, kArmv7 = 5 };
const char* isa_name(Isa isa);
// The core class the dotprod kernels are picked for: "in-order" (Cortex-A53/A55/A510) or
// "out-of-order" (A76, Neoverse-N1 and later), from the CPU's MIDR; the environment variable
// OCTET_CORE=in-order|out-of-order overrides it (read once). Both compute the same bytes.
const char* core_class();

class Model {
 public:
  // Read-only mmap of the file; no copy of the weights.
  static Status load_file(const std::string& path, std::shared_ptr<const Model>* out);
  // Caller-owned buffer (aligned to 8 bytes at least; 64 keeps the weights 64-byte aligned). It
  // must outlive the model and every interpreter made from it. Nothing is copied.
  static Status load_buffer(const void* data, size_t size, std::shared_ptr<const Model>* out);

  ~Model();
  Model(const Model&) = delete;
  Model& operator=(const Model&) = delete;

  int num_inputs() const;
  int num_outputs() const;
  TensorInfo input_info(int i) const;
  TensorInfo output_info(int i) const;
  int num_operators() const;
  size_t file_size() const;
  std::string description() const;

  struct Impl;
  const Impl& impl() const { return *impl_; }

 private:
  explicit Model(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct InterpreterOptions {
  int num_threads = 1;         // worker threads including the caller's (>= 1)
  uint64_t affinity_mask = 0;  // bit i = CPU i; 0 leaves threads unpinned (big.LITTLE: pick a cluster)
  Isa isa = Isa::kAuto;
  bool profile = false;        // collect per-operator wall time during run()
  // ARMv8.0 and armv7 paths (Cortex-A53 / A7 class): 3x3 stride-1 convolutions through exact
  // Winograd F(2x2, 3x3) or F(3x3, 3x3), 1.2-2.4x faster there, their weights held as int16
  // transforms (3.6x / 5.6x the int8 bytes, made at creation). false keeps the GEMM and the
  // smaller weights. The dotprod path ignores it.
  bool winograd = true;
};

struct MemoryInfo {
  size_t arena_bytes = 0;        // the one activation + scratch arena
  size_t lower_bound_bytes = 0;  // largest set of buffers live at once (no plan can do better)
  size_t scratch_bytes = 0;      // largest kernel scratch (inside the arena)
  size_t repacked_bytes = 0;     // constant data repacked for this CPU's kernels
  size_t constant_bytes = 0;     // constant data read from the file (not copied)
  int repacked_operators = 0;    // operators whose weights were copied (repacked) at creation
};

struct OpProfile {
  std::string name;
  std::string type;
  std::string kernel;     // kernel bound at creation
  // Conv / FC weights: "file" (the kernel reads the model file's buffer in place) or "repacked"
  // (copied into the interpreter at creation because the file holds another layout; see the
  // qconvert --pack option); empty for operators without weights.
  std::string weights;
  size_t repacked_bytes = 0;  // size of that copy
  double seconds = 0;     // accumulated over the runs since reset_profile()
  uint64_t macs = 0;      // per run
  double macs_per_second = 0;
  double share = 0;       // of the total time
  uint64_t runs = 0;
};

class Interpreter {
 public:
  static Status create(std::shared_ptr<const Model> model, const InterpreterOptions& options,
                       std::unique_ptr<Interpreter>* out);
  ~Interpreter();
  Interpreter(const Interpreter&) = delete;
  Interpreter& operator=(const Interpreter&) = delete;

  const Model& model() const;
  // Inputs. count is in elements and must equal the tensor's element count.
  Status set_input_int8(int i, const int8_t* data, size_t count);
  // float input: copied if the input tensor is float, quantized if it is int8.
  Status set_input_float(int i, const float* data, size_t count);
  // uint8 HWC image: for an int8 input, real = (pixel - mean[c]) / std[c], quantized, in one step
  // (mean/std: one value per channel); for a uint8 input (the model normalizes) it is copied.
  Status set_input_image(int i, const uint8_t* data, size_t count, const float* mean,
                         const float* std);

  Status run();

  Status get_output_int8(int i, int8_t* data, size_t count) const;
  // int8 outputs are dequantized; float outputs copied.
  Status get_output_float(int i, float* data, size_t count) const;
  // The k best classes of the last axis (batch 0), best first. Scores are the float values.
  Status get_output_topk(int i, int k, int* indices, float* scores) const;
  // Direct access to the tensor memory in the arena (valid until the next run()).
  const void* output_data(int i) const;
  void* input_data(int i);

  MemoryInfo memory_info() const;
  std::vector<OpProfile> profile() const;
  void reset_profile();
  // Human-readable: the ISA, each operator's kernel, repacking done at creation.
  std::string describe() const;
  Isa isa() const;

  struct Impl;

 private:
  explicit Interpreter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

const char* version_string();

}  // namespace octet
