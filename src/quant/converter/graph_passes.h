// Rewrites of the float IR after import, in this order: drop Identity/Dropout, fold zero Pad into
// the following convolution or average pool, fold BatchNorm and constant Add into the preceding
// convolution / fully connected (standalone ones become a depthwise 1x1 convolution), fuse
// ReLU / ReLU6 / Clip into the producer's clamp. Afterwards only executable kinds remain (a Pad
// that could not be folded is a ConvertError naming the node).
#pragma once
#include "quant/converter/graph_ir.h"

namespace octet::convert {

void run_graph_passes(Graph& g);

}  // namespace octet::convert
