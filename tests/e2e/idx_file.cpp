#include "idx_file.h"

#include <fstream>
#include <iterator>

namespace octet::e2e {

bool read_idx_u8(const std::string& path, IdxFile* out, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) { *error = path + ": cannot open"; return false; }
  const std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  auto be32 = [&](size_t o) {
    return static_cast<uint32_t>(b[o]) << 24 | static_cast<uint32_t>(b[o + 1]) << 16 |
           static_cast<uint32_t>(b[o + 2]) << 8 | b[o + 3];
  };
  if (b.size() < 4 || b[0] != 0 || b[1] != 0 || b[2] != 0x08 || b[3] < 1 || b[3] > 4) {
    *error = path + ": not an uint8 IDX file (bad magic)";
    return false;
  }
  const size_t rank = b[3], header = 4 + 4 * rank;
  if (b.size() < header) { *error = path + ": truncated header"; return false; }
  size_t n = 1;
  out->dims.clear();
  for (size_t d = 0; d < rank; ++d) {
    out->dims.push_back(static_cast<int>(be32(4 + 4 * d)));
    n *= out->dims.back();
  }
  if (b.size() != header + n) {
    *error = path + ": " + std::to_string(b.size() - header) + " data bytes, dims say " + std::to_string(n);
    return false;
  }
  out->data.assign(b.begin() + header, b.end());
  return true;
}

}  // namespace octet::e2e
