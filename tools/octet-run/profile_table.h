// The per-operator profile of an Interpreter (InterpreterOptions::profile) as a text table:
// operator, type, kernel, time per run, MACs, achieved MAC/s, share of the total.
#pragma once
#include <string>
#include <vector>

#include "octet/octet.h"

namespace octet::tools {

std::string format_profile_table(const std::vector<OpProfile>& ops);

}  // namespace octet::tools
