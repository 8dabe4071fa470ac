// Model accessors of the public API.
#include "graph/model_impl.h"
#include "kernels/neon/isa.h"

namespace octet {

namespace {
TensorInfo info_of(const graph::TensorDesc& d) {
  TensorInfo t;
  t.name = d.name;
  t.dtype = d.dtype;
  t.shape = d.shape;
  t.scale = d.scale();
  t.zero_point = d.zero_point();
  t.elements = static_cast<size_t>(d.elements);
  t.bytes = d.bytes;
  return t;
}
}  // namespace

int Model::num_inputs() const { return static_cast<int>(impl_->inputs.size()); }
int Model::num_outputs() const { return static_cast<int>(impl_->outputs.size()); }
TensorInfo Model::input_info(int i) const {
  if (i < 0 || i >= num_inputs()) return {};
  return info_of(impl_->tensors[impl_->inputs[i]]);
}
TensorInfo Model::output_info(int i) const {
  if (i < 0 || i >= num_outputs()) return {};
  return info_of(impl_->tensors[impl_->outputs[i]]);
}
int Model::num_operators() const { return static_cast<int>(impl_->ops.size()); }
size_t Model::file_size() const { return impl_->size; }
std::string Model::description() const { return impl_->description; }

const char* core_class() { return neon::core_class_name(neon::active_core_class()); }

const char* isa_name(Isa isa) {
  switch (isa) {
    case Isa::kAuto: return "auto";
    case Isa::kRef: return "ref";
    case Isa::kV80: return "v80";
    case Isa::kDotprod: return "dotprod";
    case Isa::kI8mm: return "i8mm";
    case Isa::kArmv7: return "armv7";
  }
  return "?";
}

const char* version_string() { return "octet 0.1.0"; }

}  // namespace octet
