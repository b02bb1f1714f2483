//! Explicit-feedback ALS with biases: r̂_ui = μ + b_u + b_i + x_u·y_i, minimising
//!   Σ (r − r̂)² + λ_f (Σ w_u ‖x_u‖² + Σ w_i ‖y_i‖²) + λ_b (Σ w_u b_u² + Σ w_i b_i²),
//! with w = n (the row's rating count, ALS-WR) or 1.
//!
//! One half-step solves every user exactly given the items (and the mirror for items). For user u
//! with rated items I_u, z_i = [y_i; 1] (K+1 entries) and r'_ui = r_ui − μ − b_i:
//!   A = Σ z_i z_iᵀ + diag(λ_f·w, …, λ_f·w, λ_b·w),  b = Σ r'_ui z_i,  [x_u; b_u] = A⁻¹ b.
//! A row without ratings gets zero factors and zero bias.
//!
//! How a row is solved (the same solution, computed two ways):
//! - primal, for rows with many ratings: the products z zᵀ are summed in f32 SIMD register tiles
//!   over chunks of at most `chunkRows` ratings, each chunk added into an f64 A (so long rows do
//!   not lose precision), b likewise; A is factorised as an f32 copy (it fits the L1 cache) and the
//!   solution refined once with the f64 residual b − A x (f64 factorisation if the f32 one fails);
//! - dual, for short rows (n ≤ 2(K+1)/3 and λ_b > 0): with D the diagonal of λ's and Z the n rows
//!   z_iᵀ, (D + ZᵀZ)⁻¹ Zᵀ r' = D⁻¹ Zᵀ (I + Z D⁻¹ Zᵀ)⁻¹ r', an n × n system in f64.
//! Results are stored as f32. Every row is solved by one thread from the same inputs in the same
//! order, so the numbers are identical whatever the thread count.
//!
//! Speed: the other side's factors are first packed into rows of whole SIMD vectors that start on
//! cache lines (a K = 15 row is one line, not two); per thread, scratch (the gathered factors of
//! one chunk, A, b) is allocated once per call; the Gram update is the blocked
//! `linalg.gramAccumulate`, during which the factor rows of the next chunk are prefetched (they
//! are random reads); the f32 factorisation carries b along (the forward substitution is free)
//! and the triangular solves touch only whole aligned vectors (no stalled store forwarding); rows
//! are cut into contiguous ranges of equal work (ratings plus a per-row cost for the solve).
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");
const rows_mod = @import("rows.zig");
const linalg = @import("linalg.zig");
const pack = @import("pack.zig");
const sparse = @import("sparse.zig");

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;
const Rows = rows_mod.Rows;

/// Largest number of latent factors the kernels accept.
pub const k_max: u32 = 1024;

/// The fewest rows a half-step gives one thread: a side with fewer than `threads ×
/// rows_per_thread_min` rows runs on fewer threads than asked for (tests size their data by it).
pub const rows_per_thread_min: u32 = 64;

pub const Params = struct {
    k: u32,
    mu: f32,
    lambda_factors: f32,
    lambda_bias: f32,
    /// Multiply both λ by the row's rating count (ALS-WR).
    weighted: bool,

    pub fn valid(self: Params) bool {
        return self.k >= 1 and self.k <= k_max and std.math.isFinite(self.mu) and
            self.lambda_factors > 0 and std.math.isFinite(self.lambda_factors) and
            self.lambda_bias >= 0 and std.math.isFinite(self.lambda_bias);
    }
};

/// One side's parameters: `factors` is `count × k` row-major, `bias` has `count` entries.
pub const Side = struct {
    factors: []f32,
    bias: []f32,
};

pub const SideConst = struct {
    factors: []const f32,
    bias: []const f32,
};

/// A prior mean per row that the half-step pulls toward (kernels/genre_als.zig): row r solves
///   (Σ z zᵀ + D + T) [x; b] = Σ r' z + T m_r,
///   T = diag(τ, …, τ, τ_b),  m_r = [factors_r; bias_r],
/// and a row without ratings is m_r exactly. With τ = τ_b = 0 and m = 0 it is the plain half-step
/// except for empty rows (which take m).
pub const Prior = struct {
    /// `rows × k`, row-major.
    factors: []const f32,
    /// One per row.
    bias: []const f32,
    tau: f32,
    tau_bias: f32,

    pub fn valid(self: Prior) bool {
        return self.tau >= 0 and std.math.isFinite(self.tau) and self.tau_bias >= 0 and
            std.math.isFinite(self.tau_bias);
    }
};

/// Ratings gathered per chunk: about 16 KiB of f32 factors (half the L1 data cache, so the chunk
/// stays there while every Gram tile streams over it), at least 16 rows.
fn chunkRows(kp: usize) usize {
    return @max(16, 4096 / kp);
}

/// Rows the gather buffer holds: a primal chunk, or a whole short row for the dual solve (about
/// 32 KiB of f32 factors, at least 16 rows; rows longer than this are solved in the primal).
fn gatherRows(kp: usize) usize {
    return @max(chunkRows(kp), 8192 / kp);
}

/// Per-thread scratch, allocated once per call.
const Scratch = struct {
    k: usize,
    kp: usize,
    /// Row stride of `a` and `u` (a multiple of the SIMD width, ≥ k + 1 rounded up).
    stride: usize,
    chunk: usize,
    /// Capacity of `z` and `residual` in rows (≥ chunk): `gatherRows`.
    rows_max: usize,
    /// rows_max × kp gathered factors; columns k..kp stay zero.
    z: []f32,
    /// k × kp: Zᵀ of a short row (dual solve).
    zt: []f32,
    /// rows_max residuals r'.
    residual: []f32,
    /// (k+1) × stride f64: the system matrix A (upper triangle), or the dual matrix M.
    a: []f64,
    /// (k+1) × stride f32: the copy of A that is factorised.
    u: []f32,
    /// k+1 right-hand side.
    b: []f64,
    /// k+1 solution and refinement residual (f64), and the f32 solve vector (each padded to whole
    /// SIMD vectors).
    x: []f64,
    refine: []f64,
    x32: []f32,
    /// 1/U[i][i] of the f32 factor (k+1 entries).
    inverse32: []f32,
    /// Σ z over the rows (f64, k entries).
    z_sum: []f64,
    /// Per-chunk f32 sums of z and r'·z (kp entries each).
    chunk_z: []f32,
    chunk_rz: []f32,
    /// Set by the worker before its first row.
    prefetcher: Prefetcher = undefined,

    fn init(allocator: std.mem.Allocator, k: usize) !Scratch {
        assert(k >= 1);
        assert(k <= k_max);
        const kp = linalg.padToLanes(k);
        const stride = kp + linalg.lanes;
        const chunk = chunkRows(kp);
        const rows_max = gatherRows(kp);
        assert(rows_max >= chunk);
        var self: Scratch = .{
            .k = k,
            .kp = kp,
            .stride = stride,
            .chunk = chunk,
            .rows_max = rows_max,
            .z = &.{},
            .zt = &.{},
            .residual = &.{},
            .a = &.{},
            .u = &.{},
            .b = &.{},
            .x = &.{},
            .refine = &.{},
            .x32 = &.{},
            .inverse32 = &.{},
            .z_sum = &.{},
            .chunk_z = &.{},
            .chunk_rz = &.{},
        };
        errdefer self.deinit(allocator);
        // Every buffer starts zeroed: padding columns must stay zero, and the factorisations'
        // scratch lanes must hold finite values.
        self.z = try zeroed(f32, allocator, rows_max * kp);
        self.zt = try zeroed(f32, allocator, k * kp);
        self.residual = try zeroed(f32, allocator, rows_max);
        self.a = try zeroed(f64, allocator, (k + 1) * stride);
        self.u = try zeroed(f32, allocator, (k + 1) * stride);
        self.b = try zeroed(f64, allocator, k + 1);
        // The solves work on whole SIMD vectors: k + 1 unknowns rounded up to the f32 width.
        const unknowns_pad = linalg.padToLanes(k + 1);
        self.x = try zeroed(f64, allocator, unknowns_pad);
        self.refine = try zeroed(f64, allocator, unknowns_pad);
        self.x32 = try zeroed(f32, allocator, unknowns_pad);
        self.inverse32 = try zeroed(f32, allocator, unknowns_pad);
        self.z_sum = try zeroed(f64, allocator, k);
        self.chunk_z = try zeroed(f32, allocator, kp);
        self.chunk_rz = try zeroed(f32, allocator, kp);
        return self;
    }

    fn zeroed(comptime T: type, allocator: std.mem.Allocator, n: usize) ![]T {
        const buffer = try allocator.alloc(T, n);
        @memset(buffer, 0);
        return buffer;
    }

    fn deinit(self: *Scratch, allocator: std.mem.Allocator) void {
        const buffers = .{
            "z",         "zt",    "residual", "a",        "u", "b", "x", "refine", "x32",
            "inverse32", "z_sum", "chunk_z",  "chunk_rz",
        };
        inline for (buffers) |name| {
            if (@field(self, name).len > 0) allocator.free(@field(self, name));
        }
        self.* = undefined;
    }
};

const HalfStep = struct {
    allocator: std.mem.Allocator,
    rows: Rows,
    /// The other side, its factors packed in rows of `kp` floats (see `halfStep`).
    other: SideConst,
    side: Side,
    params: Params,
    /// The prior of each row (null: plain ALS).
    prior: ?Prior,
    bounds: []const usize,
    results: []rows_mod.PartResult,

    fn run(self: *const HalfStep, part: u32) void {
        assert(part < self.results.len);
        assert(self.bounds.len == self.results.len + 1);
        var scratch = Scratch.init(self.allocator, self.params.k) catch {
            self.results[part] = .{ .status = .out_of_memory, .row = self.bounds[part] };
            return;
        };
        defer scratch.deinit(self.allocator);
        const first_row = self.bounds[part];
        const last_row = self.bounds[part + 1];
        assert(first_row <= last_row);
        assert(last_row <= self.rows.count());
        scratch.prefetcher = Prefetcher.init(
            self.rows.index,
            self.other,
            scratch.kp,
            pack.biasInRow(scratch.k, scratch.kp),
            self.rows.begin(first_row),
            self.rows.ptr[last_row],
        );
        var r = first_row;
        while (r < last_row) : (r += 1) {
            if (!self.solveRow(&scratch, r)) {
                self.results[part] = .{ .status = .not_finite, .row = r };
                return;
            }
        }
    }

    /// Builds and solves row r's system; false when it is not numerically positive definite or
    /// the solution is not finite.
    fn solveRow(self: *const HalfStep, s: *Scratch, r: usize) bool {
        const k = s.k;
        assert(r < self.rows.count());
        const begin = self.rows.begin(r);
        const end = self.rows.end(r);
        assert(begin <= end);
        const factors = self.side.factors[r * k ..][0..k];
        if (begin == end) {
            if (self.prior) |prior| {
                @memcpy(factors, prior.factors[r * k ..][0..k]);
                self.side.bias[r] = prior.bias[r];
            } else {
                @memset(factors, 0);
                self.side.bias[r] = 0;
            }
            return true;
        }
        const n = end - begin;
        const weight: f64 = if (self.params.weighted) @floatFromInt(n) else 1;
        var d_factors = @as(f64, self.params.lambda_factors) * weight;
        var d_bias = @as(f64, self.params.lambda_bias) * weight;
        if (self.prior) |prior| {
            d_factors += prior.tau;
            d_bias += prior.tau_bias;
        }
        const solved = if (useDual(n, k, s.rows_max, d_bias))
            self.solveDual(s, r, begin, n, d_factors, d_bias)
        else
            self.solvePrimal(s, r, begin, end, d_factors, d_bias);
        if (!solved) return false;
        for (factors, s.x[0..k]) |*dst, x| dst.* = @floatCast(x);
        self.side.bias[r] = @floatCast(s.x[k]);
        for (factors) |x| if (!std.math.isFinite(x)) return false;
        return std.math.isFinite(self.side.bias[r]);
    }

    /// The primal system: A = Σ z zᵀ + D ((k+1)², Gram over chunks), b = Σ r' z; solved by an f32
    /// Cholesky factorisation with one step of f64 iterative refinement (or an f64 factorisation
    /// when the f32 one breaks down). Result in `s.x`.
    fn solvePrimal(
        self: *const HalfStep,
        s: *Scratch,
        r: usize,
        begin: usize,
        end: usize,
        d_factors: f64,
        d_bias: f64,
    ) bool {
        const k = s.k;
        assert(begin < end);
        assert(end <= self.rows.index.len);
        assert(d_factors > 0);
        assert(d_bias >= 0);
        @memset(s.z_sum, 0);
        @memset(s.b, 0);
        zeroUpper(s.a, s.stride, k, s.kp);
        var chunk_begin = begin;
        while (chunk_begin < end) : (chunk_begin += s.chunk) {
            const chunk_end = @min(end, chunk_begin + s.chunk);
            self.accumulateChunk(s, chunk_begin, chunk_end);
        }
        for (0..k) |a| {
            s.a[a * s.stride + a] += d_factors;
            s.a[a * s.stride + k] = s.z_sum[a];
        }
        s.a[k * s.stride + k] = @as(f64, @floatFromInt(end - begin)) + d_bias;
        if (self.prior) |prior| {
            // + T m_r on the right-hand side.
            const m_r = prior.factors[r * k ..][0..k];
            for (s.b[0..k], m_r) |*b, m| b.* += @as(f64, prior.tau) * m;
            s.b[k] += @as(f64, prior.tau_bias) * prior.bias[r];
        }
        return solveRefined(s, k + 1);
    }

    /// The dual system for a short row (n ratings, n small against k + 1): with D the diagonal
    /// regularisation and Z the n × (k+1) matrix of rows z_j,
    ///   (D + ZᵀZ)⁻¹ Zᵀ r' = D⁻¹ Zᵀ (I + Z D⁻¹ Zᵀ)⁻¹ r',
    /// so only an n × n system is factorised. M = I + Y Yᵀ / d_f + 1 1ᵀ / d_b is computed by the
    /// same blocked Gram kernel on Yᵀ. Result in `s.x`.
    ///
    /// With a prior (D includes T): x = x₀ + D⁻¹ Zᵀ (I + Z D⁻¹ Zᵀ)⁻¹ (r' − Z x₀), x₀ = D⁻¹ T m_r
    /// (Woodbury on (D + ZᵀZ)⁻¹ (Zᵀ r' + T m_r)), so the residuals are taken against x₀ first.
    fn solveDual(
        self: *const HalfStep,
        s: *Scratch,
        r: usize,
        begin: usize,
        n: usize,
        d_factors: f64,
        d_bias: f64,
    ) bool {
        const k = s.k;
        const np = linalg.padToLanes(n);
        assert(n >= 1);
        assert(n <= s.rows_max);
        assert(n <= k);
        assert(np <= s.kp);
        assert(begin + n <= self.rows.index.len);
        assert(d_factors > 0);
        assert(d_bias > 0);
        self.gather(s, begin, n, linalg.gramTicks(n, np, k));
        if (self.prior) |prior| {
            // x₀ in s.refine (unused by the dual path otherwise), then r' −= z·x₀.
            const scale_f = @as(f64, prior.tau) / d_factors;
            for (s.refine[0..k], prior.factors[r * k ..][0..k]) |*x0, m| x0.* = scale_f * m;
            s.refine[k] = @as(f64, prior.tau_bias) / d_bias * prior.bias[r];
            for (0..n) |j| {
                var fitted: f64 = s.refine[k];
                for (s.refine[0..k], s.z[j * s.kp ..][0..k]) |x0, zf| fitted += x0 * zf;
                s.residual[j] = @floatCast(@as(f64, s.residual[j]) - fitted);
            }
        }
        // Yᵀ: row f holds factor f of the n gathered rows, padded with zeros to np.
        for (0..k) |f| {
            const row = s.zt[f * np ..][0..np];
            for (0..n) |j| row[j] = s.z[j * s.kp + f];
            @memset(row[n..np], 0);
        }
        zeroUpper(s.a, s.stride, n, np);
        linalg.gramAccumulate(s.zt, k, n, np, s.a, s.stride, &s.prefetcher);
        const inv_f = 1 / d_factors;
        const inv_b = 1 / d_bias;
        for (0..n) |a| {
            const row = s.a[a * s.stride ..][a..n];
            for (row) |*m| m.* = m.* * inv_f + inv_b;
            row[0] += 1;
            s.b[a] = s.residual[a];
        }
        if (!linalg.choleskyFactor(f64, s.a, n, s.stride)) return false;
        linalg.choleskySolve(f64, s.a, n, s.stride, s.b[0..n]);
        @memset(s.x, 0);
        var alpha_sum: f64 = 0;
        for (0..n) |j| {
            const alpha = s.b[j];
            alpha_sum += alpha;
            for (s.x[0..k], s.z[j * s.kp ..][0..k]) |*x, zf| x.* += alpha * zf;
        }
        for (s.x[0..k]) |*x| x.* *= inv_f;
        s.x[k] = alpha_sum * inv_b;
        if (self.prior != null) for (s.x[0 .. k + 1], s.refine[0 .. k + 1]) |*x, x0| {
            x.* += x0;
        };
        return true;
    }

    /// Copies the factor rows of entries `begin..begin+count` into `s.z` and their residuals
    /// r' = r − μ − b(other) into `s.residual`.
    /// `ticks` is how many prefetch ticks the Gram computation that follows will give.
    /// Kept out of line, as it was before the asserts of this file were added: they tipped LLVM
    /// into inlining it into `run`, which measured a few percent slower per epoch (K = 32, 64).
    noinline fn gather(
        self: *const HalfStep,
        s: *Scratch,
        begin: usize,
        count: usize,
        ticks: usize,
    ) void {
        assert(count <= s.rows_max);
        assert(begin + count <= self.rows.index.len);
        // Prefetches (issued while the Gram tiles run) stay about one chunk ahead.
        s.prefetcher.catchUp(begin + count);
        s.prefetcher.plan(begin + count + s.chunk, ticks);
        const mu = self.params.mu;
        if (pack.biasInRow(s.k, s.kp)) {
            // The bias comes with the row (column k), which the copy zeroes for the Gram.
            const lanes = linalg.lanes;
            const lane = std.simd.iota(usize, lanes);
            const slot: @Vector(lanes, usize) = @splat(s.k % lanes);
            const zero: linalg.V = @splat(0);
            const last = s.k / lanes * lanes;
            for (0..count) |j| {
                const e = begin + j;
                const other: usize = self.rows.index[e];
                const src = self.other.factors[other * s.kp ..][0..s.kp];
                const dst = s.z[j * s.kp ..][0..s.kp];
                copyRow(dst[0..last], src[0..last]);
                const tail: linalg.V = src[last..][0..lanes].*;
                dst[last..][0..lanes].* = @select(f32, lane == slot, zero, tail);
                const bias = @reduce(.Add, @select(f32, lane == slot, tail, zero));
                s.residual[j] = self.rows.values[e] - mu - bias;
            }
            return;
        }
        // Independent copies first, so that many misses are in flight at once.
        for (0..count) |j| {
            const other: usize = self.rows.index[begin + j];
            copyRow(s.z[j * s.kp ..][0..s.kp], self.other.factors[other * s.kp ..][0..s.kp]);
        }
        for (0..count) |j| {
            const e = begin + j;
            s.residual[j] = self.rows.values[e] - mu - self.other.bias[self.rows.index[e]];
        }
    }

    /// Gathers entries `chunk_begin..chunk_end` of the row and adds their Gram and right-hand
    /// side into `s.a` and `s.b` (f32 sums within the chunk, f64 across chunks).
    fn accumulateChunk(
        self: *const HalfStep,
        s: *Scratch,
        chunk_begin: usize,
        chunk_end: usize,
    ) void {
        const k = s.k;
        const kp = s.kp;
        assert(chunk_begin < chunk_end);
        const count = chunk_end - chunk_begin;
        assert(count >= 1);
        assert(count <= s.chunk);
        self.gather(s, chunk_begin, count, linalg.gramTicks(k, kp, count));
        var residual_sum: f64 = 0;
        for (s.residual[0..count]) |residual| residual_sum += residual;
        chunkSums(s.z, count, kp, s.residual, s.chunk_z, s.chunk_rz);
        for (0..k) |a| {
            s.z_sum[a] += s.chunk_z[a];
            s.b[a] += s.chunk_rz[a];
        }
        s.b[k] += residual_sum;
        linalg.gramAccumulate(s.z, count, k, kp, s.a, s.stride, &s.prefetcher);
    }
};

/// Vectors per register block of `chunkSums`.
const sum_vectors = 4;

/// sum_z = Σ_j z_j and sum_rz = Σ_j r'_j·z_j over the `count` rows of `z` (stride `kp`), summed
/// row by row in f32 (the same order as one axpy per row), with the sums of `sum_vectors` SIMD
/// vectors of columns held in registers over all rows.
fn chunkSums(
    z: []const f32,
    count: usize,
    kp: usize,
    residual: []const f32,
    sum_z: []f32,
    sum_rz: []f32,
) void {
    const lanes = linalg.lanes;
    assert(kp >= lanes);
    assert(kp % lanes == 0);
    assert(z.len >= count * kp);
    assert(residual.len >= count);
    assert(sum_z.len >= kp);
    assert(sum_rz.len >= kp);
    var c0: usize = 0;
    while (c0 < kp) {
        const vectors = @min(sum_vectors, (kp - c0) / lanes);
        switch (vectors) {
            inline 1...sum_vectors => |v| {
                chunkSumsBlock(v, z, count, kp, c0, residual, sum_z, sum_rz);
            },
            else => unreachable,
        }
        c0 += vectors * lanes;
    }
}

fn chunkSumsBlock(
    comptime vectors: usize,
    z: []const f32,
    count: usize,
    kp: usize,
    c0: usize,
    residual: []const f32,
    sum_z: []f32,
    sum_rz: []f32,
) void {
    const lanes = linalg.lanes;
    const V = linalg.V;
    var acc_z: [vectors]V = @splat(@splat(0));
    var acc_rz: [vectors]V = @splat(@splat(0));
    for (0..count) |j| {
        const row = z[j * kp + c0 ..][0 .. vectors * lanes];
        const r: V = @splat(residual[j]);
        inline for (0..vectors) |v| {
            const x: V = row[v * lanes ..][0..lanes].*;
            acc_z[v] += x;
            acc_rz[v] = linalg.mulAdd(V, r, x, acc_rz[v]);
        }
    }
    inline for (0..vectors) |v| {
        sum_z[c0 + v * lanes ..][0..lanes].* = acc_z[v];
        sum_rz[c0 + v * lanes ..][0..lanes].* = acc_rz[v];
    }
}

/// Whether a row of n ratings is solved through its n × n dual system: when n is at most two
/// thirds of k + 1 (then n²(k+1)/2 + n³/6 is well below n(k+1)²/2 + (k+1)³/6), fits the gather
/// buffer (`rows_max` rows), and the bias regularisation is positive (D must be invertible).
fn useDual(n: usize, k: usize, rows_max: usize, d_bias: f64) bool {
    return d_bias > 0 and 3 * n <= 2 * (k + 1) and n <= rows_max and n <= k;
}

/// Zeroes the entries of an upper-triangular Gram target that `gramAccumulate` adds into: rows
/// 0..n from their first tile's column to np (this covers the SIMD vectors the factorisations
/// start each row with).
fn zeroUpper(a: []f64, stride: usize, n: usize, np: usize) void {
    assert(n <= np);
    assert(np <= stride);
    assert(a.len >= n * stride);
    for (0..n) |row| {
        const first = linalg.firstColumn(row);
        @memset(a[row * stride + first ..][0 .. np - first], 0);
    }
}

/// Solves A x = b for the p × p SPD system in `s.a` (f64, upper) and `s.b` into `s.x`: an f32
/// copy of [A b] is factorised (it fits the L1 cache and has twice the SIMD lanes; the forward
/// substitution comes with it), and the f32 solution is refined once with the f64 residual
/// b − A x. Falls back to an f64 factorisation when the f32 one breaks down (an ill-conditioned A).
fn solveRefined(s: *Scratch, p: usize) bool {
    assert(p >= 1);
    assert(p <= s.k + 1);
    const lanes = linalg.lanes;
    const columns = p + 1;
    const columns_pad = linalg.padToLanes(columns);
    assert(columns_pad <= s.stride);
    for (0..p) |row| {
        const first = row / lanes * lanes;
        const dst = s.u[row * s.stride ..][0..columns_pad];
        narrow(dst[first..p], s.a[row * s.stride ..][first..p]);
        dst[p] = @floatCast(s.b[row]);
        @memset(dst[columns..columns_pad], 0);
    }
    if (!linalg.choleskyFactorAugmented(f32, s.u, p, columns, s.stride, s.inverse32[0..p])) {
        if (!linalg.choleskyFactor(f64, s.a, p, s.stride)) return false;
        @memcpy(s.x[0..p], s.b[0..p]);
        linalg.choleskySolve(f64, s.a, p, s.stride, s.x[0..p]);
        return true;
    }
    const p_pad = linalg.padToLanes(p);
    for (s.x32[0..p], 0..) |*dst, row| dst.* = s.u[row * s.stride + p];
    @memset(s.x32[p..p_pad], 0);
    linalg.solveUpper(f32, s.u, p, s.stride, s.inverse32, s.x32);
    for (s.x[0..p_pad], s.x32[0..p_pad]) |*dst, src| dst.* = src;
    // refine = b − A x, with A symmetric and stored as its upper triangle.
    @memcpy(s.refine[0..p], s.b[0..p]);
    linalg.symmetricResidual(f64, s.a, p, s.stride, s.x, s.refine);
    for (s.x32[0..p], s.refine[0..p]) |*dst, src| dst.* = @floatCast(src);
    linalg.solveLower(f32, s.u, p, s.stride, s.inverse32, s.x32);
    linalg.solveUpper(f32, s.u, p, s.stride, s.inverse32, s.x32);
    for (s.x[0..p], s.x32[0..p]) |*dst, correction| dst.* += correction;
    return true;
}

/// dst = src rounded to f32: whole SIMD vectors, then a scalar tail.
fn narrow(dst: []f32, src: []const f64) void {
    assert(dst.len == src.len);
    const lanes = linalg.lanes;
    var i: usize = 0;
    while (i + lanes <= src.len) : (i += lanes) {
        const wide: @Vector(lanes, f64) = src[i..][0..lanes].*;
        const short: linalg.V = @floatCast(wide);
        dst[i..][0..lanes].* = short;
    }
    while (i < src.len) : (i += 1) dst[i] = @floatCast(src[i]);
}

/// Software prefetches of the factor rows (and biases) of upcoming entries: the reads are random,
/// the other side's parameters for every rating. `tick` issues a burst of `burst` cache-line
/// prefetches every `period` ticks while the cursor is below `limit`; the ticks come every
/// `linalg.gram_tick_rows` rows of every Gram register tile, so the loads of the next chunk are
/// spread over the arithmetic of the current one.
const Prefetcher = struct {
    index: []const u32,
    factors: [*]const f32,
    bias: [*]const f32,
    /// Floats per packed factor row.
    stride: usize,
    /// Whether the rows carry their bias (then the bias array is not read).
    bias_in_row: bool,
    /// Next entry to prefetch, and the next and last line address of its row (0 = not started).
    cursor: usize,
    line: usize = 0,
    last_line: usize = 0,
    /// Prefetch entries below this (moved forward chunk by chunk).
    limit: usize,
    /// End of the partition's entries.
    end: usize,
    /// Ticks per prefetch, and ticks left until the next one.
    period: usize = 1,
    countdown: usize = 1,
    /// Lines per prefetching tick (at most `burst_max`).
    burst: usize = 1,

    const burst_max = 8;

    const line_bytes = 64;

    fn init(
        index: []const u32,
        other: SideConst,
        stride: usize,
        bias_in_row: bool,
        begin: usize,
        end: usize,
    ) Prefetcher {
        assert(begin <= end);
        assert(end <= index.len);
        assert(stride >= 1);
        return .{
            .index = index,
            .factors = other.factors.ptr,
            .bias = other.bias.ptr,
            .stride = stride,
            .bias_in_row = bias_in_row,
            .cursor = begin,
            .limit = begin,
            .end = end,
        };
    }

    /// Lines a row's prefetch takes (its factor row, which starts on a line, and its bias).
    fn linesPerRow(self: *const Prefetcher) usize {
        const bias_lines: usize = if (self.bias_in_row) 0 else 1;
        return (self.stride * @sizeOf(f32) + line_bytes - 1) / line_bytes + bias_lines;
    }

    /// Moves the window to end at `limit` and spreads its lines over about `ticks` ticks (several
    /// lines per tick when the window has more lines than the computation has ticks).
    fn plan(self: *Prefetcher, limit: usize, ticks: usize) void {
        self.limit = @min(self.end, limit);
        const lines = (self.limit -| self.cursor) * self.linesPerRow();
        const ticks_min = @max(1, ticks);
        self.period = @max(1, ticks_min / @max(1, lines));
        self.burst = @min(burst_max, @max(1, (lines + ticks_min - 1) / ticks_min));
        self.countdown = 1;
    }

    /// Skips ahead to `entry` (the prefetches behind it would come too late).
    fn catchUp(self: *Prefetcher, entry: usize) void {
        if (self.cursor >= entry) return;
        self.cursor = entry;
        self.line = 0;
    }

    pub inline fn tick(self: *Prefetcher) void {
        if (self.cursor >= self.limit) return;
        self.countdown -= 1;
        if (self.countdown != 0) return;
        self.countdown = self.period;
        var burst = self.burst;
        while (burst > 0 and self.cursor < self.limit) : (burst -= 1) self.next();
    }

    /// Prefetches the next line of the window.
    inline fn next(self: *Prefetcher) void {
        if (self.line == 0) {
            const other: usize = self.index[self.cursor];
            if (!self.bias_in_row) @prefetch(self.bias + other, .{});
            const first = @intFromPtr(self.factors + other * self.stride);
            self.line = first & ~@as(usize, line_bytes - 1);
            const last_byte = first + self.stride * @sizeOf(f32) - 1;
            self.last_line = last_byte & ~@as(usize, line_bytes - 1);
        }
        @prefetch(@as([*]const u8, @ptrFromInt(self.line)), .{});
        if (self.line >= self.last_line) {
            self.line = 0;
            self.cursor += 1;
        } else self.line += line_bytes;
    }
};

/// dst = src for one factor row: whole SIMD vectors, then a scalar tail (no library call).
fn copyRow(dst: []f32, src: []const f32) void {
    assert(dst.len == src.len);
    const lanes = linalg.lanes;
    var i: usize = 0;
    while (i + lanes <= src.len) : (i += lanes) dst[i..][0..lanes].* = src[i..][0..lanes].*;
    while (i < src.len) : (i += 1) dst[i] = src[i];
}

/// Solves every row of `rows` given the other side (one half of an epoch). On failure `info.row`
/// is the first row whose system could not be solved.
pub fn halfStep(
    allocator: std.mem.Allocator,
    rows: Rows,
    other: SideConst,
    side: Side,
    params: Params,
    threads: u32,
    info: *ErrorRecord,
) Status {
    return halfStepWithPrior(allocator, rows, other, side, params, null, threads, info);
}

/// `halfStep` with an optional prior mean per row (see `Prior`): only the diagonal, the
/// right-hand side and the rows without ratings change.
pub fn halfStepWithPrior(
    allocator: std.mem.Allocator,
    rows: Rows,
    other: SideConst,
    side: Side,
    params: Params,
    prior: ?Prior,
    threads: u32,
    info: *ErrorRecord,
) Status {
    assert(params.valid());
    rows.assertShape();
    if (prior) |p| {
        assert(p.valid());
        assert(p.bias.len == rows.count());
        assert(p.factors.len == p.bias.len * params.k);
    }
    const k: usize = params.k;
    assert(side.bias.len == rows.count());
    assert(side.factors.len == side.bias.len * k);
    assert(other.factors.len == other.bias.len * k);
    const parts = threads_mod.clampThreads(threads, rows.count(), rows_per_thread_min);
    // The other side's factors, packed into rows of kp floats that start on cache lines (the
    // padding zero): every gathered row is whole SIMD vectors and spans as few lines as it can.
    const kp = linalg.padToLanes(k);
    const packed_factors = allocator.alignedAlloc(
        f32,
        pack.cache_line,
        other.bias.len * kp,
    ) catch return .out_of_memory;
    defer allocator.free(packed_factors);
    pack.packRows(other.factors, other.bias, k, packed_factors, kp, parts);
    var bounds: [threads_mod.threads_max + 1]usize = undefined;
    // A row's factorisation costs about (2/3)(k+1) ratings' worth of Gram updates.
    const row_cost: u64 = 2 * (@as(u64, params.k) + 1) / 3 + 4;
    rows_mod.balancedBounds(rows.ptr, parts, row_cost, bounds[0 .. parts + 1]);
    var results = [_]rows_mod.PartResult{.{}} ** threads_mod.threads_max;
    const context: HalfStep = .{
        .allocator = allocator,
        .rows = rows,
        .other = .{ .factors = packed_factors, .bias = other.bias },
        .side = side,
        .params = params,
        .prior = prior,
        .bounds = bounds[0 .. parts + 1],
        .results = results[0..parts],
    };
    threads_mod.run(parts, &context, HalfStep.run);
    return rows_mod.firstFailure(results[0..parts], info);
}

/// One epoch: every user given the items, then every item given the new users.
/// On failure `info.side` is 0 for the user half-step and 1 for the item half-step.
pub fn epoch(
    allocator: std.mem.Allocator,
    users: Rows,
    items: Rows,
    user: Side,
    item: Side,
    params: Params,
    threads: u32,
    info: *ErrorRecord,
) Status {
    assert(params.valid());
    users.assertShape();
    items.assertShape();
    assert(users.index.len == items.index.len);
    assert(user.bias.len == users.count());
    assert(item.bias.len == items.count());
    const item_const: SideConst = .{ .factors = item.factors, .bias = item.bias };
    const user_status = halfStep(allocator, users, item_const, user, params, threads, info);
    if (user_status != .ok) return user_status;
    const user_const: SideConst = .{ .factors = user.factors, .bias = user.bias };
    const item_status = halfStep(allocator, items, user_const, item, params, threads, info);
    if (item_status != .ok) info.side = 1;
    return item_status;
}

const testing = std.testing;

/// The same half-step, written plainly: dense A in f64, rank-1 updates, unblocked.
fn referenceHalfStep(rows: Rows, other: SideConst, side: Side, params: Params) !void {
    const k: usize = params.k;
    const p = k + 1;
    const stride = (p + 7) / 8 * 8;
    const a = try testing.allocator.alloc(f64, p * stride);
    defer testing.allocator.free(a);
    const b = try testing.allocator.alloc(f64, p);
    defer testing.allocator.free(b);
    const z = try testing.allocator.alloc(f32, p);
    defer testing.allocator.free(z);
    for (0..rows.count()) |r| {
        @memset(a, 0);
        @memset(b, 0);
        const n = rows.end(r) - rows.begin(r);
        if (n == 0) {
            @memset(side.factors[r * k ..][0..k], 0);
            side.bias[r] = 0;
            continue;
        }
        const row_index = rows.index[rows.begin(r)..rows.end(r)];
        const row_values = rows.values[rows.begin(r)..rows.end(r)];
        for (row_index, row_values) |o, v| {
            @memcpy(z[0..k], other.factors[o * k ..][0..k]);
            z[k] = 1;
            linalg.gramRank1Upper(a, stride, z);
            const residual: f64 = @as(f64, v) - params.mu - other.bias[o];
            for (b, z) |*bj, zj| bj.* += residual * zj;
        }
        const w: f64 = if (params.weighted) @floatFromInt(n) else 1;
        for (0..k) |j| a[j * stride + j] += params.lambda_factors * w;
        a[k * stride + k] += params.lambda_bias * w;
        try testing.expect(linalg.choleskyFactor(f64, a, p, stride));
        linalg.choleskySolve(f64, a, p, stride, b);
        for (0..k) |j| side.factors[r * k + j] = @floatCast(b[j]);
        side.bias[r] = @floatCast(b[k]);
    }
}

const Fixture = struct {
    users: Rows,
    items: Rows,
    n_users: usize,
    n_items: usize,
    u32_buffers: [4][]u32,
    f32_buffers: [2][]f32,

    /// A random sparse matrix (each cell kept with probability `density`) whose user 0 rated
    /// every item (a row longer than a chunk) and whose user 1 rated none (an empty row).
    fn init(seed: u64, n_users: usize, n_items: usize, density: f32) !Fixture {
        var rng = std.Random.DefaultPrng.init(seed);
        const random = rng.random();
        const user_ptr = try testing.allocator.alloc(u32, n_users + 1);
        const user_items = try testing.allocator.alloc(u32, n_users * n_items);
        const user_values = try testing.allocator.alloc(f32, n_users * n_items);
        user_ptr[0] = 0;
        var nnz: u32 = 0;
        for (0..n_users) |u| {
            for (0..n_items) |i| {
                const keep = u == 0 or (u != 1 and random.float(f32) < density);
                if (!keep) continue;
                user_items[nnz] = @intCast(i);
                user_values[nnz] = @as(f32, @floatFromInt(random.intRangeAtMost(u32, 1, 10))) * 0.5;
                nnz += 1;
            }
            user_ptr[u + 1] = nnz;
        }
        // The same ratings by item (users ascending within an item), by the loader's transpose.
        const by_item = try sparse.transposed(
            testing.allocator,
            user_ptr,
            user_items[0..nnz],
            user_values[0..nnz],
            @intCast(n_items),
        );
        return .{
            .users = .{
                .ptr = user_ptr,
                .index = user_items[0..nnz],
                .values = user_values[0..nnz],
            },
            .items = .{ .ptr = by_item.ptr, .index = by_item.index, .values = by_item.values },
            .n_users = n_users,
            .n_items = n_items,
            .u32_buffers = .{ user_ptr, user_items, by_item.ptr, by_item.index },
            .f32_buffers = .{ user_values, by_item.values },
        };
    }

    fn deinit(self: *Fixture) void {
        for (self.u32_buffers) |buffer| testing.allocator.free(buffer);
        for (self.f32_buffers) |buffer| testing.allocator.free(buffer);
    }
};

fn randomFactors(seed: u64, out: []f32) void {
    var rng = std.Random.DefaultPrng.init(seed);
    for (out) |*x| x.* = (rng.random().float(f32) - 0.5) * 0.2;
}

const rows_per_part = rows_per_thread_min;

/// Wraps `testing.allocator` and records which threads allocate. Every partition of a half-step
/// allocates its scratch on the thread that solves it (the first on the calling thread, which also
/// packs the other side), so the number of distinct allocating threads is the number of
/// partitions that really ran, each on its own thread.
const ThreadCounter = struct {
    child: std.mem.Allocator,
    mutex: std.Thread.Mutex = .{},
    ids: [threads_mod.threads_max]std.Thread.Id = undefined,
    distinct: usize = 0,

    fn allocator(self: *ThreadCounter) std.mem.Allocator {
        return .{ .ptr = self, .vtable = &.{
            .alloc = alloc,
            .resize = resize,
            .remap = remap,
            .free = free,
        } };
    }

    fn note(self: *ThreadCounter) void {
        const id = std.Thread.getCurrentId();
        self.mutex.lock();
        defer self.mutex.unlock();
        for (self.ids[0..self.distinct]) |seen| if (seen == id) return;
        assert(self.distinct < self.ids.len);
        self.ids[self.distinct] = id;
        self.distinct += 1;
    }

    fn alloc(
        context: *anyopaque,
        len: usize,
        alignment: std.mem.Alignment,
        ret_addr: usize,
    ) ?[*]u8 {
        const self: *ThreadCounter = @ptrCast(@alignCast(context));
        self.note();
        return self.child.rawAlloc(len, alignment, ret_addr);
    }

    fn resize(
        context: *anyopaque,
        memory: []u8,
        alignment: std.mem.Alignment,
        new_len: usize,
        ret_addr: usize,
    ) bool {
        const self: *ThreadCounter = @ptrCast(@alignCast(context));
        return self.child.rawResize(memory, alignment, new_len, ret_addr);
    }

    fn remap(
        context: *anyopaque,
        memory: []u8,
        alignment: std.mem.Alignment,
        new_len: usize,
        ret_addr: usize,
    ) ?[*]u8 {
        const self: *ThreadCounter = @ptrCast(@alignCast(context));
        return self.child.rawRemap(memory, alignment, new_len, ret_addr);
    }

    fn free(context: *anyopaque, memory: []u8, alignment: std.mem.Alignment, ret_addr: usize) void {
        const self: *ThreadCounter = @ptrCast(@alignCast(context));
        self.child.rawFree(memory, alignment, ret_addr);
    }
};

/// Runs one half-step over `rows` with random other-side parameters, for 1, 2 and 3 threads, and
/// checks it against the plain reference and for bit-identity across thread counts (`rows` must
/// have at least 3 × `rows_per_part` rows, so that 2 and 3 threads really cut it into 2 and 3
/// partitions: the test fails otherwise). Returns how many rows took the dual path.
fn checkHalfStep(rows: Rows, n_other: usize, params: Params, empty_row: ?usize) !usize {
    const k: usize = params.k;
    const n = rows.count();
    const other_factors = try testing.allocator.alloc(f32, n_other * k);
    defer testing.allocator.free(other_factors);
    const other_bias = try testing.allocator.alloc(f32, n_other);
    defer testing.allocator.free(other_bias);
    randomFactors(k, other_factors);
    randomFactors(k + 100, other_bias);
    const other: SideConst = .{ .factors = other_factors, .bias = other_bias };
    const want_factors = try testing.allocator.alloc(f32, n * k);
    defer testing.allocator.free(want_factors);
    const want_bias = try testing.allocator.alloc(f32, n);
    defer testing.allocator.free(want_bias);
    try referenceHalfStep(rows, other, .{ .factors = want_factors, .bias = want_bias }, params);
    const first_factors = try testing.allocator.alloc(f32, n * k);
    defer testing.allocator.free(first_factors);
    const first_bias = try testing.allocator.alloc(f32, n);
    defer testing.allocator.free(first_bias);
    const factors = try testing.allocator.alloc(f32, n * k);
    defer testing.allocator.free(factors);
    const bias = try testing.allocator.alloc(f32, n);
    defer testing.allocator.free(bias);
    for ([_]u32{ 1, 2, 3 }) |threads| {
        @memset(factors, 9);
        @memset(bias, 9);
        var info: ErrorRecord = .{};
        var counter: ThreadCounter = .{ .child = testing.allocator };
        const side: Side = .{ .factors = factors, .bias = bias };
        const status = halfStep(counter.allocator(), rows, other, side, params, threads, &info);
        try testing.expectEqual(Status.ok, status);
        // As many partitions as threads, each solved on a thread of its own.
        try testing.expectEqual(@as(usize, threads), counter.distinct);
        for (want_factors, factors) |want, got| {
            try testing.expectApproxEqAbs(want, got, 2e-5 * @max(1, @abs(want)));
        }
        for (want_bias, bias) |want, got| {
            try testing.expectApproxEqAbs(want, got, 2e-5 * @max(1, @abs(want)));
        }
        if (empty_row) |e| {
            for (factors[e * k ..][0..k]) |x| try testing.expectEqual(@as(f32, 0), x);
            try testing.expectEqual(@as(f32, 0), bias[e]);
        }
        // Bit for bit the numbers of one thread (bit patterns, so that even -0 and 0 differ).
        if (threads == 1) {
            @memcpy(first_factors, factors);
            @memcpy(first_bias, bias);
        } else {
            try testing.expectEqualSlices(u32, @ptrCast(first_factors), @ptrCast(factors));
            try testing.expectEqualSlices(u32, @ptrCast(first_bias), @ptrCast(bias));
        }
    }
    var dual: usize = 0;
    for (0..n) |r| {
        const len = rows.end(r) - rows.begin(r);
        const w: f64 = if (params.weighted) @floatFromInt(len) else 1;
        const rows_max = gatherRows(linalg.padToLanes(k));
        if (len > 0 and useDual(len, k, rows_max, params.lambda_bias * w)) dual += 1;
    }
    return dual;
}

test "half-step matches the plain reference (primal, dual and refined solves; any thread count)" {
    // Both sides have at least 3 × rows_per_part rows, so 2 and 3 threads make 2 and 3 partitions
    // of each (checkHalfStep checks it). Users rate about 210 items (primal; several chunks for
    // the larger k; user 0 rated all 3500), items have about 12 ratings (dual when λ_b > 0 and k
    // is large enough).
    const n_users = 3 * rows_per_part + 8;
    const n_items = 3500;
    comptime assert(n_items >= 3 * rows_per_part);
    var fixture = try Fixture.init(3, n_users, n_items, 12.0 / @as(f32, n_users));
    defer fixture.deinit();
    var dual_rows: usize = 0;
    var primal_rows: usize = 0;
    for ([_]u32{ 1, 5, 8, 13, 32, 70 }) |k| {
        for ([_]bool{ false, true }) |weighted| {
            for ([_]f32{ 0.05, 0 }) |lambda_bias| {
                const params: Params = .{
                    .k = k,
                    .mu = 3.5,
                    .lambda_factors = 0.1,
                    .lambda_bias = lambda_bias,
                    .weighted = weighted,
                };
                const users_dual = try checkHalfStep(fixture.users, fixture.n_items, params, 1);
                const items_dual = try checkHalfStep(fixture.items, fixture.n_users, params, null);
                dual_rows += users_dual + items_dual;
                primal_rows += fixture.n_users + fixture.n_items - users_dual - items_dual;
                if (lambda_bias == 0) {
                    try testing.expectEqual(@as(usize, 0), users_dual + items_dual);
                }
            }
        }
    }
    try testing.expect(dual_rows > 1000);
    try testing.expect(primal_rows > 1000);
}

test "ALS recovers a planted rank-2 matrix with biases" {
    const n_users = 30;
    const n_items = 25;
    const k = 2;
    var rng = std.Random.DefaultPrng.init(5);
    const random = rng.random();
    var true_users: [n_users * k]f32 = undefined;
    var true_items: [n_items * k]f32 = undefined;
    for (&true_users) |*x| x.* = random.float(f32) * 2 - 1;
    for (&true_items) |*x| x.* = random.float(f32) * 2 - 1;
    // Every rating observed: r = 3 + x·y (the model's biases absorb nothing systematic).
    var user_ptr: [n_users + 1]u32 = undefined;
    var user_items: [n_users * n_items]u32 = undefined;
    var user_values: [n_users * n_items]f32 = undefined;
    var item_ptr: [n_items + 1]u32 = undefined;
    var item_users: [n_users * n_items]u32 = undefined;
    var item_values: [n_users * n_items]f32 = undefined;
    for (0..n_users + 1) |u| user_ptr[u] = @intCast(u * n_items);
    for (0..n_items + 1) |i| item_ptr[i] = @intCast(i * n_users);
    for (0..n_users) |u| for (0..n_items) |i| {
        const value = 3 + linalg.dot(true_users[u * k ..][0..k], true_items[i * k ..][0..k]);
        user_items[u * n_items + i] = @intCast(i);
        user_values[u * n_items + i] = value;
        item_users[i * n_users + u] = @intCast(u);
        item_values[i * n_users + u] = value;
    };
    const users: Rows = .{ .ptr = &user_ptr, .index = &user_items, .values = &user_values };
    const items: Rows = .{ .ptr = &item_ptr, .index = &item_users, .values = &item_values };
    var user_factors: [n_users * k]f32 = undefined;
    var item_factors: [n_items * k]f32 = undefined;
    randomFactors(1, &user_factors);
    randomFactors(2, &item_factors);
    var user_bias = [_]f32{0} ** n_users;
    var item_bias = [_]f32{0} ** n_items;
    const params: Params = .{
        .k = k,
        .mu = 3,
        .lambda_factors = 1e-4,
        .lambda_bias = 1e-4,
        .weighted = false,
    };
    const user: Side = .{ .factors = &user_factors, .bias = &user_bias };
    const item: Side = .{ .factors = &item_factors, .bias = &item_bias };
    var info: ErrorRecord = .{};
    for (0..200) |_| {
        const status = epoch(testing.allocator, users, items, user, item, params, 2, &info);
        try testing.expectEqual(Status.ok, status);
    }
    var sse: f64 = 0;
    for (0..n_users) |u| for (0..n_items) |i| {
        const predicted = 3 + user_bias[u] + item_bias[i] +
            linalg.dot(user_factors[u * k ..][0..k], item_factors[i * k ..][0..k]);
        const err = predicted - user_values[u * n_items + i];
        sse += err * err;
    };
    try testing.expect(@sqrt(sse / (n_users * n_items)) < 1e-2);
}
