#include "graph/memory_planner.h"

#include <algorithm>

#include "graph/model_format.h"

namespace octet::graph {
namespace {

struct Buffer {
  size_t size = 0;
  int first = 0, last = 0;
  size_t offset = 0;
};

}  // namespace

Plan plan_memory(const std::vector<PlanTensor>& tensors, const std::vector<PlanOp>& ops) {
  const int nt = static_cast<int>(tensors.size());
  const int nops = static_cast<int>(ops.size());
  Plan plan;
  plan.offset.assign(nt, 0);
  plan.pixel_stride.assign(nt, 0);
  plan.scratch_offset.assign(nops, 0);
  plan.concat_in_place.assign(nops, 0);

  // Storage root of each tensor and its byte offset inside the root.
  std::vector<int> root(nt);
  std::vector<size_t> sub(nt, 0);
  for (int t = 0; t < nt; ++t) {
    root[t] = t;
    plan.pixel_stride[t] = tensors[t].channels;
  }
  std::vector<int> producer(nt, -1), readers(nt, 0);
  for (int i = 0; i < nops; ++i) {
    if (ops[i].output >= 0) producer[ops[i].output] = i;
    for (int t : ops[i].inputs) ++readers[t];
  }
  // Concats first (their inputs are written before them, so the slice decision is final before
  // any reshape aliases are resolved in order below).
  for (int i = 0; i < nops; ++i) {
    const PlanOp& op = ops[i];
    if (op.kind != PlanOp::kConcat || !op.concat_quant_ok) continue;
    const int out = op.output;
    if (tensors[out].model_input) continue;
    bool ok = true;
    for (int t : op.inputs) {
      const PlanTensor& x = tensors[t];
      const int p = producer[t];
      if (x.constant || x.model_input || x.model_output || p < 0 ||
          ops[p].kind != PlanOp::kStridedProducer || readers[t] != 1)
        ok = false;
    }
    if (!ok) continue;
    plan.concat_in_place[i] = 1;
    size_t channel_offset = 0;
    for (int t : op.inputs) {
      root[t] = out;
      sub[t] = channel_offset * tensors[t].elem_size;
      plan.pixel_stride[t] = tensors[out].channels;
      channel_offset += tensors[t].channels;
    }
  }
  // Reshape aliases, in execution order (chains resolve to the first storage).
  for (int i = 0; i < nops; ++i) {
    const PlanOp& op = ops[i];
    if (op.kind != PlanOp::kReshape) continue;
    const int in = op.inputs[0], out = op.output;
    root[out] = root[in];
    sub[out] = sub[in];
  }
  // Find the final root (a concat output can itself be a reshape of... no: roots are resolved by
  // following the chain).
  auto find = [&](int t) {
    size_t off = 0;
    while (root[t] != t) {
      off += sub[t];
      t = root[t];
    }
    return std::make_pair(t, off);
  };

  // Lifetimes per root.
  const int end = nops;  // "after the last operator"
  std::vector<int> first(nt, -1), last(nt, -1);
  auto touch = [&](int t, int step) {
    const int r = find(t).first;
    if (first[r] < 0 || step < first[r]) first[r] = step;
    if (step > last[r]) last[r] = step;
  };
  for (int t = 0; t < nt; ++t) {
    if (tensors[t].constant) continue;
    if (tensors[t].model_input) { touch(t, 0); touch(t, end); }
    if (tensors[t].model_output) touch(t, end);
  }
  for (int i = 0; i < nops; ++i) {
    for (int t : ops[i].inputs)
      if (!tensors[t].constant) touch(t, i);
    if (ops[i].output >= 0) touch(ops[i].output, i);
  }
  std::vector<Buffer> bufs;
  std::vector<int> buf_of_root(nt, -1);
  for (int t = 0; t < nt; ++t) {
    if (tensors[t].constant || find(t).first != t || first[t] < 0) continue;
    buf_of_root[t] = static_cast<int>(bufs.size());
    bufs.push_back({align_up(std::max<size_t>(tensors[t].bytes, 1), Plan::kAlignment), first[t], last[t], 0});
  }
  std::vector<int> buf_of_scratch(nops, -1);
  for (int i = 0; i < nops; ++i)
    if (ops[i].scratch_bytes > 0) {
      buf_of_scratch[i] = static_cast<int>(bufs.size());
      bufs.push_back({align_up(ops[i].scratch_bytes, Plan::kAlignment), i, i, 0});
    }

  // Greedy by size, best fit among the time-overlapping buffers already placed.
  std::vector<int> order(bufs.size());
  for (size_t k = 0; k < order.size(); ++k) order[k] = static_cast<int>(k);
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    if (bufs[a].size != bufs[b].size) return bufs[a].size > bufs[b].size;
    return bufs[a].first < bufs[b].first;
  });
  std::vector<int> placed;
  std::vector<std::pair<size_t, size_t>> busy;  // [begin, end) of overlapping buffers
  for (int k : order) {
    Buffer& b = bufs[k];
    busy.clear();
    for (int p : placed)
      if (bufs[p].first <= b.last && b.first <= bufs[p].last)
        busy.emplace_back(bufs[p].offset, bufs[p].offset + bufs[p].size);
    std::sort(busy.begin(), busy.end());
    size_t best = SIZE_MAX, best_gap = SIZE_MAX, cursor = 0;
    for (const auto& iv : busy) {
      if (iv.first > cursor) {
        const size_t gap = iv.first - cursor;
        if (gap >= b.size && gap < best_gap) {
          best_gap = gap;
          best = cursor;
        }
      }
      cursor = std::max(cursor, iv.second);
    }
    b.offset = best != SIZE_MAX ? best : cursor;
    plan.arena_bytes = std::max(plan.arena_bytes, b.offset + b.size);
    placed.push_back(k);
  }
  for (int s = 0; s <= end; ++s) {
    size_t live = 0;
    for (const Buffer& b : bufs)
      if (b.first <= s && s <= b.last) live += b.size;
    plan.lower_bound_bytes = std::max(plan.lower_bound_bytes, live);
  }
  for (int t = 0; t < nt; ++t) {
    if (tensors[t].constant) continue;
    auto [r, off] = find(t);
    if (buf_of_root[r] >= 0) plan.offset[t] = bufs[buf_of_root[r]].offset + off;
  }
  for (int i = 0; i < nops; ++i)
    if (buf_of_scratch[i] >= 0) plan.scratch_offset[i] = bufs[buf_of_scratch[i]].offset;
  plan.num_buffers = bufs.size();
  return plan;
}

}  // namespace octet::graph
