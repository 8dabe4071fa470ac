#!/usr/bin/env node
// Runs an ONNX model with ONNX Runtime (npm onnxruntime-node, CPU provider) on raw float32 data:
//
//   node tools/ort/run_ort.js MODEL.onnx INPUT.bin OUTPUT.bin [--shape 1,3,224,224]
//                             [--threads N] [--opt disabled|basic|extended|all]
//
// INPUT.bin / OUTPUT.bin: raw little-endian float32, no header (NCHW for the zoo). The input
// shape is read from the model's first non-initializer graph input unless --shape is given; the
// first graph output is written and its name and shape are printed on stdout.
// onnxruntime-node is looked up in $OCTET_ORT_DIR/node_modules, else build/ort/node_modules of
// this checkout (tools/ort/install_ort.sh puts it there).
'use strict';
const fs = require('fs');
const path = require('path');

function usage(msg) {
  if (msg) console.error(`run_ort: ${msg}`);
  console.error('usage: run_ort.js MODEL.onnx INPUT.bin OUTPUT.bin [--shape d0,d1,...] [--threads N] ' +
                '[--opt disabled|basic|extended|all]');
  process.exit(2);
}

// Minimal protobuf reader: just enough of onnx.proto to find the graph inputs' names and shapes.
function* fields(buf, start = 0, end = buf.length) {
  let p = start;
  const varint = () => {
    let v = 0n, shift = 0n;
    for (;;) {
      if (p >= end) throw new Error('truncated protobuf');
      const b = buf[p++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (p < end) {
    const key = Number(varint());
    const field = key >>> 3, wire = key & 7;
    if (wire === 0) yield {field, value: varint()};
    else if (wire === 1) { p += 8; }
    else if (wire === 5) { p += 4; }
    else if (wire === 2) {
      const len = Number(varint());
      yield {field, start: p, end: p + len};
      p += len;
    } else throw new Error(`unsupported protobuf wire type ${wire}`);
  }
}
const sub = (buf, f, n) => [...fields(buf, f.start, f.end)].filter((x) => x.field === n);
const str = (buf, f) => buf.toString('utf8', f.start, f.end);

function graphInputs(buf) {
  const graph = [...fields(buf)].find((f) => f.field === 7);  // ModelProto.graph
  if (!graph) throw new Error('no graph in model');
  const inits = new Set(sub(buf, graph, 5).map((t) => {        // GraphProto.initializer
    const name = sub(buf, t, 8)[0];                            // TensorProto.name
    return name ? str(buf, name) : '';
  }));
  const inputs = [];
  for (const vi of sub(buf, graph, 11)) {                      // GraphProto.input
    const name = str(buf, sub(buf, vi, 1)[0]);
    if (inits.has(name)) continue;
    const dims = [];
    for (const type of sub(buf, vi, 2))                        // ValueInfoProto.type
      for (const tensor of sub(buf, type, 1))                  // TypeProto.tensor_type
        for (const shape of sub(buf, tensor, 2))               // Tensor.shape
          for (const dim of sub(buf, shape, 1)) {              // TensorShapeProto.dim
            const v = [...fields(buf, dim.start, dim.end)].find((x) => x.field === 1);
            dims.push(v ? Number(v.value) : -1);               // dim_param -> unknown
          }
    inputs.push({name, dims});
  }
  return inputs;
}

function loadOrt() {
  const root = path.resolve(__dirname, '..', '..');
  const dirs = [process.env.OCTET_ORT_DIR, path.join(root, 'build', 'ort')].filter(Boolean);
  for (const d of dirs) {
    const p = path.join(d, 'node_modules', 'onnxruntime-node');
    if (fs.existsSync(p)) return require(p);
  }
  console.error(`run_ort: onnxruntime-node not found in ${dirs.join(' or ')}; run bash tools/ort/install_ort.sh`);
  process.exit(3);
}

async function main() {
  const pos = [];
  const opt = {threads: 1, opt: 'all', shape: null};
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--shape') opt.shape = (argv[++i] || usage('--shape needs a value')).split(',').map(Number);
    else if (a === '--threads') opt.threads = Number(argv[++i]);
    else if (a === '--opt') opt.opt = argv[++i];
    else if (a.startsWith('--')) usage(`unknown option ${a}`);
    else pos.push(a);
  }
  if (pos.length !== 3) usage();
  const [modelPath, inPath, outPath] = pos;
  const ort = loadOrt();

  const modelBuf = fs.readFileSync(modelPath);
  const inputs = graphInputs(modelBuf);
  if (inputs.length !== 1) throw new Error(`model has ${inputs.length} graph inputs; run_ort handles one`);
  const shape = opt.shape || inputs[0].dims;
  if (shape.some((d) => !(d > 0))) throw new Error(`input ${inputs[0].name} has unknown dims [${shape}]: pass --shape`);

  const raw = fs.readFileSync(inPath);
  const count = shape.reduce((a, b) => a * b, 1);
  if (raw.length !== count * 4) {
    throw new Error(`${inPath}: ${raw.length} bytes, input ${inputs[0].name} [${shape}] needs ${count * 4}`);
  }
  const data = new Float32Array(count);
  for (let i = 0; i < count; i++) data[i] = raw.readFloatLE(i * 4);

  const session = await ort.InferenceSession.create(modelBuf, {
    executionProviders: ['cpu'], intraOpNumThreads: opt.threads, interOpNumThreads: 1,
    graphOptimizationLevel: opt.opt,
  });
  const results = await session.run({[inputs[0].name]: new ort.Tensor('float32', data, shape)});
  const name = session.outputNames[0];
  const out = results[name];
  if (out.type !== 'float32') throw new Error(`output ${name} is ${out.type}, not float32`);
  const buf = Buffer.alloc(out.data.length * 4);
  for (let i = 0; i < out.data.length; i++) buf.writeFloatLE(out.data[i], i * 4);
  fs.writeFileSync(outPath, buf);
  console.log(`${name} [${out.dims.join(',')}] -> ${outPath}`);
}

main().catch((e) => { console.error(`run_ort: ${e.message || e}`); process.exit(1); });
