/* The C API from C: load, run, outputs, errors as status codes with messages. The model file is
 * made by the C++ test fixture (c_api_test.cpp) and passed in. */
#include <string.h>

#include "octet/octet_c.h"

/* Returns 0 on success, else the number of the failed check. */
int octet_c_api_smoke(const void* data, size_t size, int threads) {
  octet_model* m = NULL;
  if (octet_model_load_buffer(data, size, &m) != OCTET_OK) return 1;
  if (octet_model_num_inputs(m) != 1 || octet_model_num_outputs(m) != 1) return 2;
  octet_tensor_info in;
  if (octet_model_input_info(m, 0, &in) != OCTET_OK || in.rank != 4 || in.dtype != OCTET_UINT8) return 3;
  octet_options o = octet_default_options();
  o.num_threads = threads;
  o.profile = 1;
  octet_interpreter* it = NULL;
  if (octet_interpreter_create(m, &o, &it) != OCTET_OK) return 4;
  octet_model_free(m); /* the interpreter keeps it alive */
  static uint8_t img[16 * 16 * 3];
  memset(img, 90, sizeof img);
  if (octet_set_input_image(it, 0, img, sizeof img, NULL, NULL) != OCTET_OK) return 5;
  if (octet_run(it) != OCTET_OK) return 6;
  int idx[3];
  float score[3];
  if (octet_get_output_topk(it, 0, 3, idx, score) != OCTET_OK) return 7;
  if (!(score[0] >= score[1] && score[1] >= score[2])) return 8;
  if (octet_get_output_topk(it, 0, 99, idx, score) != OCTET_INVALID_ARGUMENT) return 9;
  if (strstr(octet_last_error(), "k must be") == NULL) return 10;
  octet_memory_info mi;
  if (octet_get_memory_info(it, &mi) != OCTET_OK || mi.arena_bytes < mi.lower_bound_bytes) return 11;
  const octet_op_profile* prof;
  int n;
  if (octet_profile(it, &prof, &n) != OCTET_OK || n != 9 || strcmp(prof[1].name, "conv1") != 0) return 12;
  octet_interpreter_free(it);
  /* Errors. */
  if (octet_model_load_file("/nonexistent/model.octet", &m) != OCTET_IO_ERROR || m != NULL) return 13;
  if (strstr(octet_last_error(), "/nonexistent/model.octet") == NULL) return 14;
  static uint64_t junk[16];
  if (octet_model_load_buffer(junk, sizeof junk, &m) != OCTET_INVALID_MODEL) return 15;
  if (strstr(octet_last_error(), "identifier") == NULL) return 16;
  if (octet_run(NULL) != OCTET_INVALID_ARGUMENT) return 17;
  if (octet_interpreter_create(NULL, NULL, &it) != OCTET_INVALID_ARGUMENT) return 18;
  return 0;
}
