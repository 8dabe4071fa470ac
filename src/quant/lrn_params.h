// The int8 LRN's parameters from the operator's attributes and the quantization of its input and
// output. One maker for the runtime (bound once per Interpreter), the converter's int8 simulation
// and the tests, so they cannot fill the struct differently.
#pragma once
#include "kernels/ref/ref_kernels.h"
#include "quant/quant_params.h"

namespace octet {

inline ref::LrnParams make_lrn_params(int size, float alpha, float beta, float bias, QuantParams input,
                                      QuantParams output) {
  ref::LrnParams p;
  p.size = size;
  p.alpha = alpha;
  p.beta = beta;
  p.bias = bias;
  p.input_scale = input.scale;
  p.input_zero_point = input.zero_point;
  p.output_scale = output.scale;
  p.output_zero_point = output.zero_point;
  return p;
}

}  // namespace octet
