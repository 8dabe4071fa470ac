// libFuzzer target over the model loader: any byte string either loads or is refused with a
// status; a file that loads (and is small enough to run quickly) must also plan, bind and run.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "octet/octet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // The loader wants an 8-byte aligned buffer (64 for aligned weights), like mmap gives.
  void* buf = std::aligned_alloc(64, (size + 63) / 64 * 64 + 64);
  if (size) std::memcpy(buf, data, size);
  std::shared_ptr<const octet::Model> model;
  octet::Status st = octet::Model::load_buffer(buf, size, &model);
  if (st.ok()) {
    std::unique_ptr<octet::Interpreter> it;
    octet::InterpreterOptions o;
    if (octet::Interpreter::create(model, o, &it).ok()) {
      uint64_t macs = 0;
      for (const auto& p : it->profile()) macs += p.macs;
      if (it->memory_info().arena_bytes < (4u << 20) && macs < 20000000) {
        for (int i = 0; i < model->num_inputs(); ++i)
          std::memset(it->input_data(i), 1, model->input_info(i).bytes);
        (void)it->run();
      }
    }
    it.reset();
    model.reset();
  } else if (st.message().empty()) {
    std::abort();  // every refusal names what is wrong
  }
  std::free(buf);
  return 0;
}
