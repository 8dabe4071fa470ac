// octet-run: classify an image file with an octet model (see --help).
#include "octet_run.h"

int main(int argc, char** argv) { return octet::tools::octet_run_main(argc, argv); }
