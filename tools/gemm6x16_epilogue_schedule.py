#!/usr/bin/env python3
"""Generates src/kernels/neon/gemm_6x16_epilogue_aarch64.inc: the requantization of the 6x16 dotprod
GEMM tile (gemm_6x16c4_dotprod.cpp) after the activation-sum MLS and the optional SQSHL: SQRDMULH
and SRSHL of the 24 accumulators v8-v31, the narrowing to int8 (SQXTN, + zero point, SQXTN,
clamp) and the six row stores. Eight macros: OCTET_GEMM6X16_EPILOGUE; _NO_SRSHL for layers
without right shifts (every channel's multiplier unshifted, see quantize_requant_multiplier),
which skips the SRSHL and its operands' loads; _MLS and _MLS_NO_SRSHL that also do the
activation-sum MLS (layers with weight zero points and no left shift), so that the scheduler can
spread the 24 MLS (any vector pipe) between the SQRDMULH (V0 on the N1) and SQXTN (V1); and
_NO_SRSHL_NO_CLAMP, _MLS_NO_SRSHL_NO_CLAMP for layers whose clamp is the whole int8 range (the
usual case: no activation, or a calibrated ReLU / ReLU6), where the saturating narrowing already
clamps and the 12 SMAX / SMIN (vector pipe operations, the N1 epilogue is bound by them) go;
_OOO_NO_SRSHL_NO_CLAMP and _OOO_MLS_NO_SRSHL_NO_CLAMP for out-of-order cores (CoreClass in isa.h),
costed on the N1 model alone: ST1 stores, and the loads of the next tile's set-up in the block;
and OCTET_GEMM6X16_PRELOAD_END, the scalar tail that those two end with (emitted from the text
the search costs them with, so the kernel runs what was costed).

The epilogue is written as a dependency graph; a list scheduler orders it by critical path with
random priority perturbations and allocates v0-v7 plus every accumulator register once its value
is dead; each candidate is costed with llvm-mca-19 on the Neoverse-N1 and Cortex-A55 models (what
armperf uses) and the cheapest by N1 + A55 / 4 is kept (N1 alone for the out-of-order variants). The stores keep
their row order (one base register advanced by two rows after each pair).

  /usr/bin/python3 tools/gemm6x16_epilogue_schedule.py 250 > src/kernels/neon/gemm_6x16_epilogue_aarch64.inc
"""
import functools
import random
import re
import subprocess
import sys

# 6x16 dotprod epilogue (after MLS): acc v8..v31 (row r = (i-8)//4, col j = (i-8)%4)
LAT={'V':4,'L':5,'LD':5,'S':1,'M':3}
ops=[]
def op(kind,text,dsts=(),srcs=(),after=()):
    ops.append(dict(kind=kind,text=text,dsts=list(dsts),srcs=list(srcs),after=list(after),id=len(ops))); return len(ops)-1
def load_pair(off,d0,d1,ooo):
    # Out-of-order variants: LDP q. In-order ones: two LDR q (llvm-mca's A55 model holds issue ~4
    # cycles per LDP q, one per LDR q: ~11 cycles of the MLS epilogue there; the N1 costs both alike).
    if ooo: op('L',f'ldp {{d0}}, {{d1}}, [x24, #{off}]',[d0,d1])
    else:
        op('L',f'ldr {{d0}}, [x24, #{off}]',[d0])
        op('L',f'ldr {{d0}}, [x24, #{off+16}]',[d1])
def build(srshl,mls,clamp,ooo=False):
    if mls:  # acc -= z_c * (row's activation sum), by element: sums of rows 0-3 in s0, 4-5 in s1
        op('L','ldr {d0}, [x22]',['rs0'])
        op('LD','ldr {d0}, [x22, #16]',['rs1'])
        load_pair(64,'zc0','zc1',ooo)
        load_pair(96,'zc2','zc3',ooo)
        for i in range(24):
            r,j=i//4,i%4
            op('V',f'mls {{d0}}.4s, {{s1}}.4s, {{s2}}.s[{r%4}]',[f'accm{i}'],[f'acc{i}',f'zc{j}',f'rs{r//4}'])
            ops[-1]['tied']=f'acc{i}'
    acc=(lambda i:f'accm{i}') if mls else (lambda i:f'acc{i}')
    load_pair(128,'m0','m1',ooo)
    load_pair(160,'m2','m3',ooo)
    if srshl:
        load_pair(256,'r0','r1',ooo)
        load_pair(288,'r2','r3',ooo)
    op('M','dup {d0}.8h, w9',['zp'])
    if clamp: op('M','dup {d0}.16b, w10',['qmin']); op('M','dup {d0}.16b, w11',['qmax'])
    for i in range(24):
        if srshl:
            op('V','sqrdmulh {d0}.4s, {s0}.4s, {s1}.4s',[f'a{i}'],[acc(i),f'm{i%4}'])
            op('V','srshl {d0}.4s, {s0}.4s, {s1}.4s',[f'b{i}'],[f'a{i}',f'r{i%4}'])
        else:
            op('V','sqrdmulh {d0}.4s, {s0}.4s, {s1}.4s',[f'b{i}'],[acc(i),f'm{i%4}'])
    prev=None
    for r in range(6):
        b=4*r
        op('V','sqxtn {d0}.4h, {s0}.4s',[f'n{r}0'],[f'b{b}'])
        op('V','sqxtn {d0}.4h, {s0}.4s',[f'n{r}1'],[f'b{b+2}'])
        op('V','sqxtn2 {d0}.8h, {s0}.4s',[f'n{r}0x'],[f'b{b+1}',f'n{r}0']); ops[-1]['tied']=f'n{r}0'
        op('V','sqxtn2 {d0}.8h, {s0}.4s',[f'n{r}1x'],[f'b{b+3}',f'n{r}1']); ops[-1]['tied']=f'n{r}1'
        op('V','sqadd {d0}.8h, {s0}.8h, {s1}.8h',[f'z{r}0'],[f'n{r}0x','zp'])
        op('V','sqadd {d0}.8h, {s0}.8h, {s1}.8h',[f'z{r}1'],[f'n{r}1x','zp'])
        op('V','sqxtn {d0}.8b, {s0}.8h',[f'q{r}'],[f'z{r}0'])
        op('V','sqxtn2 {d0}.16b, {s0}.8h',[f'qx{r}'],[f'z{r}1',f'q{r}']); ops[-1]['tied']=f'q{r}'
        res=f'qx{r}'
        if clamp:
            op('V','smax {d0}.16b, {s0}.16b, {s1}.16b',[f'qa{r}'],[f'qx{r}','qmin'])
            op('V','smin {d0}.16b, {s0}.16b, {s1}.16b',[f'qb{r}'],[f'qa{r}','qmax'])
            res=f'qb{r}'
        # In-order variants: STR, not ST1 (ST1 costs the N1 model fewer cycles but the A55 model
        # more); out-of-order ones: ST1 with the row step as post-increment.
        if ooo: prev=op('S','st1 {{{s0}.16b}}, [x1], x23',[],[res],after=[prev] if prev is not None else [])
        elif r%2==0: even=op('S','str {s0q}, [x1]',[],[res],after=[prev] if prev is not None else [])
        else:
            o=op('S','str {s0q}, [x1, x23]',[],[res],after=[even])
            prev=op('A','add x1, x1, x23, lsl #1',[],[],after=[o,even])
def row_of(o):
    for d in o['dsts']+o['srcs']:
        m=re.match(r'(accm|acc|a|b)(\d+)$',d)
        if m: return int(m.group(2))//4
        m=re.match(r'(n|z|qx|qa|qb|q)(\d)',d)
        if m: return int(m.group(2))
    return 0
def prepare(srshl,mls,clamp,ooo):
    global prod,succ,uses,ooo_mode
    ooo_mode=ooo
    ops.clear(); height.cache_clear()
    build(srshl,mls,clamp,ooo)
    prod={}
    for o in ops:
        for d in o['dsts']: prod[d]=o['id']
    succ={o['id']:set() for o in ops}
    for o in ops:
        for s in o['srcs']:
            if s in prod: succ[prod[s]].add(o['id'])
        for a in o['after']: succ[a].add(o['id'])
    uses={}
    for o in ops:
        for s in o['srcs']: uses.setdefault(s,[]).append(o['id'])
@functools.lru_cache(None)
def height(i): return LAT.get(ops[i]['kind'],1)+max([height(s) for s in succ[i]] or [0])
def schedule(rng,noise):
    # list order only (no timing model): topological with priorities; registers: accs fixed v8..v31
    reg={f'acc{i}':f'v{8+i}' for i in range(24)}
    free=[f'v{i}' for i in range(8)]
    left={k:len(v) for k,v in uses.items()}
    done=set(); order=[]; remaining=set(o['id'] for o in ops)
    pr={i:height(i)+rng.uniform(0,noise) for i in remaining}
    if ooo_mode:  # row by row, each stored when ready: that frees registers for the preload early
        for i in remaining: pr[i]-=1000*row_of(ops[i])
    while remaining:
        cands=[]
        for i in remaining:
            o=ops[i]
            if any(a not in done for a in o['after']): continue
            if any(s in prod and prod[s] not in done for s in o['srcs']): continue
            need=len(o['dsts'])-(1 if 'tied' in o else 0)
            freeing=[s for s in dict.fromkeys(o['srcs']) if s in reg and left[s]==o['srcs'].count(s) and s!=o.get('tied')]
            if need>len(free)+len(freeing): continue
            cands.append(i)
        if not cands: raise IndexError
        best=max(cands,key=lambda i:pr[i])
        o=ops[best]
        for s in o['srcs']: left[s]-=1
        for s in dict.fromkeys(o['srcs']):  # source order: the result must not depend on string hashing
            if s in reg and left[s]==0 and s!=o.get('tied'): free.append(reg[s])
        for d in o['dsts']:
            if 'tied' in o: reg[d]=reg[o['tied']]
            else:
                # prefer the register of a dying source (in place)
                # (out-of-order variants: the last freed, so that the registers of rows stored
                # early stay free for the preload)
                reg[d]=free.pop(rng.randrange(len(free)) if noise and not ooo_mode else -1)
        done.add(best); order.append(best); remaining.discard(best)
    lines=[]
    for i in order:
        o=ops[i]; t=o['text']
        fmt={f'd{n}':reg[d] for n,d in enumerate(o['dsts'])}
        for n,s in enumerate(o['srcs']):
            fmt[f's{n}']=reg.get(s,s); fmt[f's{n}q']='q'+reg.get(s,s)[1:]
        if o['kind']=='L': fmt={k:'q'+v[1:] for k,v in fmt.items()}
        if o['kind']=='LD': fmt={k:'d'+v[1:] for k,v in fmt.items()}
        lines.append(t.format(**fmt))
    return lines
# Out-of-order variants also load the next tile's set-up (gemm_6x16c4_dotprod.cpp, labels 15 and
# 16): x3 = the next block (or this one after a strip's last tile), chosen first from the flags of
# the tile count; each load goes right after the last instruction that touches its registers, so
# that it sits early in the block (qemu cuts a long block into two translation blocks, costed
# apart by armperf: loads left at the end formed a block of their own).
# qemu ends a translation block once its generated code reaches a bound (~110-120 of these
# instructions, depending on the mix), and armperf costs each block alone: the loads and stores
# left past that cut cost ~9 N1 cycles per tile unhidden. So the out-of-order variants end their
# first block themselves (a branch to the next instruction) where the two blocks cost least.
SPLITS=range(50,85,5)
PRELOAD_END=['mov x24, x3','add x25, x3, #320','sub x3, x4, #1','sub x1, x1, x29','cmp x3, #0',
             'ccmp x20, #0, #4, ne']
# Then back to the K loop (1) for the next tile of this strip, to label 29 (the next strip's
# bookkeeping, or the end) after a strip's last tile, or to 2 when K = 16 (no loop). Not costed:
# a block's last branch does not change what llvm-mca counts for it.
PRELOAD_BRANCHES=['b.ne 1b','cbz x20, 29f','b 2b']
# x3 = the next tile's block, or the first block (x28) after a strip's last tile; x26 = its rows'
# offset: this strip's (x27), or the next strip's (x27 + x19) after the last tile of a strip
# that is not the call's last (x21: strips left).
PRELOAD_BEGIN=['subs x20, x20, #1','add x3, x25, #256','csel x3, x3, x28, ne','add x26, x27, x19',
               'ccmp x21, #1, #4, eq','csel x26, x26, x27, ne']
PRELOAD_LOADS=([([8+4*r,9+4*r],f'ldp q{8+4*r}, q{9+4*r}, [x3]') for r in range(6)]+
               [([10+4*r,11+4*r],f'ldp q{10+4*r}, q{11+4*r}, [x3, #32]') for r in range(6)]+
               [([6],'ldr q6, [x3, #320]')]+[([r],f'ldr q{r}, [x{12+r}, x26]') for r in range(6)])
def with_preload(lines):
    last={}
    for i,l in enumerate(lines):
        for m in re.finditer(r'\b[vqd](\d+)\b',l): last[int(m.group(1))]=i
    after={}
    for regs,text in PRELOAD_LOADS:
        after.setdefault(max(last.get(r,-1) for r in regs),[]).append(text)
    out=PRELOAD_BEGIN+after.get(-1,[])
    for i,l in enumerate(lines): out+=[l]+after.get(i,[])
    return out
def mca(lines,cpu):
    r=subprocess.run(['llvm-mca-19','-mtriple=aarch64',f'-mcpu={cpu}','-iterations=100'],input='\n'.join(lines)+'\n',capture_output=True,text=True)
    for l in r.stdout.splitlines():
        if l.startswith('Total Cycles'): return int(l.split()[2])/100
    raise RuntimeError(r.stderr[:500])
def search(srshl,mls,clamp,trials,ooo=False):
    prepare(srshl,mls,clamp,ooo)
    rng=random.Random(1); best=None
    for t in range(min(trials,100) if ooo else trials):  # ooo: 14 llvm-mca runs per trial
        try: l=schedule(rng,0 if t==0 else rng.choice([2,5,10,20,40]))
        except IndexError: continue
        if ooo: l=with_preload(l)
        if ooo:  # costed as armperf sees it: two blocks (see SPLITS)
            n1,cut=min((mca(l[:k],'neoverse-n1')+mca(l[k:]+PRELOAD_END,'neoverse-n1'),k) for k in SPLITS)
            l=l[:cut]+['b 23f','23:']+l[cut:]
            a55=0.0; c=n1
        else:
            n1=mca(l,'neoverse-n1'); a55=mca(l,'cortex-a55'); c=n1+0.25*a55
        if best is None or c<best[0]:
            best=(c,n1,a55,l); print(t,n1,a55,file=sys.stderr)
    return best
names = {'x22':'%[sums]','x24':'%[blk]','w9':'%w[zp]','w10':'%w[qmin]','w11':'%w[qmax]','x23':'%[ds]','x1':'%[dst]',
         'x20':'%[left]','x25':'%[w]','x3':'%[n]','x27':'%[soff]','x12':'%[a0]','x13':'%[a1]','x14':'%[a2]',
         'x15':'%[a3]','x16':'%[a4]','x17':'%[a5]','x26':'%[k]','x28':'%[blk0]','x19':'%[astep]',
         'x21':'%[strips]','x4':'%[n0]','x29':'%[back]'}
def emit(macro,lines):
    print(f'#define {macro} \\')
    for l in lines:
        l=re.sub(r'\b('+'|'.join(names)+r')\b',lambda m: names[m.group(1)],l)
        print(f'  "{l}\\n" \\')
    print('  ""')
trials=int(sys.argv[1]) if len(sys.argv) > 1 else 100
variants=[('OCTET_GEMM6X16_EPILOGUE',True,False,True,'as is'),
          ('OCTET_GEMM6X16_EPILOGUE_NO_SRSHL',False,False,True,'without SRSHL'),
          ('OCTET_GEMM6X16_EPILOGUE_MLS',True,True,True,'with the MLS'),
          ('OCTET_GEMM6X16_EPILOGUE_MLS_NO_SRSHL',False,True,True,'with the MLS, without SRSHL'),
          ('OCTET_GEMM6X16_EPILOGUE_NO_SRSHL_NO_CLAMP',False,False,False,'without SRSHL and clamp'),
          ('OCTET_GEMM6X16_EPILOGUE_MLS_NO_SRSHL_NO_CLAMP',False,True,False,
           'with the MLS, without SRSHL and clamp'),
          ('OCTET_GEMM6X16_EPILOGUE_OOO_NO_SRSHL_NO_CLAMP',False,False,False,
           'out-of-order cores, without SRSHL and clamp'),
          ('OCTET_GEMM6X16_EPILOGUE_OOO_MLS_NO_SRSHL_NO_CLAMP',False,True,False,
           'out-of-order cores, with the MLS, without SRSHL and clamp')]
found=[(v,search(v[1],v[2],v[3],trials,'OOO' in v[0])) for v in variants]
print('// Generated by tools/gemm6x16_epilogue_schedule.py (see there): the requantization and stores of')
print('// the 6x16 dotprod tile; instructions, llvm-mca cycles on Neoverse-N1 / Cortex-A55:')
for v,b in found: print(f'//   {v[0]} ({v[4]}): {len(b[3])}, {b[1]} / {b[2]}')
print('// Operands: gemm_6x16c4_dotprod.cpp. Do not edit by hand.')
for v,b in found: emit(v[0],b[3])
emit('OCTET_GEMM6X16_PRELOAD_END',PRELOAD_END+PRELOAD_BRANCHES)
