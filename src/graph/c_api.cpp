// C API over the C++ API: status codes, a per-thread error message, no exception crosses it.
#include <new>
#include <string>
#include <vector>

#include "octet/octet.h"
#include "octet/octet_c.h"

struct octet_model {
  std::shared_ptr<const octet::Model> model;
};
struct octet_interpreter {
  std::unique_ptr<octet::Interpreter> it;
  std::vector<octet::OpProfile> profile;
  std::vector<octet_op_profile> c_profile;
};

namespace {
thread_local std::string t_last_error;

octet_status report(const octet::Status& st) {
  if (st.ok()) return OCTET_OK;
  try {
    t_last_error = st.message();
  } catch (...) {
  }
  return static_cast<octet_status>(st.code());
}
octet_status fail(octet_status code, const char* msg) {
  try {
    t_last_error = msg;
  } catch (...) {
  }
  return code;
}

// Runs f, turning any exception into a status.
template <typename F>
octet_status guarded(F&& f) {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return fail(OCTET_OUT_OF_MEMORY, "out of memory");
  } catch (...) {
    return fail(OCTET_INTERNAL, "internal error");
  }
}

void fill_info(const octet::TensorInfo& t, const std::string& name, octet_tensor_info* out) {
  out->name = name.c_str();
  out->dtype = static_cast<octet_dtype>(t.dtype);
  out->rank = static_cast<int>(t.shape.size());
  for (int k = 0; k < OCTET_MAX_RANK; ++k) out->shape[k] = k < out->rank ? t.shape[k] : 0;
  out->scale = t.scale;
  out->zero_point = t.zero_point;
  out->elements = t.elements;
  out->bytes = t.bytes;
}
}  // namespace

#include "graph/model_impl.h"

extern "C" {

const char* octet_status_string(octet_status s) {
  switch (s) {
    case OCTET_OK: return "ok";
    case OCTET_INVALID_ARGUMENT: return "invalid argument";
    case OCTET_IO_ERROR: return "I/O error";
    case OCTET_INVALID_MODEL: return "invalid model";
    case OCTET_UNSUPPORTED: return "unsupported";
    case OCTET_OUT_OF_MEMORY: return "out of memory";
    case OCTET_INTERNAL: return "internal error";
  }
  return "unknown status";
}

const char* octet_last_error(void) { return t_last_error.c_str(); }
const char* octet_version(void) { return octet::version_string(); }

octet_status octet_model_load_file(const char* path, octet_model** out) {
  if (!path || !out) return fail(OCTET_INVALID_ARGUMENT, "octet_model_load_file: null argument");
  *out = nullptr;
  return guarded([&] {
    auto m = std::make_unique<octet_model>();
    octet_status s = report(octet::Model::load_file(path, &m->model));
    if (s == OCTET_OK) *out = m.release();
    return s;
  });
}

octet_status octet_model_load_buffer(const void* data, size_t size, octet_model** out) {
  if (!out) return fail(OCTET_INVALID_ARGUMENT, "octet_model_load_buffer: null argument");
  *out = nullptr;
  return guarded([&] {
    auto m = std::make_unique<octet_model>();
    octet_status s = report(octet::Model::load_buffer(data, size, &m->model));
    if (s == OCTET_OK) *out = m.release();
    return s;
  });
}

void octet_model_free(octet_model* model) { delete model; }

int octet_model_num_inputs(const octet_model* m) { return m ? m->model->num_inputs() : 0; }
int octet_model_num_outputs(const octet_model* m) { return m ? m->model->num_outputs() : 0; }

octet_status octet_model_input_info(const octet_model* m, int i, octet_tensor_info* out) {
  if (!m || !out) return fail(OCTET_INVALID_ARGUMENT, "octet_model_input_info: null argument");
  if (i < 0 || i >= m->model->num_inputs()) return fail(OCTET_INVALID_ARGUMENT, "octet_model_input_info: index out of range");
  return guarded([&] {
    const auto& impl = m->model->impl();
    fill_info(m->model->input_info(i), impl.tensors[impl.inputs[i]].name, out);
    return OCTET_OK;
  });
}

octet_status octet_model_output_info(const octet_model* m, int i, octet_tensor_info* out) {
  if (!m || !out) return fail(OCTET_INVALID_ARGUMENT, "octet_model_output_info: null argument");
  if (i < 0 || i >= m->model->num_outputs()) return fail(OCTET_INVALID_ARGUMENT, "octet_model_output_info: index out of range");
  return guarded([&] {
    const auto& impl = m->model->impl();
    fill_info(m->model->output_info(i), impl.tensors[impl.outputs[i]].name, out);
    return OCTET_OK;
  });
}

octet_options octet_default_options(void) {
  octet_options o;
  o.num_threads = 1;
  o.affinity_mask = 0;
  o.isa = OCTET_ISA_AUTO;
  o.profile = 0;
  o.winograd = 1;
  return o;
}

octet_status octet_interpreter_create(const octet_model* m, const octet_options* options,
                                      octet_interpreter** out) {
  if (!m || !out) return fail(OCTET_INVALID_ARGUMENT, "octet_interpreter_create: null argument");
  *out = nullptr;
  return guarded([&] {
    octet::InterpreterOptions o;
    if (options) {
      o.num_threads = options->num_threads;
      o.affinity_mask = options->affinity_mask;
      if (options->isa < OCTET_ISA_AUTO || options->isa > OCTET_ISA_ARMV7)
        return fail(OCTET_INVALID_ARGUMENT, "octet_interpreter_create: unknown isa");
      o.isa = static_cast<octet::Isa>(options->isa);
      o.profile = options->profile != 0;
      o.winograd = options->winograd != 0;
    }
    auto it = std::make_unique<octet_interpreter>();
    octet_status s = report(octet::Interpreter::create(m->model, o, &it->it));
    if (s == OCTET_OK) *out = it.release();
    return s;
  });
}

void octet_interpreter_free(octet_interpreter* it) { delete it; }

#define OCTET_CHECK_IT(it, fn) \
  if (!(it)) return fail(OCTET_INVALID_ARGUMENT, fn ": null interpreter")

octet_status octet_set_input_int8(octet_interpreter* it, int i, const int8_t* data, size_t count) {
  OCTET_CHECK_IT(it, "octet_set_input_int8");
  return guarded([&] { return report(it->it->set_input_int8(i, data, count)); });
}
octet_status octet_set_input_float(octet_interpreter* it, int i, const float* data, size_t count) {
  OCTET_CHECK_IT(it, "octet_set_input_float");
  return guarded([&] { return report(it->it->set_input_float(i, data, count)); });
}
octet_status octet_set_input_image(octet_interpreter* it, int i, const uint8_t* data, size_t count,
                                   const float* mean, const float* std) {
  OCTET_CHECK_IT(it, "octet_set_input_image");
  return guarded([&] { return report(it->it->set_input_image(i, data, count, mean, std)); });
}
octet_status octet_run(octet_interpreter* it) {
  OCTET_CHECK_IT(it, "octet_run");
  return guarded([&] { return report(it->it->run()); });
}
octet_status octet_get_output_int8(const octet_interpreter* it, int i, int8_t* data, size_t count) {
  OCTET_CHECK_IT(it, "octet_get_output_int8");
  return guarded([&] { return report(it->it->get_output_int8(i, data, count)); });
}
octet_status octet_get_output_float(const octet_interpreter* it, int i, float* data, size_t count) {
  OCTET_CHECK_IT(it, "octet_get_output_float");
  return guarded([&] { return report(it->it->get_output_float(i, data, count)); });
}
octet_status octet_get_output_topk(const octet_interpreter* it, int i, int k, int* indices, float* scores) {
  OCTET_CHECK_IT(it, "octet_get_output_topk");
  return guarded([&] { return report(it->it->get_output_topk(i, k, indices, scores)); });
}
octet_status octet_get_memory_info(const octet_interpreter* it, octet_memory_info* out) {
  OCTET_CHECK_IT(it, "octet_get_memory_info");
  if (!out) return fail(OCTET_INVALID_ARGUMENT, "octet_get_memory_info: null output");
  const octet::MemoryInfo m = it->it->memory_info();
  out->arena_bytes = m.arena_bytes;
  out->lower_bound_bytes = m.lower_bound_bytes;
  out->scratch_bytes = m.scratch_bytes;
  out->repacked_bytes = m.repacked_bytes;
  out->constant_bytes = m.constant_bytes;
  return OCTET_OK;
}
octet_status octet_profile(octet_interpreter* it, const octet_op_profile** ops, int* count) {
  OCTET_CHECK_IT(it, "octet_profile");
  if (!ops || !count) return fail(OCTET_INVALID_ARGUMENT, "octet_profile: null output");
  return guarded([&] {
    it->profile = it->it->profile();
    it->c_profile.resize(it->profile.size());
    for (size_t k = 0; k < it->profile.size(); ++k) {
      const octet::OpProfile& p = it->profile[k];
      it->c_profile[k] = {p.name.c_str(), p.type.c_str(), p.kernel.c_str(), p.seconds, p.macs, p.macs_per_second, p.share};
    }
    *ops = it->c_profile.data();
    *count = static_cast<int>(it->c_profile.size());
    return OCTET_OK;
  });
}

}  // extern "C"
