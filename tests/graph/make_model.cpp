// Writes a model made with the ModelBuilder (random weights) for the example and tool tests:
//   octet_make_model OUT.octet [small | mobilenet SIZE ALPHA CLASSES]
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "test_models.h"

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s OUT [small | mobilenet SIZE ALPHA CLASSES]\n", argv[0]);
    return 2;
  }
  octet::graph::ModelBuilder b = octet::testing::small_classifier();
  if (argc >= 6 && !std::strcmp(argv[2], "mobilenet"))
    b = octet::testing::mobilenet_v1(std::atoi(argv[3]), std::strtof(argv[4], nullptr), std::atoi(argv[5]));
  octet::Status st = b.save(argv[1]);
  if (!st.ok()) {
    std::fprintf(stderr, "error: %s\n", st.message().c_str());
    return 1;
  }
  return 0;
}
