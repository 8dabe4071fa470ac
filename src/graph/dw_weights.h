// Depthwise weights stored in the NEON depthwise packing (fb::Layout::DW_C8I16 = the kernels'
// kDwconvLayoutC8I16, format in kernels/neon/dwconv.h): the load-time check of such a buffer, and
// its unpacking to raw OHWI int8 for the paths without a NEON depthwise kernel (ref, i8mm).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/op_params.h"

namespace octet::graph {

// The buffer is a depthwise packing for geometry g: the NEON depthwise operator takes g, the
// size is dwconv_packed_size(g) and the header names the layout, the padded channel count and the
// tap count. False + the reason otherwise.
bool dw_packed_valid(const ConvGeometry& g, const void* data, size_t size, std::string* why);

// Raw OHWI int8 weights [out_c][kh][kw][1] from a valid packing: w = stored (w - z_c) + z_c.
// zero_points: per output channel (null: all 0). False when a value falls outside [-127, 127]
// (a buffer that does not come from dwconv_pack).
bool dw_unpack_ohwi(const ConvGeometry& g, const void* data, const int32_t* zero_points,
                    int8_t* weights);

}  // namespace octet::graph
