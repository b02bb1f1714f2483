//! Small dense linear algebra for the ALS kernels: SIMD dot and axpy, the blocked Gram update
//! G += ZᵀZ (upper triangle, f32 products accumulated into f64), its rank-1 reference, and an
//! in-place Cholesky factorisation A = UᵀU with the two triangular solves.
//!
//! Layouts: matrices are row-major with an explicit row stride; symmetric matrices keep only their
//! upper triangle (row a, columns b ≥ a). SIMD width comes from `std.simd.suggestVectorLength`.
//! Products use a fused multiply-add where the target has one (x86-64 with FMA, AArch64) and a
//! plain multiply + add elsewhere, so one build always gives the same numbers.
const std = @import("std");
const builtin = @import("builtin");
const assert = std.debug.assert;

/// f32 lanes per SIMD vector (8 with AVX2, 16 with AVX-512, 4 with SSE or NEON).
pub const lanes: usize = std.simd.suggestVectorLength(f32) orelse 4;
pub const V = @Vector(lanes, f32);
/// f64 lanes used by the Cholesky factorisation (half of `lanes`, at least 2).
pub const lanes_f64: usize = @max(2, lanes / 2);
pub const V64 = @Vector(lanes_f64, f64);

/// Rows of the Gram micro-tile (register blocking: `gram_rows` × `gram_vectors` accumulators).
/// With 16 lanes (AVX-512, 32 vector registers) 8 × 3 = 24 accumulators: measured 7% faster per
/// K = 64 epoch than 4 × 3 on a Zen 5 (6% at K = 32, 3.5% at K = 128), and faster than 4 × 4,
/// 6 × 4, 8 × 4, 8 × 2 and 12 × 2. With 8 lanes (16 registers) 4 × 3.
pub const gram_rows: usize = if (lanes >= 16) 8 else 4;
/// SIMD vectors per micro-tile row.
pub const gram_vectors: usize = 3;

const has_fma = switch (builtin.cpu.arch) {
    .x86_64 => std.Target.x86.featureSetHas(builtin.cpu.features, .fma),
    .aarch64 => true,
    else => false,
};

/// a · b + c, fused where the target has FMA.
pub inline fn mulAdd(comptime T: type, a: T, b: T, c: T) T {
    return if (has_fma) @mulAdd(T, a, b, c) else a * b + c;
}

/// SIMD lanes of `T` for the generic routines (at least 2).
fn widthOf(comptime T: type) comptime_int {
    return std.simd.suggestVectorLength(T) orelse 2;
}

/// `n` rounded up to a whole number of SIMD vectors of `T` (`widthOf`).
fn padTo(comptime T: type, n: usize) usize {
    const width = widthOf(T);
    return (n + width - 1) / width * width;
}

/// `n` rounded up to a whole number of f32 SIMD vectors.
pub fn padToLanes(n: usize) usize {
    return (n + lanes - 1) / lanes * lanes;
}

/// Σ a[i]·b[i] in f32 (the scoring dot product): whole SIMD vectors, then a tail of fewer than
/// `lanes` entries as one more vector that overlaps the last whole one (its lanes counted already
/// masked out), so a row of, say, 15 floats costs two vector FMAs and no scalar chain.
pub fn dot(a: []const f32, b: []const f32) f32 {
    assert(a.len == b.len);
    const n = a.len;
    if (n < lanes) return dotT(f32, a, b);
    var acc: V = @splat(0);
    var i: usize = 0;
    while (i + lanes <= n) : (i += lanes) {
        acc = mulAdd(V, a[i..][0..lanes].*, b[i..][0..lanes].*, acc);
    }
    if (i < n) {
        const start = n - lanes;
        const fresh = std.simd.iota(usize, lanes) >= @as(@Vector(lanes, usize), @splat(i - start));
        const tail_a = @select(f32, fresh, @as(V, a[start..][0..lanes].*), @as(V, @splat(0)));
        acc = mulAdd(V, tail_a, b[start..][0..lanes].*, acc);
    }
    return @reduce(.Add, acc);
}

/// y += alpha · x for any float type, SIMD with a scalar tail.
pub fn axpy(comptime T: type, alpha: T, x: []const T, y: []T) void {
    assert(x.len == y.len);
    const n_lanes = comptime widthOf(T);
    const W = @Vector(n_lanes, T);
    const a: W = @splat(alpha);
    var i: usize = 0;
    while (i + n_lanes <= x.len) : (i += n_lanes) {
        const vx: W = x[i..][0..n_lanes].*;
        const vy: W = y[i..][0..n_lanes].*;
        y[i..][0..n_lanes].* = mulAdd(W, a, vx, vy);
    }
    while (i < x.len) : (i += 1) y[i] = mulAdd(T, alpha, x[i], y[i]);
}

/// Σ a[i]·b[i] for any float type (used by the triangular solves and the refinement).
pub fn dotT(comptime T: type, a: []const T, b: []const T) T {
    assert(a.len == b.len);
    const n_lanes = comptime widthOf(T);
    const W = @Vector(n_lanes, T);
    var acc: W = @splat(0);
    var i: usize = 0;
    while (i + n_lanes <= a.len) : (i += n_lanes) {
        const va: W = a[i..][0..n_lanes].*;
        const vb: W = b[i..][0..n_lanes].*;
        acc = mulAdd(W, va, vb, acc);
    }
    var sum = @reduce(.Add, acc);
    while (i < a.len) : (i += 1) sum = mulAdd(T, a[i], b[i], sum);
    return sum;
}

/// Reference rank-1 update of the upper triangle: G[a][b] += z[a]·z[b] for a ≤ b < z.len.
/// The blocked `gramAccumulate` is tested against it.
pub fn gramRank1Upper(g: []f64, stride: usize, z: []const f32) void {
    assert(stride >= z.len);
    assert(g.len >= z.len * stride);
    for (z, 0..) |za, a| {
        const row = g[a * stride ..][0..z.len];
        const scale: f64 = za;
        for (z[a..], a..) |zb, b| row[b] = mulAdd(f64, scale, zb, row[b]);
    }
}

/// A `gramAccumulate` hook that does nothing (see `gramAccumulate`).
pub const no_hook = struct {
    pub inline fn tick(_: @This()) void {}
}{};

/// G += ZᵀZ on the upper triangle of the leading `k` × `k` block, with Z holding `rows` rows of
/// stride `kp` (`kp = padToLanes(k)`, columns `k..kp` zero). The products are summed in f32
/// register tiles and then added into the f64 `g` (row stride `stride ≥ kp`).
///
/// Tiling: blocks of `gram_rows` rows; the block starting at row a0 covers columns from a0 rounded
/// down to the SIMD width to kp, in tiles of `gram_vectors` SIMD vectors (with 8 lanes 4 × 3 = 12
/// accumulators, fed per row of Z by 4 broadcasts and 3 vector loads, measured faster on an AVX2
/// machine than 6 × 2, 5 × 2 and 3 × 4; with 16 lanes 8 × 3, see `gram_rows`) and narrower tiles
/// for the rest (see `tileVectors`). Tiles may write a few entries below
/// the diagonal and columns `k..kp` (zeros); callers read only the upper triangle of the `k` × `k`
/// block. Row a's first written column is `firstColumn(a)`.
///
/// `hook.tick()` is called once every `gram_tick_rows` rows of Z in every tile (ALS uses it to
/// spread software prefetches of the next rows over the computation); `gramTicks` counts the
/// calls. Pass `no_hook` for none.
pub fn gramAccumulate(
    z: []const f32,
    rows: usize,
    k: usize,
    kp: usize,
    g: []f64,
    stride: usize,
    hook: anytype,
) void {
    assert(k >= 1);
    assert(kp == padToLanes(k));
    assert(z.len >= rows * kp);
    assert(stride >= kp);
    assert(g.len >= k * stride);
    var walk = TileWalk.init(k, kp);
    while (walk.next()) |tile| {
        gramTileDispatch(tile.rows, tile.vectors, z, rows, kp, tile.a0, tile.b0, g, stride, hook);
    }
}

/// One register tile of `gramAccumulate`: rows a0..a0+rows, columns b0..b0+vectors·lanes.
const Tile = struct { a0: usize, rows: usize, b0: usize, vectors: usize };

/// The register tiles of `gramAccumulate` in order (also counted by `gramTiles`): blocks of
/// `gram_rows` rows (two blocks as one when `mergesNext`), each from `firstColumn` to kp in tiles
/// of `tileVectors` vectors.
const TileWalk = struct {
    k: usize,
    kp: usize,
    /// The current row block and its row count (up to 2 × `gram_rows`).
    a0: usize = 0,
    block_rows: usize = 0,
    /// The next tile's first column; kp when the block is done.
    b0: usize,

    fn init(k: usize, kp: usize) TileWalk {
        assert(kp == padToLanes(k));
        return .{ .k = k, .kp = kp, .b0 = kp };
    }

    fn next(self: *TileWalk) ?Tile {
        if (self.b0 == self.kp) {
            self.a0 += self.block_rows;
            if (self.a0 >= self.k) return null;
            const merged = mergesNext(self.a0, self.k, self.kp);
            self.block_rows = if (merged) 2 * gram_rows else gram_rows;
            self.b0 = firstColumn(self.a0);
        }
        const tile: Tile = .{
            .a0 = self.a0,
            .rows = @min(self.block_rows, self.k - self.a0),
            .b0 = self.b0,
            .vectors = tileVectors((self.kp - self.b0) / lanes),
        };
        self.b0 += tile.vectors * lanes;
        return tile;
    }
};

/// Whether the row block at a0 has a single SIMD vector of columns left and the next block shares
/// it: the two then run as one tile of up to 2 × `gram_rows` rows (a one-vector tile of
/// `gram_rows` rows has too few accumulator chains to hide the FMA latency).
fn mergesNext(a0: usize, k: usize, kp: usize) bool {
    const next = a0 + gram_rows;
    return kp - firstColumn(a0) == lanes and next < k and firstColumn(next) == firstColumn(a0);
}

/// SIMD vectors of the next register tile when `remaining` vectors of a row block are left:
/// `gram_vectors`, except that four left go as two and two (a one-vector tile has too few
/// accumulator chains to hide the FMA latency).
fn tileVectors(remaining: usize) usize {
    assert(remaining >= 1);
    if (remaining == gram_vectors + 1 and gram_vectors > 2) return 2;
    return @min(gram_vectors, remaining);
}

/// The first column `gramAccumulate` writes in row a: its row block's start rounded down to the
/// SIMD width.
pub fn firstColumn(a: usize) usize {
    return a / gram_rows * gram_rows / lanes * lanes;
}

/// Rows of Z per hook tick in `gramAccumulate`.
pub const gram_tick_rows = 4;

/// Number of hook ticks `gramAccumulate` gives for `rows` rows of Z.
pub fn gramTicks(k: usize, kp: usize, rows: usize) usize {
    return gramTiles(k, kp) * ((rows + gram_tick_rows - 1) / gram_tick_rows);
}

/// Number of register tiles `gramAccumulate` runs for this `k`.
pub fn gramTiles(k: usize, kp: usize) usize {
    var walk = TileWalk.init(k, kp);
    var tiles: usize = 0;
    while (walk.next()) |_| tiles += 1;
    return tiles;
}

fn gramTileDispatch(
    mr: usize,
    nv: usize,
    z: []const f32,
    rows: usize,
    kp: usize,
    a0: usize,
    b0: usize,
    g: []f64,
    stride: usize,
    hook: anytype,
) void {
    assert(nv >= 1);
    assert(nv <= gram_vectors);
    assert(mr >= 1);
    assert(mr <= (if (nv == 1) 2 * gram_rows else gram_rows));
    switch (nv) {
        // One-vector tiles include the merged corner block (up to 2 × `gram_rows` rows).
        inline 1 => switch (mr) {
            inline 1...2 * gram_rows => |m| gramTile(m, 1, z, rows, kp, a0, b0, g, stride, hook),
            else => unreachable,
        },
        inline 2...gram_vectors => |v| switch (mr) {
            inline 1...gram_rows => |m| gramTile(m, v, z, rows, kp, a0, b0, g, stride, hook),
            else => unreachable,
        },
        else => unreachable,
    }
}

/// One register tile: rows `a0..a0+mr`, columns `b0..b0+nv·lanes` of ZᵀZ over all `rows` of Z.
fn gramTile(
    comptime mr: usize,
    comptime nv: usize,
    z: []const f32,
    rows: usize,
    kp: usize,
    a0: usize,
    b0: usize,
    g: []f64,
    stride: usize,
    hook: anytype,
) void {
    var acc: [mr][nv]V = undefined;
    inline for (0..mr) |r| inline for (0..nv) |v| {
        acc[r][v] = @splat(0);
    };
    var j: usize = 0;
    while (j < rows) : (j += 1) {
        if (j % gram_tick_rows == 0) hook.tick();
        const row = z[j * kp ..][0..kp];
        var cols: [nv]V = undefined;
        inline for (0..nv) |v| cols[v] = row[b0 + v * lanes ..][0..lanes].*;
        inline for (0..mr) |r| {
            const s: V = @splat(row[a0 + r]);
            inline for (0..nv) |v| acc[r][v] = mulAdd(V, s, cols[v], acc[r][v]);
        }
    }
    const W = @Vector(lanes, f64);
    inline for (0..mr) |r| inline for (0..nv) |v| {
        const dst = g[(a0 + r) * stride + b0 + v * lanes ..][0..lanes];
        const wide: W = acc[r][v];
        dst.* = @as(W, dst.*) + wide;
    };
}

/// In-place Cholesky factorisation A = UᵀU of the leading n × n block of `a` (row-major, row
/// stride `stride`, upper triangle read and overwritten by U): `choleskyFactorAugmented` with no
/// right-hand side. Returns false when a pivot is not positive and finite.
pub fn choleskyFactor(comptime T: type, a: []T, n: usize, stride: usize) bool {
    return choleskyFactorAugmented(T, a, n, n, stride, null);
}

/// In-place Cholesky factorisation A = UᵀU of the leading n × n block of `a` (row-major, row
/// stride `stride`, upper triangle read and overwritten by U), carrying columns n..`columns` of
/// the first n rows along as right-hand sides B: they end as U⁻ᵀB, so the forward substitution of
/// a solve comes with the factorisation (the bordered matrix [A B] is factorised row by row).
/// `inverse`, when given, receives 1/U[k][k] for the triangular solves.
///
/// Row-oriented (left-looking): row k of U is A[k][k..] − Σ_{m<k} U[m][k]·U[m][k..], scaled by
/// 1/U[k][k], summed in SIMD register chunks of up to four vectors. The vectors start at k rounded
/// down to the SIMD width and run to `columns` rounded up, so the few entries left of the diagonal
/// in the first vector and the padding columns are used as scratch (their values are meaningless).
/// `stride` must be at least `columns` rounded up to the SIMD width, and the padding must hold
/// finite values. Returns false when a pivot is not positive and finite (the matrix is not
/// numerically positive definite, or holds NaN/inf).
pub fn choleskyFactorAugmented(
    comptime T: type,
    a: []T,
    n: usize,
    columns: usize,
    stride: usize,
    inverse: ?[]T,
) bool {
    const width = comptime widthOf(T);
    const n_pad = padTo(T, columns);
    assert(columns >= n);
    assert(stride >= n_pad);
    if (n > 0) assert(a.len >= (n - 1) * stride + n_pad);
    if (inverse) |inv| assert(inv.len >= n);
    var k0: usize = 0;
    while (k0 < n) : (k0 += cholesky_panel) {
        const rows = @min(cholesky_panel, n - k0);
        // The panel's rows minus the contributions of every row above it, in register tiles.
        var j0 = k0 / width * width;
        while (j0 < n_pad) {
            const vectors: usize = @min(cholesky_vectors, (n_pad - j0) / width);
            switch (rows) {
                inline 1...cholesky_panel => |r| switch (vectors) {
                    inline 1...cholesky_vectors => |v| choleskyTile(T, r, v, a, stride, k0, j0),
                    else => unreachable,
                },
                else => unreachable,
            }
            j0 += vectors * width;
        }
        // Within the panel, row by row: the rows above it in the panel, then the pivot.
        for (k0..k0 + rows) |k| {
            const row_k = a[k * stride ..][0..n_pad];
            const first = k / width * width;
            for (k0..k) |m| {
                axpy(T, -a[m * stride + k], a[m * stride ..][first..n_pad], row_k[first..n_pad]);
            }
            const pivot = row_k[k];
            if (!(pivot > 0) or !std.math.isFinite(pivot)) return false;
            const root = @sqrt(pivot);
            const reciprocal = 1 / root;
            if (inverse) |inv| inv[k] = reciprocal;
            scaleRow(T, row_k, k, root, reciprocal);
        }
    }
    return true;
}

/// Rows factorised together by `choleskyFactorAugmented` (they share the loads of every row above).
const cholesky_panel = 4;

/// SIMD vectors per register tile of the Cholesky panel update.
const cholesky_vectors = 3;

/// A[k0 + r][j0 .. j0 + vectors·width] −= Σ_{m<k0} U[m][k0 + r] · U[m][j0 ..] for the `rows` rows
/// of a panel, summed in registers (`rows` × `vectors` accumulators, split into two interleaved
/// partial sums when that is fewer than eight chains, so the FMA latency stays hidden).
fn choleskyTile(
    comptime T: type,
    comptime rows: usize,
    comptime vectors: usize,
    a: []T,
    stride: usize,
    k0: usize,
    j0: usize,
) void {
    const width = comptime widthOf(T);
    const W = @Vector(width, T);
    assert(j0 % width == 0);
    assert(j0 + vectors * width <= stride);
    const unroll = if (rows * vectors < 8) 2 else 1;
    var acc: [unroll][rows][vectors]W = undefined;
    inline for (0..unroll) |u| inline for (0..rows) |r| inline for (0..vectors) |v| {
        acc[u][r][v] = @splat(0);
    };
    var m: usize = 0;
    while (m + unroll <= k0) : (m += unroll) {
        inline for (0..unroll) |u| {
            const row_m = a[(m + u) * stride ..];
            var x: [vectors]W = undefined;
            inline for (0..vectors) |v| x[v] = row_m[j0 + v * width ..][0..width].*;
            inline for (0..rows) |r| {
                const s: W = @splat(row_m[k0 + r]);
                inline for (0..vectors) |v| acc[u][r][v] = mulAdd(W, s, x[v], acc[u][r][v]);
            }
        }
    }
    while (m < k0) : (m += 1) {
        const row_m = a[m * stride ..];
        inline for (0..rows) |r| {
            const s: W = @splat(row_m[k0 + r]);
            inline for (0..vectors) |v| {
                acc[0][r][v] = mulAdd(W, s, row_m[j0 + v * width ..][0..width].*, acc[0][r][v]);
            }
        }
    }
    inline for (0..rows) |r| inline for (0..vectors) |v| {
        var sum = acc[0][r][v];
        inline for (1..unroll) |u| sum += acc[u][r][v];
        const dst = a[(k0 + r) * stride + j0 + v * width ..][0..width];
        dst.* = @as(W, dst.*) - sum;
    };
}

/// row[k] = root and row[k+1..] *= reciprocal, as whole aligned SIMD vectors (the lanes left of k
/// are kept). Every access is a whole aligned vector, so no load straddles an earlier store (a
/// straddling load cannot be forwarded from the store buffer and stalls).
fn scaleRow(comptime T: type, row: []T, k: usize, root: T, reciprocal: T) void {
    const width = comptime widthOf(T);
    const W = @Vector(width, T);
    assert(row.len % width == 0);
    assert(k < row.len);
    const j0 = k / width * width;
    const lane = std.simd.iota(usize, width);
    const at: @Vector(width, usize) = @splat(k - j0);
    const scale: W = @splat(reciprocal);
    const first: W = row[j0..][0..width].*;
    const kept = @select(T, lane == at, @as(W, @splat(root)), first);
    row[j0..][0..width].* = @select(T, lane > at, first * scale, kept);
    var j = j0 + width;
    while (j < row.len) : (j += width) row[j..][0..width].* = @as(W, row[j..][0..width].*) * scale;
}

/// Solves UᵀU x = b in place (`b` becomes x) with the factor from `choleskyFactor`.
pub fn choleskySolve(comptime T: type, u: []const T, n: usize, stride: usize, b: []T) void {
    assert(b.len >= n);
    assert(stride >= n);
    if (n > 0) assert(u.len >= (n - 1) * stride + n);
    // Forward: Uᵀ y = b, as column sweeps: y_i = b_i / U[i][i], then b[i+1..] −= y_i · U[i][i+1..].
    var i: usize = 0;
    while (i < n) : (i += 1) {
        const row = u[i * stride ..][0..n];
        b[i] /= row[i];
        axpy(T, -b[i], row[i + 1 .. n], b[i + 1 .. n]);
    }
    // Back: U x = y, as row dot products from the bottom up.
    i = n;
    while (i > 0) {
        i -= 1;
        const row = u[i * stride ..][0..n];
        b[i] = (b[i] - dotT(T, row[i + 1 .. n], b[i + 1 .. n])) / row[i];
    }
}

/// Forward substitution Uᵀ y = b in place with a factor U from `choleskyFactorAugmented` and its
/// `inverse` diagonal, a SIMD vector of unknowns at a time: within the block the column sweep
/// y_i = b_i / U[i][i], b −= y_i · U[i][·] runs in one register, then the block's rows are
/// subtracted from the rest of b in independent vector chains. `b` holds n rounded up to the SIMD
/// width entries (the padding ends as zero) and so do the rows of `u`. Every access to `b` is a
/// whole aligned vector (see `scaleRow`).
pub fn solveLower(
    comptime T: type,
    u: []const T,
    n: usize,
    stride: usize,
    inverse: []const T,
    b: []T,
) void {
    const width = comptime widthOf(T);
    const W = @Vector(width, T);
    const n_pad = padTo(T, n);
    assert(b.len >= n_pad);
    assert(inverse.len >= n);
    assert(stride >= n_pad);
    const lane = std.simd.iota(usize, width);
    var j0: usize = 0;
    while (j0 < n) : (j0 += width) {
        const count = @min(width, n - j0);
        var t: W = b[j0..][0..width].*;
        var y: W = @splat(0);
        inline for (0..width) |l| {
            if (l < count) {
                const yl = t[l] * inverse[j0 + l];
                y[l] = yl;
                const row: W = u[(j0 + l) * stride + j0 ..][0..width].*;
                const after = lane > @as(@Vector(width, usize), @splat(l));
                t = @select(T, after, mulAdd(W, @splat(-yl), row, t), t);
            }
        }
        b[j0..][0..width].* = y;
        var j = j0 + width;
        while (j < n_pad) : (j += width) {
            var acc: W = b[j..][0..width].*;
            inline for (0..width) |l| {
                if (l < count) {
                    const row: W = u[(j0 + l) * stride + j ..][0..width].*;
                    acc = mulAdd(W, @splat(-y[l]), row, acc);
                }
            }
            b[j..][0..width].* = acc;
        }
    }
}

/// Back substitution U x = y in place (`b` holds y and becomes x) with a factor U from
/// `choleskyFactorAugmented` and its `inverse` diagonal, a SIMD vector of unknowns at a time from
/// the bottom: the block's rows minus their dot products with the solved unknowns (independent
/// chains), then the small triangle in registers. `b` holds n rounded up to the SIMD width entries,
/// the padding zero; the rows of `u` are finite up to that width. Every access to `b` is a whole
/// aligned vector (see `scaleRow`).
pub fn solveUpper(
    comptime T: type,
    u: []const T,
    n: usize,
    stride: usize,
    inverse: []const T,
    b: []T,
) void {
    const width = comptime widthOf(T);
    const W = @Vector(width, T);
    const n_pad = padTo(T, n);
    assert(b.len >= n_pad);
    assert(inverse.len >= n);
    assert(stride >= n_pad);
    const lane = std.simd.iota(usize, width);
    const zero: W = @splat(0);
    var j0 = n_pad;
    while (j0 > 0) {
        j0 -= width;
        const count = @min(width, n - j0);
        var t: W = b[j0..][0..width].*;
        inline for (0..width) |l| {
            if (l < count) {
                const row = u[(j0 + l) * stride ..][0..n_pad];
                var acc: [2]W = .{ zero, zero };
                var j = j0 + width;
                while (j + 2 * width <= n_pad) : (j += 2 * width) {
                    inline for (0..2) |c| {
                        const at = j + c * width;
                        acc[c] = mulAdd(W, row[at..][0..width].*, b[at..][0..width].*, acc[c]);
                    }
                }
                if (j < n_pad) acc[0] = mulAdd(W, row[j..][0..width].*, b[j..][0..width].*, acc[0]);
                t[l] -= @reduce(.Add, acc[0] + acc[1]);
            }
        }
        var x: W = zero;
        inline for (0..width) |step| {
            const l = width - 1 - step;
            if (l < count) {
                const row: W = u[(j0 + l) * stride + j0 ..][0..width].*;
                const after = lane > @as(@Vector(width, usize), @splat(l));
                const solved = @reduce(.Add, @select(T, after, row * x, zero));
                x[l] = (t[l] - solved) * inverse[j0 + l];
            }
        }
        b[j0..][0..width].* = x;
    }
}

/// r −= A x for the symmetric n × n matrix A stored as its upper triangle in `a` (row stride
/// `stride` ≥ n rounded up to the SIMD width); `x` and `r` hold n rounded up to the SIMD width
/// entries. Entries past n and below the diagonal are masked out, so they may hold anything.
/// Every access to `r` is a whole aligned vector (see `scaleRow`).
pub fn symmetricResidual(
    comptime T: type,
    a: []const T,
    n: usize,
    stride: usize,
    x: []const T,
    r: []T,
) void {
    const width = comptime widthOf(T);
    const W = @Vector(width, T);
    const I = @Vector(width, usize);
    const n_pad = padTo(T, n);
    assert(x.len >= n_pad);
    assert(r.len >= n_pad);
    assert(stride >= n_pad);
    const lane = std.simd.iota(usize, width);
    const zero: W = @splat(0);
    const end: I = @splat(n);
    for (0..n) |row| {
        const upper = a[row * stride ..][0..n_pad];
        const j0 = row / width * width;
        const diagonal: I = @splat(row);
        const xr: W = @splat(x[row]);
        var sum: W = zero;
        var j = j0;
        while (j < n_pad) : (j += width) {
            const index = lane + @as(I, @splat(j));
            const inside = (index >= diagonal) & (index < end);
            const va = @select(T, inside, @as(W, upper[j..][0..width].*), zero);
            sum = mulAdd(W, va, @select(T, inside, @as(W, x[j..][0..width].*), zero), sum);
            // r[j] −= A[row][j]·x[row] above the diagonal; r[row] −= Σ_j A[row][j]·x[j] below.
            const mirror = @select(T, index > diagonal, va, zero);
            r[j..][0..width].* = mulAdd(W, -xr, mirror, r[j..][0..width].*);
        }
        const first = r[j0..][0..width];
        const total: W = @splat(@reduce(.Add, sum));
        first.* = @as(W, first.*) - @select(T, lane == diagonal - @as(I, @splat(j0)), total, zero);
    }
}

/// Most conjugate-gradient steps one `conjugateGradient` call takes.
pub const cg_steps_max: u32 = 1024;

/// Below this squared residual norm a conjugate-gradient solve stops (as implicit does).
pub const cg_residual_min: f32 = 1e-20;

/// At most `steps` conjugate-gradient steps (f32) on A x = b from the current `x`, whose residual
/// b − A x the caller has put in `r`; A, symmetric positive definite, is used only through
/// `system.multiply(v, out)` (out = A v). Stops early once rᵀr ≤ `cg_residual_min`, or when
/// pᵀAp ≤ 0 (p = 0, or A not positive: nothing left to gain). `x` and `r` are updated in place,
/// `p` and `ap` are scratch; all four have the same length.
pub fn conjugateGradient(
    system: anytype,
    steps: u32,
    x: []f32,
    r: []f32,
    p: []f32,
    ap: []f32,
) void {
    assert(steps <= cg_steps_max);
    assert(r.len == x.len);
    assert(p.len == x.len);
    assert(ap.len == x.len);
    @memcpy(p, r);
    var rs = dot(r, r);
    var step: u32 = 0;
    while (step < steps and rs > cg_residual_min) : (step += 1) {
        system.multiply(p, ap);
        const pap = dot(p, ap);
        if (!(pap > 0)) break;
        const alpha = rs / pap;
        axpy(f32, alpha, p, x);
        axpy(f32, -alpha, ap, r);
        const rs_next = dot(r, r);
        const beta = rs_next / rs;
        for (p, r) |*direction, residual| direction.* = residual + beta * direction.*;
        rs = rs_next;
    }
}

const testing = std.testing;

test "dot and axpy match hand sums, with and without a scalar tail" {
    const a = [_]f32{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
    const b = [_]f32{ 2, 0, 1, 1, 0, 0, 0, 0, 0, 0, -1 };
    try testing.expectEqual(@as(f32, 2 + 3 + 4 - 11), dot(&a, &b));
    try testing.expectEqual(@as(f32, 1 * 2), dot(a[0..1], b[0..1]));
    try testing.expectEqual(@as(f32, 0), dot(a[0..0], b[0..0]));
    // Every length from 0 to 40 (whole vectors, overlapping tails, short rows) against a plain sum.
    var lhs: [40]f32 = undefined;
    var rhs: [40]f32 = undefined;
    for (&lhs, &rhs, 0..) |*l, *r, i| {
        l.* = @floatFromInt(i % 7);
        r.* = @as(f32, @floatFromInt(i % 5)) - 2;
    }
    for (0..41) |len| {
        var plain: f32 = 0;
        for (lhs[0..len], rhs[0..len]) |l, r| plain += l * r;
        try testing.expectEqual(plain, dot(lhs[0..len], rhs[0..len]));
    }
    var y = [_]f64{ 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    const x = [_]f64{ 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
    axpy(f64, -2, &x, &y);
    try testing.expectEqualSlices(f64, &.{ -1, -3, -5, -7, -9, -11, -13, -15, -17, -19 }, &y);
}

test "Cholesky of the classic 3x3 example and its solve" {
    // A = [[4,12,-16],[12,37,-43],[-16,-43,98]] = UᵀU with U = [[2,6,-8],[0,1,5],[0,0,3]].
    const stride = 8;
    var a = [_]f64{
        4,  12, -16, 0, 0, 0, 0, 0,
        99, 37, -43, 0, 0, 0, 0, 0,
        99, 99, 98,  0, 0, 0, 0, 0,
    };
    try testing.expect(choleskyFactor(f64, &a, 3, stride));
    try testing.expectEqual(@as(f64, 2), a[0]);
    try testing.expectEqual(@as(f64, 6), a[1]);
    try testing.expectEqual(@as(f64, -8), a[2]);
    try testing.expectEqual(@as(f64, 1), a[stride + 1]);
    try testing.expectEqual(@as(f64, 5), a[stride + 2]);
    try testing.expectEqual(@as(f64, 3), a[2 * stride + 2]);
    // A · [1, 2, 3] = [-20, -43, 192].
    var b = [_]f64{ -20, -43, 192 };
    choleskySolve(f64, &a, 3, stride, &b);
    for (b, [_]f64{ 1, 2, 3 }) |got, want| try testing.expectApproxEqAbs(want, got, 1e-12);
}

test "Cholesky rejects a matrix that is not positive definite" {
    var a = [_]f64{0} ** 16; // [[1,2],[2,1]] has eigenvalues 3 and -1
    a[0] = 1;
    a[1] = 2;
    a[9] = 1;
    try testing.expect(!choleskyFactor(f64, &a, 2, 8));
    var b = [_]f64{0} ** 16;
    b[0] = std.math.nan(f64);
    b[9] = 1;
    try testing.expect(!choleskyFactor(f64, &b, 2, 8));
}

test "Cholesky solves larger SPD systems (f32 and f64, n = 1..40) to a small residual" {
    const n_max = 40;
    const stride = 48;
    var rng = std.Random.DefaultPrng.init(7);
    const random = rng.random();
    for (1..n_max + 1) |n| {
        var m: [n_max * n_max]f64 = undefined;
        for (m[0 .. n * n]) |*x| x.* = random.float(f64) - 0.5;
        var a = [_]f64{0} ** (n_max * stride); // A = MᵀM + I, upper triangle only
        for (0..n) |r| for (r..n) |c| {
            var s: f64 = if (r == c) 1 else 0;
            for (0..n) |t| s += m[t * n + r] * m[t * n + c];
            a[r * stride + c] = s;
        };
        var x_true: [n_max]f64 = undefined;
        for (x_true[0..n], 0..) |*x, i| x.* = @as(f64, @floatFromInt(i)) - 10;
        var b: [n_max]f64 = undefined;
        for (0..n) |r| {
            var s: f64 = 0;
            for (0..n) |c| s += a[@min(r, c) * stride + @max(r, c)] * x_true[c];
            b[r] = s;
        }
        var a32: [n_max * stride]f32 = undefined;
        for (&a32, a) |*dst, src| dst.* = @floatCast(src);
        try testing.expect(choleskyFactor(f64, &a, n, stride));
        var x = b;
        choleskySolve(f64, &a, n, stride, x[0..n]);
        for (x[0..n], x_true[0..n]) |got, want| try testing.expectApproxEqAbs(want, got, 1e-9);

        var x32: [n_max]f32 = undefined;
        for (x32[0..n], b[0..n]) |*dst, src| dst.* = @floatCast(src);
        try testing.expect(choleskyFactor(f32, &a32, n, stride));
        choleskySolve(f32, &a32, n, stride, x32[0..n]);
        for (x32[0..n], x_true[0..n]) |got, want| try testing.expectApproxEqAbs(want, got, 2e-2);
    }
}

test "blocked Gram equals the rank-1 reference on the upper triangle" {
    var rng = std.Random.DefaultPrng.init(11);
    const random = rng.random();
    const ks = [_]usize{ 1, 3, 7, 8, 15, 16, 17, 33, 64 };
    for (ks) |k| {
        const kp = padToLanes(k);
        const rows = 37;
        const stride = kp + lanes;
        const z = try testing.allocator.alloc(f32, rows * kp);
        defer testing.allocator.free(z);
        @memset(z, 0);
        for (0..rows) |j| for (0..k) |c| {
            z[j * kp + c] = @floatFromInt(random.intRangeAtMost(i32, -4, 4));
        };
        const blocked = try testing.allocator.alloc(f64, (k + 1) * stride);
        defer testing.allocator.free(blocked);
        const reference = try testing.allocator.alloc(f64, (k + 1) * stride);
        defer testing.allocator.free(reference);
        @memset(blocked, 0);
        @memset(reference, 0);
        gramAccumulate(z, rows, k, kp, blocked, stride, no_hook);
        for (0..rows) |j| gramRank1Upper(reference, stride, z[j * kp ..][0..k]);
        for (0..k) |a| for (a..k) |b| {
            try testing.expectEqual(reference[a * stride + b], blocked[a * stride + b]);
        };
    }
}

test "gramTicks counts the hook's ticks" {
    const Counter = struct {
        ticks: usize = 0,
        pub fn tick(self: *@This()) void {
            self.ticks += 1;
        }
    };
    for ([_]usize{ 1, 5, 8, 15, 16, 31, 40, 64, 100, 128 }) |k| {
        const kp = padToLanes(k);
        const rows = 9;
        const z = try testing.allocator.alloc(f32, rows * kp);
        defer testing.allocator.free(z);
        @memset(z, 0);
        const g = try testing.allocator.alloc(f64, k * kp);
        defer testing.allocator.free(g);
        var counter: Counter = .{};
        gramAccumulate(z, rows, k, kp, g, kp, &counter);
        try testing.expectEqual(gramTicks(k, kp, rows), counter.ticks);
    }
}

test "Gram of a hand example" {
    // Z rows [1,2] and [3,4]: ZᵀZ = [[10,14],[14,20]].
    const kp = comptime padToLanes(2);
    var z = [_]f32{0} ** (2 * kp);
    z[0] = 1;
    z[1] = 2;
    z[kp] = 3;
    z[kp + 1] = 4;
    var g = [_]f64{0} ** (2 * kp);
    gramAccumulate(&z, 2, 2, kp, &g, kp, no_hook);
    try testing.expectEqual(@as(f64, 10), g[0]);
    try testing.expectEqual(@as(f64, 14), g[1]);
    try testing.expectEqual(@as(f64, 20), g[kp + 1]);
}

test "augmented factorisation, aligned solves and the symmetric residual match the plain solve" {
    var rng = std.Random.DefaultPrng.init(13);
    const random = rng.random();
    const n_max = 40;
    const stride = 48;
    for (1..n_max + 1) |n| {
        // A = MᵀM + I (upper triangle), b random; the augmented matrix holds b in column n.
        var m: [n_max * n_max]f32 = undefined;
        for (m[0 .. n * n]) |*x| x.* = random.float(f32) - 0.5;
        var a = [_]f32{0} ** (n_max * stride);
        var a64 = [_]f64{0} ** (n_max * stride);
        var b: [stride]f32 = [_]f32{0} ** stride;
        for (0..n) |r| {
            for (r..n) |c| {
                var s: f32 = if (r == c) 1 else 0;
                for (0..n) |t| s += m[t * n + r] * m[t * n + c];
                a[r * stride + c] = s;
                a64[r * stride + c] = s;
            }
            b[r] = random.float(f32) * 4 - 2;
        }
        var plain = a;
        var want = b;
        try testing.expect(choleskyFactor(f32, &plain, n, stride));
        choleskySolve(f32, &plain, n, stride, want[0..n]);

        var augmented = a;
        for (0..n) |r| augmented[r * stride + n] = b[r];
        var inverse: [stride]f32 = undefined;
        try testing.expect(choleskyFactorAugmented(f32, &augmented, n, n + 1, stride, &inverse));
        var x: [stride]f32 = [_]f32{0} ** stride;
        for (0..n) |r| x[r] = augmented[r * stride + n];
        solveUpper(f32, &augmented, n, stride, &inverse, &x);
        for (want[0..n], x[0..n]) |w, got| {
            try testing.expectApproxEqAbs(w, got, 1e-4 * @max(1, @abs(w)));
        }

        // The forward and back sweeps of b give the same x again.
        var again = b;
        solveLower(f32, &augmented, n, stride, &inverse, &again);
        solveUpper(f32, &augmented, n, stride, &inverse, &again);
        for (x[0..n], again[0..n]) |w, got| {
            try testing.expectApproxEqAbs(w, got, 1e-4 * @max(1, @abs(w)));
        }

        // b − A x from the upper triangle equals the dense product, with garbage past n.
        var x64: [stride]f64 = [_]f64{std.math.nan(f64)} ** stride;
        var r64: [stride]f64 = [_]f64{std.math.nan(f64)} ** stride;
        for (0..n) |r| {
            x64[r] = x[r];
            r64[r] = b[r];
        }
        symmetricResidual(f64, &a64, n, stride, &x64, &r64);
        for (0..n) |r| {
            var dense: f64 = b[r];
            for (0..n) |c| dense -= a64[@min(r, c) * stride + @max(r, c)] * x64[c];
            try testing.expectApproxEqAbs(dense, r64[r], 1e-9);
        }
    }
}

test "conjugate gradient solves an SPD system in n steps and stops on a zero residual" {
    // A = [[4, 1, 0], [1, 3, 1], [0, 1, 2]], b = A [1, -2, 3] = [2, -2, 4].
    const System = struct {
        a: [9]f32 = .{ 4, 1, 0, 1, 3, 1, 0, 1, 2 },
        products: u32 = 0,

        pub fn multiply(self: *@This(), v: []const f32, out: []f32) void {
            for (out, 0..) |*o, row| o.* = dot(self.a[row * 3 ..][0..3], v);
            self.products += 1;
        }
    };
    var system: System = .{};
    var x = [_]f32{ 0, 0, 0 };
    var r = [_]f32{ 2, -2, 4 }; // b − A·0
    var p: [3]f32 = undefined;
    var ap: [3]f32 = undefined;
    conjugateGradient(&system, 10, &x, &r, &p, &ap);
    for (x, [_]f32{ 1, -2, 3 }) |got, want| try testing.expectApproxEqAbs(want, got, 1e-5);
    try testing.expect(system.products >= 3); // three steps at least (exact arithmetic: three)
    try testing.expect(system.products <= 10);
    // From the solution the residual is zero: no product at all.
    system.products = 0;
    @memset(&r, 0);
    conjugateGradient(&system, 10, &x, &r, &p, &ap);
    try testing.expectEqual(@as(u32, 0), system.products);
    // One step from zero moves along b only.
    x = .{ 0, 0, 0 };
    r = .{ 2, -2, 4 };
    conjugateGradient(&system, 1, &x, &r, &p, &ap);
    try testing.expectEqual(@as(u32, 1), system.products);
    try testing.expectApproxEqAbs(x[0] * -1, x[1], 1e-6); // x ∥ b = [2, -2, 4]
    try testing.expectApproxEqAbs(x[0] * 2, x[2], 1e-6);
}
