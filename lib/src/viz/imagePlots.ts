/**
 * Pictures of images: digits with captions, perturbations on a diverging scale centred at 0,
 * and first-layer weights as one tile per unit. All tiles of a figure are packed into ONE plotly
 * heatmap (a mosaic with transparent gaps), which stays crisp, small and fast to draw.
 * @see notebooks/90-plot-gallery.ipynb
 */
import { Figure, TensorLike, Trace, baseLayout, isTensorLike, toNumbers, describeValue } from './figure';
import { asFigure } from './plotly';

/** Square images as flat row-major arrays, all `height × width`. */
export interface ImageStack {
  images: Float32Array[];
  height: number;
  width: number;
}

/**
 * Accepted image inputs: a tensor [n, h, w], [n, h, w, 1] or [n, h·w]; an array of flat images
 * (each h·w numbers) or of 2-D images (number[][]); or a dataset {x, n, d} (MNIST rows).
 */
export type ImagesInput = TensorLike | ArrayLike<number>[] | number[][][] | { x: Float32Array; n: number; d: number };

/** Normalizes any `ImagesInput` to an `ImageStack`; non-square flat images need `shape`. */
export function toImages(input: ImagesInput, shape?: [number, number]): ImageStack {
  let flat: Float32Array[];
  let h = shape?.[0],
    w = shape?.[1];
  if (isTensorLike(input)) {
    const s = input.shape,
      d = input.dataSync();
    if (!(s.length === 2 || s.length === 3 || (s.length === 4 && s[3] === 1))) {
      throw new Error(`images: a tensor of shape [${s}] is not [n, h, w], [n, h, w, 1] or [n, h·w].`);
    }
    const per = s.slice(1).reduce((a, b) => a * b, 1);
    if (s.length >= 3) {
      h = s[1];
      w = s[2];
    }
    flat = Array.from({ length: s[0] }, (_, i) => Float32Array.from({ length: per }, (_, j) => d[i * per + j]));
  } else if (isDataset(input)) {
    flat = Array.from({ length: input.n }, (_, i) => input.x.slice(i * input.d, (i + 1) * input.d));
  } else if (Array.isArray(input)) {
    flat = input.map((im, i) => {
      if (Array.isArray(im) && Array.isArray(im[0])) {
        h = im.length;
        w = (im[0] as number[]).length;
        return Float32Array.from((im as number[][]).flat());
      }
      return Float32Array.from(toNumbers(im as ArrayLike<number>, `images[${i}]`));
    });
  } else {
    throw new Error(`images: expected a tensor, an array of images or a dataset {x, n, d}; got ${describeValue(input)}.`);
  }
  if (flat.length === 0) throw new Error('images: there are no images to draw (got an empty list).');
  const size = flat[0].length;
  if (h === undefined || w === undefined) {
    const side = Math.round(Math.sqrt(size));
    if (side * side !== size) throw new Error(`images: ${size} values per image is not a square; pass shape [height, width].`);
    h = w = side;
  }
  if (h * w !== size) throw new Error(`images: shape [${h}, ${w}] does not hold ${size} values per image.`);
  flat.forEach((im, i) => {
    if (im.length !== size) throw new Error(`images[${i}] has ${im.length} values, images[0] has ${size}.`);
  });
  return { images: flat, height: h, width: w };
}

function isDataset(x: unknown): x is { x: Float32Array; n: number; d: number } {
  return (
    typeof x === 'object' &&
    x !== null &&
    (x as { x?: unknown }).x instanceof Float32Array &&
    typeof (x as { n?: unknown }).n === 'number' &&
    typeof (x as { d?: unknown }).d === 'number'
  );
}

export interface GridOptions {
  title?: string;
  /** Tiles per row (default: up to 10). */
  cols?: number;
  /** Screen pixels per image pixel (default 3). */
  scale?: number;
  /** One caption per tile (overrides labels/predictions). */
  captions?: string[];
  shape?: [number, number];
}

/** Caption parts for digits: true label, predicted class, confidence of the prediction in [0, 1]. */
export interface DigitCaptions {
  labels?: ArrayLike<number>;
  predictions?: ArrayLike<number>;
  confidences?: ArrayLike<number>;
}

/**
 * Digits (values in [0, 1], ink dark on white) in a grid, captioned "label→prediction confidence";
 * captions of misclassified digits are red.
 */
export function imageGrid(images: ImagesInput, opts: GridOptions & DigitCaptions = {}): Figure {
  const stack = toImages(images, opts.shape);
  const n = stack.images.length;
  const { captions, colors } = digitCaptions(n, opts);
  return asFigure(
    mosaicFigure(stack, {
      ...opts,
      captions: opts.captions ?? captions,
      captionColors: opts.captions ? undefined : colors,
      colorscale: [
        [0, '#ffffff'],
        [1, '#000000'],
      ],
      zmin: 0,
      zmax: 1,
      showscale: false,
      hover: 'pixel %{z:.3f}',
    }),
  );
}

/**
 * Perturbations δ (e.g. ε·sign(∇ₓJ)) on a diverging scale centred at 0: blue < 0 < red, white = 0.
 * The range is ±`limit` (default: the largest |δ|), always symmetric.
 */
export function perturbationImages(deltas: ImagesInput, opts: GridOptions & { limit?: number } = {}): Figure {
  const stack = toImages(deltas, opts.shape);
  let m = opts.limit ?? 0;
  if (opts.limit === undefined) for (const im of stack.images) for (const v of im) m = Math.max(m, Math.abs(v));
  if (!(m > 0) || !Number.isFinite(m)) m = 1; // all zeros: any symmetric range shows white
  return asFigure(
    mosaicFigure(stack, {
      ...opts,
      colorscale: DIVERGING,
      zmin: -m,
      zmax: m,
      showscale: true,
      colorbarTitle: 'δ',
      hover: 'δ = %{z:.3f}',
    }),
  );
}

/** Negative blue, zero white, positive red (ColorBrewer RdBu, reversed). */
export const DIVERGING: [number, string][] = [
  [0, '#2166ac'],
  [0.25, '#92c5de'],
  [0.5, '#f7f7f7'],
  [0.75, '#f4a582'],
  [1, '#b2182b'],
];

/**
 * First-layer weights as pictures: one tile per unit (column of a [inputs, units] matrix), each
 * scaled by its own largest |w| to [-1, 1] on the diverging scale.
 */
export function weightGrid(weights: TensorLike | number[][], opts: GridOptions & { maxUnits?: number } = {}): Figure {
  let rows: number, units: number, get: (i: number, u: number) => number;
  if (isTensorLike(weights)) {
    if (weights.shape.length !== 2) throw new Error(`weightGrid: expected a [inputs, units] tensor, got shape [${weights.shape}].`);
    [rows, units] = weights.shape;
    const d = weights.dataSync();
    get = (i, u) => d[i * units + u];
  } else if (Array.isArray(weights) && Array.isArray(weights[0])) {
    rows = weights.length;
    units = weights[0].length;
    get = (i, u) => weights[i][u];
  } else {
    throw new Error(`weightGrid: expected a [inputs, units] tensor or number[][] (rows = inputs), got ${describeValue(weights)}.`);
  }
  const count = Math.min(units, opts.maxUnits ?? 100);
  const tiles: Float32Array[] = [];
  for (let u = 0; u < count; u++) {
    const t = new Float32Array(rows);
    let m = 0;
    for (let i = 0; i < rows; i++) {
      t[i] = get(i, u);
      m = Math.max(m, Math.abs(t[i]));
    }
    if (m > 0) for (let i = 0; i < rows; i++) t[i] /= m;
    tiles.push(t);
  }
  const stack = toImages(tiles, opts.shape);
  return asFigure(
    mosaicFigure(stack, {
      title: opts.title ?? `Weights of ${count} of ${units} units (each tile scaled to its largest |w|)`,
      ...opts,
      colorscale: DIVERGING,
      zmin: -1,
      zmax: 1,
      showscale: false,
      hover: 'w / max|w| = %{z:.2f}',
    }),
  );
}

interface MosaicOptions extends GridOptions {
  captionColors?: string[];
  colorscale: [number, string][];
  zmin: number;
  zmax: number;
  showscale: boolean;
  colorbarTitle?: string;
  hover: string;
}

/** Packs the tiles into one z matrix (null = gap) and captions them with annotations. */
function mosaicFigure(stack: ImageStack, o: MosaicOptions): Figure {
  const { images, height: h, width: w } = stack;
  const n = images.length;
  const cols = o.cols ?? Math.min(n, 10);
  if (!(Number.isInteger(cols) && cols >= 1)) throw new Error(`cols = ${o.cols}: expected a whole number ≥ 1.`);
  if (o.captions && o.captions.length !== n) throw new Error(`captions: ${o.captions.length} captions for ${n} images.`);
  const scale = o.scale ?? 3;
  const gap = 1;
  const capRows = o.captions ? Math.ceil(15 / scale) : 0;
  const rowsOfTiles = Math.ceil(n / cols);
  const W = cols * (w + gap) - gap,
    H = rowsOfTiles * (h + gap + capRows) - gap;
  const z: (number | null)[][] = Array.from({ length: H }, () => new Array<number | null>(W).fill(null));
  const annotations: Record<string, unknown>[] = [];
  images.forEach((im, k) => {
    const x0 = (k % cols) * (w + gap),
      y0 = Math.floor(k / cols) * (h + gap + capRows);
    for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) z[y0 + i][x0 + j] = im[i * w + j];
    if (o.captions) {
      annotations.push({
        x: x0 + (w - 1) / 2,
        y: y0 + h - 0.5 + capRows / 2,
        xref: 'x',
        yref: 'y',
        text: o.captions[k],
        showarrow: false,
        font: { size: 10, color: o.captionColors?.[k] ?? '#222222' },
      });
    }
  });
  const trace: Trace = {
    type: 'heatmap',
    z,
    x0: 0,
    dx: 1,
    y0: 0,
    dy: 1,
    zmin: o.zmin,
    zmax: o.zmax,
    zsmooth: false,
    colorscale: o.colorscale,
    showscale: o.showscale,
    hoverongaps: false,
    hovertemplate: `${o.hover}<extra></extra>`,
    ...(o.showscale ? { colorbar: { title: { text: o.colorbarTitle ?? '' }, thickness: 12, len: 0.9 } } : {}),
  };
  const top = o.title ? 36 : 6,
    right = o.showscale ? 70 : 6;
  const axis = { visible: false, showgrid: false, zeroline: false, fixedrange: false };
  const layout = baseLayout(o.title, {
    width: Math.max(W * scale + 12 + right, o.title ? 320 : 0),
    height: H * scale + top + 8,
    margin: { l: 6, r: right, t: top, b: 8 },
    xaxis: { ...axis, range: [-0.5, W - 0.5], constrain: 'domain' },
    yaxis: { ...axis, range: [H - 0.5, -0.5], scaleanchor: 'x', constrain: 'domain' },
    plot_bgcolor: '#ffffff',
    annotations,
  });
  return { data: [trace], layout };
}

function digitCaptions(n: number, o: DigitCaptions): { captions?: string[]; colors?: string[] } {
  const parts = { labels: o.labels, predictions: o.predictions, confidences: o.confidences };
  for (const [k, v] of Object.entries(parts)) {
    if (v !== undefined && v.length !== n) throw new Error(`imageGrid: ${v.length} ${k} for ${n} images.`);
  }
  if (!o.labels && !o.predictions && !o.confidences) return {};
  const captions: string[] = [],
    colors: string[] = [];
  for (let i = 0; i < n; i++) {
    const y = o.labels?.[i],
      p = o.predictions?.[i],
      c = o.confidences?.[i];
    let s = y !== undefined && p !== undefined ? `${y}→${p}` : String(p ?? y ?? '');
    if (c !== undefined) s += ` ${(100 * c).toFixed(0)}%`;
    captions.push(s.trim());
    colors.push(y !== undefined && p !== undefined && y !== p ? '#c62828' : '#222222');
  }
  return { captions, colors };
}
