// IDX files (the MNIST format, uncompressed): big-endian uint32 magic 0x00000800 | type << 8 | rank,
// then `rank` big-endian uint32 dims, then the bytes (type 0x08 = uint8 only).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace octet::e2e {

struct IdxFile {
  std::vector<int> dims;
  std::vector<uint8_t> data;
};

// false with a message naming the file and the defect.
bool read_idx_u8(const std::string& path, IdxFile* out, std::string* error);

}  // namespace octet::e2e
