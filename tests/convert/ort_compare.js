// Compares qconvert's float executor with ONNX Runtime on the generated test graphs.
//   node ort_compare.js ORT_DIR MODELS_DIR FLOAT_RUN_BINARY WORK_DIR
// Prints one line per model and "N passed, M failed" last. Relative error: max |a-b| / max |b|.
const path = require('path');
const fs = require('fs');
const { execFileSync } = require('child_process');
const [ortDir, modelsDir, floatRun, work] = process.argv.slice(2);
const ort = require(path.join(ortDir, 'node_modules', 'onnxruntime-node'));

function rng(seed) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 4294967296) * 2 - 1;
}

(async () => {
  let passed = 0, failed = 0;
  fs.mkdirSync(work, { recursive: true });
  const models = fs.readdirSync(modelsDir).filter((f) => f.endsWith('.onnx') && !f.startsWith('bad_')).sort();
  for (const f of models) {
    const file = path.join(modelsDir, f);
    try {
      const session = await ort.InferenceSession.create(file);
      const inName = session.inputNames[0];
      // Input shape from the model file's first input (ORT's node binding exposes names only).
      const dims = JSON.parse(execFileSync('/usr/bin/python3', ['-c',
        'import onnx,sys,json; m=onnx.load(sys.argv[1]); print(json.dumps([d.dim_value for d in m.graph.input[0].type.tensor_type.shape.dim]))',
        file]).toString());
      const n = dims.reduce((a, b) => a * b, 1);
      const r = rng(n + f.length);
      const x = new Float32Array(n);
      for (let i = 0; i < n; ++i) x[i] = r();
      const res = await session.run({ [inName]: new ort.Tensor('float32', x, dims) });
      const want = res[session.outputNames[0]].data;
      const inRaw = path.join(work, f + '.in'), outRaw = path.join(work, f + '.out');
      fs.writeFileSync(inRaw, Buffer.from(x.buffer));
      execFileSync(floatRun, [file, inRaw, outRaw]);
      const bytes = fs.readFileSync(outRaw);
      const got = new Float32Array(bytes.length / 4);
      for (let i = 0; i < got.length; ++i) got[i] = bytes.readFloatLE(4 * i);
      if (got.length !== want.length) throw new Error(`size ${got.length} vs ORT ${want.length}`);
      let maxDiff = 0, maxRef = 0;
      for (let i = 0; i < got.length; ++i) {
        maxDiff = Math.max(maxDiff, Math.abs(got[i] - want[i]));
        maxRef = Math.max(maxRef, Math.abs(want[i]));
      }
      const rel = maxDiff / Math.max(maxRef, 1e-30);
      const ok = rel <= 1e-4;
      console.log(`${ok ? 'PASS' : 'FAIL'} ${f}: max rel error ${rel.toExponential(2)} (${got.length} values)`);
      ok ? ++passed : ++failed;
    } catch (e) {
      console.log(`FAIL ${f}: ${e.message.split('\n')[0]}`);
      ++failed;
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
})();
