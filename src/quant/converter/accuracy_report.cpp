#include "quant/converter/accuracy_report.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "quant/converter/float_executor.h"
#include "quant/converter/int8_executor.h"
#include "quant/converter/progress_bar.h"

namespace octet::convert {

double sqnr_db(double signal, double noise) {
  if (noise <= 0.0) return kSqnrCap;
  if (signal <= 0.0) return -kSqnrCap;
  return std::min(kSqnrCap, 10.0 * std::log10(signal / noise));
}

namespace {

std::vector<double> probabilities(const std::vector<float>& v, bool already) {
  std::vector<double> p(v.begin(), v.end());
  if (already) return p;
  const double m = *std::max_element(p.begin(), p.end());
  double s = 0.0;
  for (double& x : p) s += (x = std::exp(x - m));
  for (double& x : p) x /= s;
  return p;
}

std::string json_escape(const std::string& s) {
  std::string o;
  for (char c : s) {
    if (c == '"' || c == '\\') o += '\\', o += c;
    else if (static_cast<unsigned char>(c) < 0x20) { char b[8]; std::snprintf(b, sizeof b, "\\u%04x", c); o += b; }
    else o += c;
  }
  return o;
}

}  // namespace

AccuracyReport evaluate(const Graph& g, const QuantizedGraph& q, const SampleSource& samples,
                        const InputNormalization& norm, bool progress) {
  AccuracyReport r;
  r.samples_from = samples.path();
  const std::vector<int> order = g.live_nodes();
  std::vector<double> sig(g.tensors.size(), 0.0), noise(g.tensors.size(), 0.0);
  FloatExecutor fexec(g);
  Int8Executor qexec(g, q);
  const int out = g.outputs[0];
  const bool softmax_out = g.tensors[out].producer >= 0 && g.nodes[g.tensors[out].producer].kind == OpKind::kSoftmax;
  size_t agree = 0;
  double kl_sum = 0.0;
  Sample s;
  ProgressBar bar("evaluating", samples.size());
  for (size_t i = 0; i < samples.size(); ++i) {
    if (progress) bar.update(i + 1);
    if (!samples.load(i, &s)) continue;
    fexec.run(s.input.data());
    if (!s.image.empty()) qexec.run_image(s.image.data(), norm);
    else qexec.run_float(s.input.data());
    for (int ni : order) {
      const int t = g.nodes[ni].outputs[0];
      const std::vector<float>& f = fexec.value(t);
      const std::vector<float> d = qexec.dequantized(t);
      for (size_t k = 0; k < f.size(); ++k) {
        sig[t] += static_cast<double>(f[k]) * f[k];
        noise[t] += static_cast<double>(f[k] - d[k]) * (f[k] - d[k]);
      }
    }
    const std::vector<float>& f = fexec.value(out);
    const std::vector<float> d = qexec.dequantized(out);
    agree += std::max_element(f.begin(), f.end()) - f.begin() == std::max_element(d.begin(), d.end()) - d.begin();
    const auto p = probabilities(f, softmax_out), qq = probabilities(d, softmax_out);
    double kl = 0.0;
    for (size_t k = 0; k < p.size(); ++k)
      if (p[k] > 0.0) kl += p[k] * std::log(p[k] / std::max(qq[k], 1e-12));
    kl_sum += kl;
    ++r.samples;
  }
  if (r.samples == 0) throw ConvertError(samples.path() + ": no readable evaluation sample");
  for (int ni : order) {
    const Node& n = g.nodes[ni];
    if (n.kind == OpKind::kReshape) continue;  // an alias: same values as its input
    const int t = n.outputs[0];
    r.layers.push_back({n.name, n.onnx_op, g.tensors[t].name, q.tensors[t].scale,
                        q.tensors[t].zero_point, sqnr_db(sig[t], noise[t])});
  }
  r.output_sqnr_db = sqnr_db(sig[out], noise[out]);
  r.top1_agreement = static_cast<double>(agree) / r.samples;
  r.kl = kl_sum / r.samples;
  return r;
}

std::string report_text(const AccuracyReport& r) {
  std::ostringstream s;
  char line[512];
  s << "per-layer SQNR (int8 vs float) on " << r.samples << " samples from " << r.samples_from << ":\n";
  for (const auto& l : r.layers) {
    std::snprintf(line, sizeof line, "  %-40s %-36s %7.2f dB  (scale %.4g, zp %d)\n", l.name.c_str(),
                  l.op.c_str(), l.sqnr_db, l.scale, l.zero_point);
    s << line;
  }
  std::snprintf(line, sizeof line, "output: SQNR %.2f dB, top-1 agreement %.2f %%, mean KL %.3g\n",
                r.output_sqnr_db, 100.0 * r.top1_agreement, r.kl);
  s << line;
  return s.str();
}

std::string report_json(const AccuracyReport& r, const std::string& extra) {
  std::ostringstream s;
  s.precision(6);
  s << "{\n";
  if (!extra.empty()) s << extra << ",\n";
  s << "  \"samples\": " << r.samples << ",\n  \"samples_from\": \"" << json_escape(r.samples_from) << "\",\n";
  s << "  \"layers\": [\n";
  for (size_t i = 0; i < r.layers.size(); ++i) {
    const auto& l = r.layers[i];
    s << "    {\"name\": \"" << json_escape(l.name) << "\", \"op\": \"" << json_escape(l.op)
      << "\", \"tensor\": \"" << json_escape(l.tensor) << "\", \"scale\": " << l.scale
      << ", \"zero_point\": " << l.zero_point << ", \"sqnr_db\": " << l.sqnr_db << "}"
      << (i + 1 < r.layers.size() ? "," : "") << "\n";
  }
  s << "  ],\n  \"output\": {\"sqnr_db\": " << r.output_sqnr_db << ", \"top1_agreement\": "
    << r.top1_agreement << ", \"kl\": " << r.kl << "}\n}\n";
  return s.str();
}

}  // namespace octet::convert
