#include "profile_table.h"

#include <algorithm>
#include <cstdio>

namespace octet::tools {
namespace {

std::string fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}

std::string si(double v) {  // 1.80 M, 12.3 G
  const char* units[] = {"", " k", " M", " G", " T"};
  int u = 0;
  while (v >= 1000.0 && u < 4) { v /= 1000.0; ++u; }
  return fmt(u == 0 ? "%.0f" : "%.2f", v) + units[u];
}

}  // namespace

std::string format_profile_table(const std::vector<OpProfile>& ops) {
  size_t wn = 8, wt = 4, wk = 6;
  for (const OpProfile& p : ops) {
    wn = std::max(wn, p.name.size());
    wt = std::max(wt, p.type.size());
    wk = std::max(wk, p.kernel.size());
  }
  std::string s;
  char line[512];
  std::snprintf(line, sizeof line, "%3s  %-*s  %-*s  %-*s  %10s  %10s  %10s  %6s\n", "#",
                static_cast<int>(wn), "operator", static_cast<int>(wt), "type",
                static_cast<int>(wk), "kernel", "ms/run", "MACs", "MAC/s", "share");
  s += line;
  double total = 0;
  uint64_t macs = 0;
  for (size_t i = 0; i < ops.size(); ++i) {
    const OpProfile& p = ops[i];
    const double per_run = p.runs ? p.seconds / p.runs : 0.0;
    total += per_run;
    macs += p.macs;
    std::snprintf(line, sizeof line, "%3zu  %-*s  %-*s  %-*s  %10.3f  %10s  %10s  %5.1f%%\n", i,
                  static_cast<int>(wn), p.name.c_str(), static_cast<int>(wt), p.type.c_str(),
                  static_cast<int>(wk), p.kernel.c_str(), per_run * 1e3,
                  p.macs ? si(static_cast<double>(p.macs)).c_str() : "-",
                  p.macs ? si(p.macs_per_second).c_str() : "-", p.share * 100.0);
    s += line;
  }
  std::snprintf(line, sizeof line, "%3s  %-*s  %-*s  %-*s  %10.3f  %10s  %10s  %5.1f%%\n", "",
                static_cast<int>(wn), "total", static_cast<int>(wt), "", static_cast<int>(wk), "",
                total * 1e3, si(static_cast<double>(macs)).c_str(),
                total > 0 ? si(macs / total).c_str() : "-", 100.0);
  s += line;
  return s;
}

}  // namespace octet::tools
