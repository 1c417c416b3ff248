// Figure specs built by the plot helpers: traces, shapes, colour scales, rounding, and the HTML
// that draws them (one library include, polling for window.Plotly, no CDN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { inspect } from 'util';
import {
  lineChart,
  errorVsEpsilon,
  heatmap,
  sliderFigure,
  imageGrid,
  perturbationImages,
  weightGrid,
  toImages,
  figureJson,
  figureHtml,
  plotlyInitHtml,
  plotlyInit,
  show,
  round4,
  PLOTLY_MISSING_MESSAGE,
  DIVERGING,
} from '../../src/internals';
import { setNotebookDisplayForTests, displayBundle } from '../../src/viz/display';

type Z = (number | null)[][];

test('lineChart makes one named scatter trace per series, with log axes on request', () => {
  const fig = lineChart(
    [
      { name: 'train', y: [0.5, 0.25, 0.125] },
      { name: 'val', x: new Float32Array([1, 2, 3]), y: tf.tensor1d([0.6, 0.3, 0.2]) },
    ],
    { title: 'loss', logY: true, xTitle: 'epoch' },
  );
  assert.equal(fig.data.length, 2);
  assert.deepEqual(
    fig.data.map(t => t.name),
    ['train', 'val'],
  );
  assert.deepEqual(fig.data[0].x, [0, 1, 2], 'x defaults to 0..n-1');
  assert.deepEqual(fig.data[1].x, [1, 2, 3]);
  assert.ok(Math.abs((fig.data[1].y as number[])[2] - 0.2) < 1e-6, 'tensor values are read');
  assert.equal((fig.layout.yaxis as { type: string }).type, 'log');
  assert.equal((fig.layout.xaxis as { type: string }).type, 'linear');
  assert.notEqual(fig.data[0].line, fig.data[1].line);
  assert.throws(() => lineChart([{ name: 'bad', x: [1, 2], y: [1] }]), /2 x values but 1 y values/);
  assert.throws(() => lineChart([]), /non-empty/);
});

test('errorVsEpsilon plots percentages and puts paper points in the matching colour', () => {
  const fig = errorVsEpsilon(
    [
      { model: 'softmax', epsilons: [0, 0.1, 0.25], errors: [0.08, 0.5, 0.994] },
      { model: 'maxout', epsilons: [0, 0.1, 0.25], errors: [0.01, 0.3, 0.894] },
    ],
    {
      paper: [
        { model: 'maxout', epsilon: 0.25, error: 0.894, source: '§5' },
        { model: 'softmax', epsilon: 0.25, error: 0.999 },
      ],
    },
  );
  assert.equal(fig.data.length, 4, 'two curves + two paper marker traces');
  assert.deepEqual(fig.data[1].y, [1, 30, 89.4]);
  const paperMaxout = fig.data.find(t => t.name === 'maxout (paper)')!;
  assert.equal(paperMaxout.mode, 'markers');
  assert.deepEqual(paperMaxout.y, [89.4]);
  assert.equal((paperMaxout.marker as { color: string }).color, (fig.data[1].line as { color: string }).color);
  assert.throws(() => errorVsEpsilon([{ model: 'm', epsilons: [0.1], errors: [89.4] }]), /fractions in \[0, 1\]/);
});

test('heatmap: labelled confusion matrix, row 0 on top, values printed', () => {
  const z = [
    [50, 2],
    [3, 45],
  ];
  const fig = heatmap(z, { xLabels: ['cat', 'dog'], yLabels: ['cat', 'dog'], xTitle: 'predicted', yTitle: 'true' });
  const t = fig.data[0];
  assert.equal(t.type, 'heatmap');
  assert.deepEqual(t.z, z);
  assert.deepEqual(t.x, ['cat', 'dog']);
  assert.equal((fig.layout.yaxis as { autorange: string }).autorange, 'reversed');
  assert.match(String(t.texttemplate), /%\{z/);
  assert.throws(() => heatmap([[1, 2], [3]]), /row 1 has 1 values/);
  assert.throws(() => heatmap(z, { xLabels: ['a'] }), /1 xLabels for 2 columns/);
});

test('imageGrid packs digits into one heatmap with captions; wrong predictions are red', () => {
  const a = new Float32Array(784).fill(0.5),
    b = new Float32Array(784).fill(1);
  const fig = imageGrid([a, b, a], { cols: 2, labels: [7, 1, 3], predictions: [7, 2, 3], confidences: [0.99, 0.6, 0.5] });
  assert.equal(fig.data.length, 1);
  const t = fig.data[0],
    z = t.z as Z;
  assert.equal(t.zmin, 0);
  assert.equal(t.zmax, 1);
  assert.equal(z[0].length, 2 * 28 + 1, 'two tiles and a 1-pixel gap per row');
  assert.equal(z[0][28], null, 'the gap is transparent');
  assert.equal(z[0][29], 1, 'second tile starts after the gap');
  const ann = fig.layout.annotations as { text: string; font: { color: string } }[];
  assert.deepEqual(
    ann.map(x => x.text),
    ['7→7 99%', '1→2 60%', '3→3 50%'],
  );
  assert.notEqual(ann[1].font.color, ann[0].font.color);
  assert.equal((fig.layout.yaxis as { scaleanchor: string }).scaleanchor, 'x', 'square pixels');
  assert.throws(() => imageGrid([a], { labels: [1, 2] }), /2 labels for 1 images/);
});

test('toImages accepts tensors, 2-D arrays and datasets, and rejects non-square flats', () => {
  const t = tf.zeros([3, 28, 28, 1]);
  const w = tf.tidy(() => t.reshape([3, 784]).transpose());
  const before = tf.memory().numTensors;
  assert.equal(toImages(t).images.length, 3);
  imageGrid(t);
  perturbationImages(t);
  weightGrid(w);
  assert.equal(tf.memory().numTensors, before, 'the helpers read tensors without allocating any');
  tf.dispose([t, w]);
  const s = toImages([
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
  ]);
  assert.deepEqual([s.height, s.width], [2, 3]);
  const ds = { x: new Float32Array(2 * 16), n: 2, d: 16 };
  assert.equal(toImages(ds).height, 4);
  assert.throws(() => toImages([new Float32Array(10)]), /not a square; pass shape/);
  assert.throws(() => toImages([]), /no images/);
});

test('perturbationImages uses a diverging scale symmetric around 0', () => {
  const d = new Float32Array(784).map((_, i) => ((i % 3) - 1) * 0.2);
  d[5] = -0.25;
  const t = perturbationImages([d]).data[0];
  assert.equal(t.zmin, -0.25);
  assert.equal(t.zmax, 0.25);
  assert.equal((t.zmin as number) + (t.zmax as number), 0);
  assert.deepEqual(t.colorscale, DIVERGING);
  const mid = DIVERGING.find(([p]) => p === 0.5)!;
  assert.equal(mid[1], '#f7f7f7', 'zero maps to (near) white');
  const fixed = perturbationImages([d], { limit: 0.1 }).data[0];
  assert.deepEqual([fixed.zmin, fixed.zmax], [-0.1, 0.1]);
  assert.equal(perturbationImages([new Float32Array(4)]).data[0].zmax, 1, 'all-zero input still gets a valid range');
});

test('weightGrid: one tile per unit, each scaled to its own max |w|', () => {
  const w = tf.tidy(() => tf.concat([tf.fill([16, 1], 0.5), tf.linspace(-4, 2, 16).reshape([16, 1])], 1));
  const fig = weightGrid(w);
  w.dispose();
  const z = fig.data[0].z as Z;
  assert.equal(z[0].length, 4 + 1 + 4);
  assert.equal(z[0][0], 1, 'constant unit 0.5 → 1');
  assert.equal(z[0][5], -1, 'unit 2 starts at -4 = -max|w|');
  assert.ok(Math.abs((z[3][8] as number) - 0.5) < 1e-6, 'and ends at 2/4');
  assert.throws(() => weightGrid([1, 2] as unknown as number[][]), /\[inputs, units\]/);
});

test('sliderFigure: one frame and one slider step per label', () => {
  const steps = [0, 0.1, 0.25].map(e => ({ label: `ε=${e}`, data: [{ type: 'scatter', x: [0, 1], y: [e, 2 * e] }] }));
  const fig = sliderFigure(steps, { prefix: 'ε: ', active: 1 });
  assert.equal(fig.frames!.length, 3);
  assert.deepEqual(fig.data, steps[1].data);
  const slider = (fig.layout.sliders as { steps: { label: string; args: unknown[] }[]; active: number }[])[0];
  assert.deepEqual(
    slider.steps.map(s => s.label),
    ['ε=0', 'ε=0.1', 'ε=0.25'],
  );
  assert.deepEqual(slider.steps[2].args[0], ['ε=0.25']);
  assert.equal(slider.active, 1);
  assert.throws(() => sliderFigure([steps[0], { label: 'x', data: [] }]), /has 0 traces/);
  assert.throws(() => sliderFigure([steps[0], steps[0]]), /unique/);
});

test('figureJson rounds to 4 significant digits, flattens typed arrays, nulls NaN, escapes <', () => {
  assert.equal(round4(0.123456), 0.1235);
  assert.equal(round4(123456.7), 123500);
  assert.equal(round4(42), 42);
  const json = figureJson({ data: [{ y: new Float32Array([1 / 3, NaN]), name: '</script>' }], layout: {} });
  assert.equal(json, '{"data":[{"y":[0.3333,null],"name":"\\u003c/script>"}],"layout":{}}');
});

test('figureHtml: a div and a script that polls for window.Plotly and explains when it is missing', () => {
  const html = figureHtml(lineChart([{ name: 'a', y: [1, 2] }]), { id: 'p1' });
  assert.match(html, /<div id="p1" class="aelab-plot"[^>]*><div class="aelab-plot-placeholder"/);
  assert.match(html, /el\.innerHTML = ''; window\.Plotly\.newPlot/, 'the placeholder is removed before drawing');
  assert.match(html, /window\.Plotly\.newPlot\(el, fig\)/);
  assert.match(html, /setTimeout\(draw, 50\)/);
  assert.ok(html.includes(PLOTLY_MISSING_MESSAGE));
  assert.ok(!/https?:\/\//.test(html.replace(/http:\/\/www\.w3\.org[^"']*/g, '')), 'no URLs');
  assert.throws(() => figureHtml({ data: [], layout: {} }, { id: '1bad' }), /must be letters/);
  const a = figureHtml(lineChart([{ name: 'a', y: [1] }])),
    b = figureHtml(lineChart([{ name: 'a', y: [1] }]));
  assert.notEqual(a.match(/id="([^"]+)"/)![1], b.match(/id="([^"]+)"/)![1], 'ids are unique');
});

test('plotlyInitHtml embeds the minified bundle once, hiding AMD define; no CDN', () => {
  const html = plotlyInitHtml();
  assert.ok(html.length > 3e6 && html.length < 6e6, `size ${html.length}`);
  assert.equal(html.match(/<script/g)!.length, 1);
  assert.match(html, /\(function \(define, module, exports\) \{/);
  assert.ok(!/<script[^>]*\ssrc=|<link[^>]*href=/i.test(html), 'nothing is loaded from elsewhere');
});

test('show and plotlyInit display HTML only inside a notebook; figures print as one line', () => {
  const shown: string[] = [];
  setNotebookDisplayForTests(h => shown.push(h));
  try {
    assert.equal(plotlyInit(), true);
    assert.equal(plotlyInit(), false, 'a second call in the same cell embeds nothing');
    show(lineChart([{ name: 'a', y: [1, 2] }], { title: 'T' }));
  } finally {
    setNotebookDisplayForTests(null);
  }
  assert.equal(shown.length, 2);
  assert.match(shown[0], /aelab-plotly-init/);
  assert.match(shown[1], /class="aelab-plot"/);
  assert.equal(plotlyInit(), false, 'no notebook → nothing displayed');
  setNotebookDisplayForTests(undefined);
  assert.equal(inspect(lineChart([{ name: 'a', y: [1] }], { title: 'T' })), 'Figure T: 1 trace (scatter) — draw it with ae.show(fig)');
});

test("show sends ONE output with plotly's MIME type (frames included), the HTML fallback and a text summary", () => {
  const bundles: Record<string, unknown>[] = [];
  const fig = sliderFigure(
    [
      { label: 'a', data: [{ type: 'heatmap', z: [[0.123456, 1]] }] },
      { label: 'b', data: [{ type: 'heatmap', z: [[NaN, 2]] }] },
    ],
    { layout: { title: { text: 'S' } } },
  );
  setNotebookDisplayForTests((_h, id, b) => {
    assert.equal(id, null);
    bundles.push(b);
  });
  try {
    show(fig);
  } finally {
    setNotebookDisplayForTests(undefined);
  }
  assert.equal(bundles.length, 1);
  const b = bundles[0];
  assert.deepEqual(Object.keys(b).sort(), ['application/vnd.plotly.v1+json', 'text/html', 'text/plain']);
  const p = b['application/vnd.plotly.v1+json'] as {
    data: { z: unknown }[];
    layout: { sliders: unknown[] };
    frames: { name: string; data: { z: unknown }[] }[];
    config: Record<string, unknown>;
  };
  assert.deepEqual(p.data[0].z, [[0.1235, 1]], 'numbers rounded as in figureJson');
  assert.deepEqual(
    p.frames.map(f => f.name),
    ['a', 'b'],
  );
  assert.deepEqual(p.frames[1].data[0].z, [[null, 2]], 'NaN becomes null (no value)');
  assert.equal(p.layout.sliders.length, 1);
  assert.equal(p.config.displaylogo, false);
  assert.match(String(b['text/html']), /class="aelab-plot"/);
  assert.match(String(b['text/plain']), /^\[plot\] S: 1 trace \(heatmap\), 2 frames$/);
});

test('displayBundle refuses keys that are not MIME types', () => {
  setNotebookDisplayForTests(() => {});
  try {
    assert.throws(() => displayBundle({ html: '<b>x</b>' }), /expected an object keyed by MIME type.*got keys \[html\]/);
    assert.throws(() => displayBundle({}), /keyed by MIME type/);
  } finally {
    setNotebookDisplayForTests(undefined);
  }
});
