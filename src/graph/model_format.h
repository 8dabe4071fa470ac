// Constants of the model file format (schema in octet_model.fbs).
#pragma once
#include <cstddef>
#include <cstdint>

namespace octet::graph {

// Schema version written by this library; files with a newer version are refused, and so are
// files older than kMinSchemaVersion (version 2 changed the int8 add arithmetic: AddOptions).
constexpr uint32_t kSchemaVersion = 2;
constexpr uint32_t kMinSchemaVersion = 2;
// Constant data offsets in the file are multiples of this.
constexpr size_t kBufferAlignment = 64;
// A caller-provided model buffer must be aligned at least like this (flatbuffers scalars).
constexpr size_t kMinBaseAlignment = 8;
// Limits that keep a hostile file from asking for absurd amounts of memory.
constexpr int kMaxRank = 6;
constexpr int64_t kMaxTensorElements = int64_t{1} << 30;

inline size_t align_up(size_t n, size_t a) { return (n + a - 1) / a * a; }

}  // namespace octet::graph
