// Window arithmetic shared by the max and average pooling kernels and the 3x3 depthwise kernels
// (internal linkage: included by sources compiled with different -march flags).
#pragma once

namespace octet::neon::detail {
namespace {

// Taps [*k0, *k1) of a window starting at input coordinate `origin` that lie inside [0, size).
inline void pool_tap_range(int origin, int kernel, int size, int* k0, int* k1) {
  int lo = origin < 0 ? -origin : 0, hi = kernel;
  if (origin + kernel > size) hi = size - origin;
  if (lo > kernel) lo = kernel;
  if (hi < lo) hi = lo;
  *k0 = lo;
  *k1 = hi;
}

// Output columns [*o0, *o1) whose whole window (kernel, stride, pad) lies inside [0, size).
inline void pool_interior_range(int out, int kernel, int stride, int pad, int size, int* o0, int* o1) {
  const int first = (pad + stride - 1) / stride;  // ox * stride - pad >= 0
  const int span = size - kernel + pad;           // ox * stride - pad + kernel <= size
  int last = span < 0 ? 0 : span / stride + 1;
  if (last > out) last = out;
  *o0 = first < last ? first : last;
  *o1 = last;
}

}  // namespace
}  // namespace octet::neon::detail
