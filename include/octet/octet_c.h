/* octet C API. Every function returns an octet_status; on failure octet_last_error() gives a
 * message naming what is wrong (per thread, valid until the next failing call on that thread).
 * No C++ exception ever crosses this interface. */
#ifndef OCTET_C_H_
#define OCTET_C_H_
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum {
  OCTET_OK = 0,
  OCTET_INVALID_ARGUMENT = 1,
  OCTET_IO_ERROR = 2,
  OCTET_INVALID_MODEL = 3,
  OCTET_UNSUPPORTED = 4,
  OCTET_OUT_OF_MEMORY = 5,
  OCTET_INTERNAL = 6
} octet_status;

typedef enum { OCTET_INT8 = 0, OCTET_INT32 = 1, OCTET_FLOAT32 = 2, OCTET_UINT8 = 3 } octet_dtype;
typedef enum {
  OCTET_ISA_AUTO = 0, OCTET_ISA_REF = 1, OCTET_ISA_V80 = 2, OCTET_ISA_DOTPROD = 3,
  OCTET_ISA_I8MM = 4, OCTET_ISA_ARMV7 = 5
} octet_isa;

typedef struct octet_model octet_model;
typedef struct octet_interpreter octet_interpreter;

#define OCTET_MAX_RANK 8
typedef struct {
  const char* name; /* owned by the model */
  octet_dtype dtype;
  int rank;
  int shape[OCTET_MAX_RANK];
  float scale;
  int32_t zero_point;
  size_t elements;
  size_t bytes;
} octet_tensor_info;

typedef struct {
  int num_threads;        /* >= 1 */
  uint64_t affinity_mask; /* bit i = CPU i, 0 = no pinning */
  octet_isa isa;
  int profile;            /* non-zero: per-operator timing in run() */
  int winograd;           /* non-zero (default): ARMv8.0 and armv7 paths run 3x3 stride-1 convs
                             through Winograd (faster; 3.6-5.6x their weight bytes), see
                             InterpreterOptions */
} octet_options;

typedef struct {
  size_t arena_bytes, lower_bound_bytes, scratch_bytes, repacked_bytes, constant_bytes;
} octet_memory_info;

typedef struct {
  const char* name;   /* owned by the interpreter */
  const char* type;
  const char* kernel;
  double seconds;
  uint64_t macs;
  double macs_per_second;
  double share;
} octet_op_profile;

const char* octet_status_string(octet_status status);
const char* octet_last_error(void);
const char* octet_version(void);

octet_status octet_model_load_file(const char* path, octet_model** out);
/* The buffer (8-byte aligned, 64 recommended) must outlive the model and its interpreters. */
octet_status octet_model_load_buffer(const void* data, size_t size, octet_model** out);
void octet_model_free(octet_model* model);
int octet_model_num_inputs(const octet_model* model);
int octet_model_num_outputs(const octet_model* model);
octet_status octet_model_input_info(const octet_model* model, int i, octet_tensor_info* out);
octet_status octet_model_output_info(const octet_model* model, int i, octet_tensor_info* out);

octet_options octet_default_options(void);
/* The interpreter keeps the model alive: octet_model_free may be called right after. */
octet_status octet_interpreter_create(const octet_model* model, const octet_options* options,
                                      octet_interpreter** out);
void octet_interpreter_free(octet_interpreter* interpreter);
octet_status octet_set_input_int8(octet_interpreter* it, int i, const int8_t* data, size_t count);
octet_status octet_set_input_float(octet_interpreter* it, int i, const float* data, size_t count);
octet_status octet_set_input_image(octet_interpreter* it, int i, const uint8_t* data, size_t count,
                                   const float* mean, const float* std);
octet_status octet_run(octet_interpreter* it);
octet_status octet_get_output_int8(const octet_interpreter* it, int i, int8_t* data, size_t count);
octet_status octet_get_output_float(const octet_interpreter* it, int i, float* data, size_t count);
octet_status octet_get_output_topk(const octet_interpreter* it, int i, int k, int* indices,
                                   float* scores);
octet_status octet_get_memory_info(const octet_interpreter* it, octet_memory_info* out);
/* Snapshot of the profile; entries valid until the next octet_profile call on `it`. */
octet_status octet_profile(octet_interpreter* it, const octet_op_profile** ops, int* count);

#ifdef __cplusplus
}
#endif
#endif /* OCTET_C_H_ */
