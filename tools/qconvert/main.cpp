// qconvert: float ONNX model + calibration images -> octet int8 model file (see --help).
#include "quant/converter/converter.h"

int main(int argc, char** argv) { return octet::convert::qconvert_main(argc, argv); }
