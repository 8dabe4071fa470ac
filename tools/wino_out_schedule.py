#!/usr/bin/env python3
"""Generates src/kernels/neon/wino_f33_output_aarch64.inc: the aarch64 assembly of one Winograd
F(3x3, 3x3) output tile of the v80 path (wino_f33.cpp): Y = A^T M A for 8 channels, the exact
division by 36, bias, requantization (no positive shift) and the nine 8-byte stores.

The tile is written as a dependency graph over virtual registers: the rows of M loaded by LD1 of
two or four registers (they issue beside NEON instructions on the in-order A53), row i's M A
(three values per channel half) added straight into the nine outputs of both halves (18
accumulators and one row of M live, instead of the 30 partial sums of A^T M first), then
MUL by 9^-1 mod 2^32, SSHR #2 + bias, SQRDMULH, SRSHL and the narrowing. An in-order list
scheduler (one NEON and one load/store per cycle, NEON latency 6, in-order writeback) orders it and
allocates the 32 vector registers as it goes; random priority perturbations are searched and each
candidate is costed with llvm-mca-19 on the Cortex-A53 model (what armperf uses); the cheapest is
kept.

  /usr/bin/python3 tools/wino_out_schedule.py 150 > src/kernels/neon/wino_f33_output_aarch64.inc
"""
import functools
import random
import re
import subprocess
import sys

TRIALS = int(sys.argv[1]) if len(sys.argv) > 1 else 100
LAT = {'V': 6, 'L2': 5, 'L4': 7, 'S': 1, 'A': 2}
BUSY = {'L2': 2, 'L4': 4, 'S': 1}  # cycles the load/store pipe is taken
DEBUG = False
RESERVE = 2  # vector registers a load must leave free

ops = []


def op(kind, text, dsts=(), srcs=(), after=()):
    """text uses {d0}.. for destination registers and {s0}.. for source registers."""
    ops.append(dict(kind=kind, text=text, dsts=list(dsts), srcs=list(srcs), after=list(after), id=len(ops)))
    return len(ops) - 1


def build():
    # Addresses of the 15 loads of M (row i: positions 5i, 5i+1 | 5i+2, 5i+3 | 5i+4, 32 bytes each).
    addr = {}
    for i in range(5):
        for part, off in enumerate((0, 64, 128)):
            if i == 0 and part == 0:
                addr[(i, part)] = '%[m]'
                continue
            a = op('A', f'add {{x{i}{part}}}, %[m], #{160 * i + off}')
            addr[(i, part)] = a
    # Constants: bias lo/hi, mult lo/hi, right shifts lo/hi, zp (int16), qmin, qmax (int8), 1/9.
    # (%[k2] = %[k] + 64 and %[k3] = %[k] + 128 come as operands.)
    op('L4', 'ld1 {{{d0}.16b, {d1}.16b, {d2}.16b, {d3}.16b}}, [%[k]]', dsts=['blo', 'bhi', 'mlo', 'mhi'])
    op('L4', 'ld1 {{{d0}.16b, {d1}.16b, {d2}.16b, {d3}.16b}}, [%[k2]]', dsts=['rlo', 'rhi', 'zp', 'qmin'])
    op('L2', 'ld1 {{{d0}.16b, {d1}.16b}}, [%[k3]]', dsts=['qmax', 'inv9'])
    const_loads = [len(ops) - 3, len(ops) - 2, len(ops) - 1]

    def base(i, part):
        a = addr[(i, part)]
        return ('%[m]', []) if a == '%[m]' else ('{x%d%d}' % (i, part), [a])

    R = {}  # R[(i, h, c)]: value name of row i's M A, half h, column c
    gate = []  # row i's loads wait for the previous row's first differences (register pressure)
    for i in range(5):
        b, dep = base(i, 0)
        dep = dep + gate
        op('L4', 'ld1 {{{d0}.4s, {d1}.4s, {d2}.4s, {d3}.4s}}, [%s]' % b,
           dsts=[f'm{i}0l', f'm{i}0h', f'm{i}1l', f'm{i}1h'], after=dep)
        b, dep = base(i, 1)
        dep = dep + gate + [len(ops) - 1]  # loads of a row in order
        op('L4', 'ld1 {{{d0}.4s, {d1}.4s, {d2}.4s, {d3}.4s}}, [%s]' % b,
           dsts=[f'm{i}2l', f'm{i}2h', f'm{i}3l', f'm{i}3h'], after=dep)
        b, dep = base(i, 2)
        dep = dep + gate + [len(ops) - 1]
        row_loads = [len(ops) - 2, len(ops) - 1]
        op('L2', 'ld1 {{{d0}.4s, {d1}.4s}}, [%s]' % b, dsts=[f'm{i}4l', f'm{i}4h'], after=dep)
        row_loads.append(len(ops) - 1)
        gate = []
        for h in 'lh':
            v = lambda j: f'm{i}{j}{h}'
            p = f'r{i}{h}'
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [p + 's12'], [v(1), v(2)])
            gate.append(op('V', 'sub {d0}.4s, {s0}.4s, {s1}.4s', [p + 'd12'], [v(1), v(2)]))
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [p + 't0'], [p + 's12', v(0)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [p + 'c0'], [p + 't0', v(3)])
            op('V', 'shl {d0}.4s, {s0}.4s, #1', [p + 'm3x2'], [v(3)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [p + 'c1'], [p + 'd12', p + 'm3x2'])
            op('V', 'shl {d0}.4s, {s0}.4s, #2', [p + 'm3x4'], [v(3)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [p + 't2'], [p + 's12', v(4)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [p + 'c2'], [p + 't2', p + 'm3x4'])
            for c in range(3):
                R[(i, h, c)] = p + f'c{c}'
    for c in const_loads:
        ops[c]['after'] += gate
    Y = {}
    for h in 'lh':
        for c in range(3):
            r = lambda i: R[(i, h, c)]
            y = f'y{h}{c}'
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '0a'], [r(0), r(1)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '0b'], [y + '0a', r(2)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '0'], [y + '0b', r(3)])
            op('V', 'sub {d0}.4s, {s0}.4s, {s1}.4s', [y + '1a'], [r(1), r(2)])
            op('V', 'shl {d0}.4s, {s0}.4s, #1', [y + 'u'], [r(3)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '1'], [y + '1a', y + 'u'])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '2a'], [r(1), r(2)])
            op('V', 'shl {d0}.4s, {s0}.4s, #2', [y + 'w'], [r(3)])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '2b'], [y + '2a', y + 'w'])
            op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [y + '2'], [y + '2b', r(4)])
            for row in range(3):
                Y[(h, row, c)] = y + str(row)
    for row in range(3):
        for c in range(3):
            q = {}
            for h in 'lh':
                y = Y[(h, row, c)]
                n = f'q{row}{c}{h}'
                op('V', 'mul {d0}.4s, {s0}.4s, {s1}.4s', [n + 'a'], [y, 'inv9'])
                op('V', 'sshr {d0}.4s, {s0}.4s, #2', [n + 'b'], [n + 'a'])
                op('V', 'add {d0}.4s, {s0}.4s, {s1}.4s', [n + 'c'], [n + 'b', 'blo' if h == 'l' else 'bhi'])
                op('V', 'sqrdmulh {d0}.4s, {s0}.4s, {s1}.4s', [n + 'd'], [n + 'c', 'mlo' if h == 'l' else 'mhi'])
                op('V', 'srshl {d0}.4s, {s0}.4s, {s1}.4s', [n + 'e'], [n + 'd', 'rlo' if h == 'l' else 'rhi'])
                q[h] = n + 'e'
            p = f'p{row}{c}'
            op('V', 'sqxtn {d0}.4h, {s0}.4s', [p + 'a'], [q['l']])
            op('V', 'sqxtn2 {d0}.8h, {s0}.4s', [p + 'b'], [q['h']], after=[len(ops) - 1])
            ops[-1]['tied'] = p + 'a'  # reads and writes the same register
            op('V', 'sqadd {d0}.8h, {s0}.8h, {s1}.8h', [p + 'c'], [p + 'b', 'zp'])
            op('V', 'sqxtn {d0}.8b, {s0}.8h', [p + 'd'], [p + 'c'])
            op('V', 'smax {d0}.8b, {s0}.8b, {s1}.8b', [p + 'e'], [p + 'd', 'qmin'])
            op('V', 'smin {d0}.8b, {s0}.8b, {s1}.8b', [p + 'f'], [p + 'e', 'qmax'])
            dst = ['[%[o{r}]]', '[%[o{r}], %[ps]]', '[%[o{r}], %[ps2]]'][c].format(r=row)
            op('S', 'str {s0:d}, ' + dst, [], [p + 'f'])


build()
prod = {}
for o in ops:
    for d in o['dsts']:
        prod[d] = o['id']
    if 'tied' in o:
        o['srcs'].append(o['tied'])
succ = {o['id']: set() for o in ops}
for o in ops:
    for s in o['srcs']:
        if s in prod:
            succ[prod[s]].add(o['id'])
    for a in o['after']:
        succ[a].add(o['id'])
uses = {}
for o in ops:
    for s in o['srcs']:
        uses.setdefault(s, []).append(o['id'])


@functools.lru_cache(None)
def height(i):
    o = ops[i]
    return LAT.get(o['kind'], 1) + max([height(s) for s in succ[i]] or [0])


def runs(free, n):
    """Start registers of n consecutive (mod 32) free vector registers."""
    f = set(int(r[1:]) for r in free)
    return [a for a in range(32) if all((a + j) % 32 in f for j in range(n))]


def schedule(rng, noise):
    done = {}
    order = []
    remaining = set(o['id'] for o in ops)
    free = [f'v{i}' for i in range(32)]
    reg = {}
    left = {k: len(v) for k, v in uses.items()}
    cycle = 0
    last_wb = 0
    mem_busy = 0
    pr = {i: height(i) + rng.uniform(0, noise) for i in remaining}
    slots = 0
    used = set()
    while remaining:
        best = None
        for i in remaining:
            o = ops[i]
            k = o['kind']
            if any(a not in done for a in o['after']):
                continue
            t = 0
            ok = True
            for s in o['srcs']:
                if s not in prod:
                    continue
                j = prod[s]
                if j not in done:
                    ok = False
                    break
                t = max(t, done[j] + LAT[ops[j]['kind']])
            if not ok or t > cycle:
                continue
            need = len(o['dsts']) - (1 if 'tied' in o else 0)
            # a destination can reuse a source register whose last use this is
            freeing = sum(1 for s in dict.fromkeys(o['srcs']) if s in reg and left[s] == o['srcs'].count(s))
            if need > len(free) + (freeing if k == 'V' else 0):
                continue
            if k in ('L2', 'L4') and (len(free) - need < RESERVE or not runs(free, need)):
                continue
            if k == 'V' and 'V' in used:
                continue
            if k in BUSY and cycle < mem_busy:
                continue
            if k != 'S' and cycle + LAT[k] < last_wb:
                continue
            if best is None or pr[i] > pr[best]:
                best = i
        if best is None or slots >= 2:
            if cycle > 20000:
                if DEBUG:
                    live = [v for v in reg if left.get(v, 0) > 0]
                    print('stuck: done', len(done), 'free', len(free), 'live', len(live), sorted(live), file=sys.stderr)
                    for i in sorted(remaining)[:8]:
                        print('  waiting', ops[i]['text'], ops[i]['dsts'], ops[i]['srcs'], file=sys.stderr)
                raise IndexError('no schedule (register pressure)')
            cycle += 1
            slots = 0
            used = set()
            continue
        o = ops[best]
        k = o['kind']
        for s in o['srcs']:
            left[s] -= 1
        for s in dict.fromkeys(o['srcs']):
            if s in reg and left[s] == 0 and s != o.get('tied'):
                free.append(reg[s])
        if k in ('L2', 'L4'):  # LD1 writes consecutive registers
            cand = runs(free, len(o['dsts']))
            start = cand[0]  # loads from the bottom of the file, other values from the top
            for n, d in enumerate(o['dsts']):
                r = f'v{(start + n) % 32}'
                free.remove(r)
                reg[d] = r
        else:
            for d in o['dsts']:
                if 'tied' in o:
                    reg[d] = reg[o['tied']]
                else:
                    top = max(free, key=lambda r: int(r[1:]))
                    free.remove(top)
                    reg[d] = top
        done[best] = cycle
        order.append(best)
        remaining.discard(best)
        slots += 1
        if k == 'V':
            used.add('V')
        if k in BUSY:
            mem_busy = cycle + BUSY[k]
        if k != 'S':
            last_wb = max(last_wb, cycle + LAT[k])
    lines = []
    xregs = iter(['x9', 'x10', 'x11', 'x12', 'x13', 'x14', 'x15', 'x16', 'x17', 'x19', 'x20', 'x21', 'x22', 'x23'])
    xmap = {}
    for i in order:
        o = ops[i]
        t = o['text']
        for key in re.findall(r'\{x\d\d\}', t):
            if key not in xmap:
                xmap[key] = next(xregs)
            t = t.replace(key, xmap[key])
        if '{s0:d}' in t:
            t = t.replace('{s0:d}', 'd' + reg[o['srcs'][0]][1:])
        fmt = {f'd{n}': reg[d] for n, d in enumerate(o['dsts'])}
        for n, s in enumerate(o['srcs']):
            fmt[f's{n}'] = reg.get(s, s)
        t = t.format(**fmt)
        lines.append(t)
    return lines


def concretize(lines):
    m = {'%[m]': 'x0', '%[k]': 'x1', '%[k2]': 'x2', '%[k3]': 'x3', '%[o0]': 'x4', '%[o1]': 'x5',
         '%[o2]': 'x6', '%[ps]': 'x7', '%[ps2]': 'x8'}
    out = []
    for line in lines:
        for k, v in m.items():
            line = line.replace(k, v)
        out.append(line)
    return out


def mca(lines, cpu='cortex-a53'):
    src = '\n'.join(concretize(lines)) + '\n'
    r = subprocess.run(['llvm-mca-19', '-mtriple=aarch64', f'-mcpu={cpu}', '-iterations=100'],
                       input=src, capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith('Total Cycles'):
            return int(line.split()[2]) / 100
    raise RuntimeError(r.stderr[:2000])


if __name__ == '__main__':
    rng = random.Random(1)
    best = None
    for t in range(TRIALS):
        try:
            lines = schedule(rng, 0 if t == 0 else rng.choice([2, 5, 10, 20, 40]))
        except (IndexError, StopIteration):
            continue
        c = mca(lines)
        if best is None or c < best[0]:
            best = (c, lines)
            print(f'trial {t}: {c} cycles', file=sys.stderr)
    c, lines = best
    print('// Generated by tools/wino_out_schedule.py (see there): one F(3x3, 3x3) output tile of the v80')
    print(f'// path, {len(lines)} instructions, llvm-mca {c} cycles on Cortex-A53. Operands: wino_f33.cpp.')
    print('// Do not edit by hand.')
    print('#define OCTET_WINO_F33_OUTPUT_TILE \\')
    for line in lines:
        print(f'  "{line}\\n" \\')
    print('  ""')
