#include "quant/converter/calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "quant/converter/float_executor.h"
#include "quant/converter/progress_bar.h"

namespace octet::convert {
namespace {

void min_max(const std::vector<float>& v, std::pair<float, float>* r) {
  for (float x : v) {
    if (x < r->first) r->first = x;
    if (x > r->second) r->second = x;
    if (std::isnan(x)) r->first = r->second = NAN;
  }
}

}  // namespace

CalibrationResult calibrate(const Graph& g, const SampleSource& samples, RangeMethod method,
                            const std::vector<PerChannelQuant>* bc_weights, bool progress) {
  const float inf = std::numeric_limits<float>::infinity();
  CalibrationResult r;
  r.minmax.assign(g.tensors.size(), {inf, -inf});
  const std::vector<int> order = g.live_nodes();
  std::vector<int> tensors = {g.input};
  for (int i : order) tensors.push_back(g.nodes[i].outputs[0]);

  // Bias correction: delta weights w - dequant(quant(w)) and per-channel sums.
  std::vector<std::vector<float>> delta_w(g.nodes.size());
  std::vector<std::vector<double>> delta_sum(g.nodes.size());
  if (bc_weights) {
    for (int i : order) {
      const Node& n = g.nodes[i];
      const PerChannelQuant& q = (*bc_weights)[i];
      if (q.values.empty()) continue;
      const int C = n.conv.out_c;
      const size_t K = n.weights.size() / C;
      delta_w[i].resize(n.weights.size());
      for (int c = 0; c < C; ++c)
        for (size_t k = 0; k < K; ++k)
          delta_w[i][c * K + k] = n.weights[c * K + k] - q.scales[c] * (q.values[c * K + k] - q.zero_points[c]);
      delta_sum[i].assign(C, 0.0);
    }
  }

  FloatExecutor exec(g);
  Sample s;
  const bool histograms = method != RangeMethod::kMinMax;
  const size_t passes = histograms ? 2 : 1;
  ProgressBar bar("calibrating", samples.size() * passes);
  std::vector<Histogram> hist(g.tensors.size());
  std::vector<float> tmp, zeros;
  for (size_t pass = 0; pass < passes; ++pass) {
    if (pass == 1)
      for (int t : tensors) {
        const auto& mm = r.minmax[t];
        if (std::isfinite(mm.first) && std::isfinite(mm.second)) hist[t].init(mm.first, mm.second);
      }
    size_t used = 0;
    for (size_t i = 0; i < samples.size(); ++i) {
      if (progress) bar.update(pass * samples.size() + i + 1);
      if (!samples.load(i, &s)) continue;
      ++used;
      exec.run(s.input.data());
      for (int t : tensors) {
        if (pass == 0) min_max(exec.value(t), &r.minmax[t]);
        else hist[t].add(exec.value(t).data(), exec.value(t).size());
      }
      if (pass != 0) continue;
      for (int ni : order) {
        if (delta_w[ni].empty()) continue;
        const Node& n = g.nodes[ni];
        const Tensor& y = g.tensors[n.outputs[0]];
        tmp.resize(y.elements());
        zeros.assign(n.conv.out_c, 0.0f);
        run_float_node(g, n, {exec.value(n.inputs[0]).data()}, tmp.data(), delta_w[ni].data(), zeros.data(), false);
        const int C = y.channels();
        for (size_t p = 0; p < tmp.size(); ++p) delta_sum[ni][p % C] += tmp[p] / y.pixels();
      }
    }
    if (used == 0)
      throw ConvertError(samples.path() + ": no readable calibration sample");
    r.samples = used;
  }
  r.ranges.assign(g.tensors.size(), {0.0f, 0.0f});
  for (int t : tensors) {
    const auto& mm = r.minmax[t];
    select_range(method, mm.first, mm.second, histograms && !hist[t].counts.empty() ? &hist[t] : nullptr,
                 &r.ranges[t].first, &r.ranges[t].second);
  }
  if (bc_weights) {
    r.bias_delta.resize(g.nodes.size());
    for (int i : order)
      for (double d : delta_sum[i]) r.bias_delta[i].push_back(static_cast<float>(d / r.samples));
  }
  return r;
}

}  // namespace octet::convert
