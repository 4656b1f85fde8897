#!/usr/bin/env python3
"""Two variants of the bundled int8 model for bench/late-interaction-experiment.mjs --model
(written under /tmp, never into the project; needs Debian's python3-onnx):

  model_fp32act.onnx  the same int8 weights dequantized to float32, so every MatMul runs on
                      float32 activations (the shipped graph quantizes each activation tensor
                      with one range, DynamicQuantizeLinear + MatMulInteger)
  model_layers.onnx   the shipped graph with the embedding layer's and encoder layers 0-2's
                      outputs added as graph outputs (their [CLS] and mean-pooled vectors)

  /usr/bin/python3 bench/onnx-variants.py [out-dir]
"""
import collections
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

SRC = 'models/bge-small-zh-v1.5/model_quantized.onnx'
out = sys.argv[1] if len(sys.argv) > 1 else '/tmp'


def fp32_activations(m):
    g = m.graph
    prod = {o: n for n in g.node for o in n.output}
    cons = collections.defaultdict(list)
    for n in g.node:
        for i in n.input:
            cons[i].append(n)
    inits = {i.name: i for i in g.initializer}
    drop, added, replace = set(), [], {}
    for mi in [n for n in g.node if n.op_type == 'MatMulInteger']:
        cast = cons[mi.output[0]][0]
        mul = cons[cast.output[0]][0]
        scales = prod[mul.input[1]]  # activation scale × weight scale
        w_scale = next(i for i in scales.input if i in inits)
        w = numpy_helper.to_array(inits[mi.input[1]]).astype(np.float32)
        zp = numpy_helper.to_array(inits[mi.input[3]]).astype(np.float32)
        s = numpy_helper.to_array(inits[w_scale]).astype(np.float32)
        name = mi.input[1] + '_fp32'
        added.append(numpy_helper.from_array((w - zp) * s, name))
        x = prod[mi.input[0]].input[0]  # the float input of DynamicQuantizeLinear
        replace[mi.name] = helper.make_node('MatMul', [x, name], [mul.output[0]], name=mi.name + '_fp32')
        drop |= {id(cast), id(mul), id(scales)}
    nodes = [replace.get(n.name, n) for n in g.node if id(n) not in drop]
    used = {i for n in nodes for i in n.input}
    nodes = [n for n in nodes if not (n.op_type == 'DynamicQuantizeLinear' and not any(o in used for o in n.output))]
    used = {i for n in nodes for i in n.input}
    inits_kept = [i for i in g.initializer if i.name in used] + added
    del g.node[:]
    g.node.extend(nodes)
    del g.initializer[:]
    g.initializer.extend(inits_kept)
    return m


def with_layers(m):
    g = m.graph
    names = [o for n in g.node for o in n.output if o.endswith('/output/LayerNorm/Add_1_output_0') and 'attention' not in o]
    for name in names + ['/embeddings/LayerNorm/Add_1_output_0']:
        g.output.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, ['batch_size', 'sequence_length', 512]))
    return m


for fn, file in ((fp32_activations, 'model_fp32act.onnx'), (with_layers, 'model_layers.onnx')):
    m = fn(onnx.load(SRC))
    onnx.checker.check_model(m)
    onnx.save(m, f'{out}/{file}')
    print(f'{out}/{file}')
