//! BPR-MF (Rendle et al. 2009) with an item bias: x̂_ui = b_i + x_u·y_i, and stochastic gradient
//! ascent on Σ ln σ(x̂_ui − x̂_uj) − (λ/2)(‖x_u‖² + ‖y_i‖² + ‖y_j‖²) − (λ_b/2)(b_i² + b_j²) over
//! triples (u, i, j): (u, i) a training positive, j a negative drawn uniformly from all items (or
//! by popularity: the item of another uniformly drawn positive) and — unless `verify` is off —
//! checked against u's positives (a bit per item, `Marks`, set while the walk is on u) and
//! redrawn if u has it. One epoch makes `samples` steps (usually one per positive).
//!
//! The positives are walked, not drawn (`Walk`): pass after pass, each pass visiting the users in
//! its own seeded order (`Shuffle`) and each user's positives in a seeded order, so
//! every positive is visited samples / nnz times in expectation. x_u and u's positives stay in
//! cache through the user's run, no search finds the owner of an entry, and the rows of the next
//! `lookahead` steps (whose negatives are drawn ahead) are prefetched while a step runs: the
//! kernel waits on memory far less than when every step drew a random positive.
//!
//! Threads run Hogwild (Recht et al. 2011): each thread walks its own stretch of the sequence and
//! draws its negatives from its own seeded stream, updating the shared factors without locks.
//! Updates of different threads can interleave, so with more than one thread the numbers vary
//! slightly from run to run; with one thread and a seed they are exactly reproducible.
const std = @import("std");
const assert = std.debug.assert;
const rows_mod = @import("rows.zig");
const threads_mod = @import("threads.zig");
const linalg = @import("linalg.zig");
const rng_mod = @import("rng.zig");

const Rows = rows_mod.Rows;

pub const k_max: u32 = 1024;
/// Redraws of a negative before the triple is skipped (a user who has almost every item).
pub const redraws_max: u32 = 64;

pub const Negatives = enum(u32) { uniform = 0, popularity = 1 };

pub const Params = struct {
    k: u32,
    learning_rate: f32,
    lambda: f32,
    lambda_bias: f32,
    negatives: Negatives,
    /// Redraw a negative the user has among their positives.
    verify: bool,
    seed: u64,
    /// Which epoch this is: selects the random streams, so epochs differ.
    epoch: u32,
    /// Triples to draw.
    samples: u64,

    pub fn valid(self: Params) bool {
        if (self.k < 1 or self.k > k_max) return false;
        if (!(self.learning_rate > 0) or !std.math.isFinite(self.learning_rate)) return false;
        if (!(self.lambda >= 0) or !std.math.isFinite(self.lambda)) return false;
        return self.lambda_bias >= 0 and std.math.isFinite(self.lambda_bias);
    }
};

/// What an epoch did: triples drawn, those with x̂_ui > x̂_uj before their update (the training
/// AUC estimate is correct / (samples − skipped)), and those skipped for want of a negative.
pub const Result = extern struct {
    samples: u64 = 0,
    correct: u64 = 0,
    skipped: u64 = 0,
};

/// The parameters one triple touches.
pub const Triple = struct {
    x: []f32,
    y_i: []f32,
    y_j: []f32,
    b_i: *f32,
    b_j: *f32,
};

/// One SGD step on a triple: all gradients from the old values, then
///   x += η (g (y_i − y_j) − λ x),  y_i += η (g x − λ y_i),  y_j += η (−g x − λ y_j),
///   b_i += η (g − λ_b b_i),  b_j += η (−g − λ_b b_j),   g = σ(−(x̂_ui − x̂_uj)).
/// Returns whether the pair was ordered correctly before the step.
pub fn step(t: Triple, learning_rate: f32, lambda: f32, lambda_bias: f32) bool {
    const k = t.x.len;
    assert(k >= 1);
    assert(t.y_i.len == k);
    assert(t.y_j.len == k);
    const difference = t.b_i.* - t.b_j.* + dotDifference(t.x, t.y_i, t.y_j);
    const g = 1 / (1 + @exp(difference)); // σ(−difference)
    // x + η (g d − λ x) = (1 − ηλ) x + (ηg) d: one multiply and one fused multiply-add a lane.
    const decay = 1 - learning_rate * lambda;
    const eta_g = learning_rate * g;
    const lanes = linalg.lanes;
    const V = linalg.V;
    const decay_v: V = @splat(decay);
    const eta_g_v: V = @splat(eta_g);
    var f: usize = 0;
    while (f + lanes <= k) : (f += lanes) {
        const x: V = t.x[f..][0..lanes].*;
        const yi: V = t.y_i[f..][0..lanes].*;
        const yj: V = t.y_j[f..][0..lanes].*;
        t.x[f..][0..lanes].* = linalg.mulAdd(V, eta_g_v, yi - yj, decay_v * x);
        t.y_i[f..][0..lanes].* = linalg.mulAdd(V, eta_g_v, x, decay_v * yi);
        t.y_j[f..][0..lanes].* = linalg.mulAdd(V, -eta_g_v, x, decay_v * yj);
    }
    while (f < k) : (f += 1) {
        const x = t.x[f];
        const yi = t.y_i[f];
        const yj = t.y_j[f];
        t.x[f] = linalg.mulAdd(f32, eta_g, yi - yj, decay * x);
        t.y_i[f] = linalg.mulAdd(f32, eta_g, x, decay * yi);
        t.y_j[f] = linalg.mulAdd(f32, -eta_g, x, decay * yj);
    }
    const bi = t.b_i.*;
    const bj = t.b_j.*;
    t.b_i.* = bi + learning_rate * (g - lambda_bias * bi);
    t.b_j.* = bj + learning_rate * (-g - lambda_bias * bj);
    return difference > 0;
}

/// x·(y_i − y_j) in one pass (SIMD with a scalar tail).
fn dotDifference(x: []const f32, y_i: []const f32, y_j: []const f32) f32 {
    const k = x.len;
    assert(y_i.len == k);
    assert(y_j.len == k);
    const lanes = linalg.lanes;
    const V = linalg.V;
    var acc: V = @splat(0);
    var f: usize = 0;
    while (f + lanes <= k) : (f += lanes) {
        const yi: V = y_i[f..][0..lanes].*;
        const yj: V = y_j[f..][0..lanes].*;
        acc = linalg.mulAdd(V, x[f..][0..lanes].*, yi - yj, acc);
    }
    var sum = sumLanes(linalg.lanes, acc);
    while (f < k) : (f += 1) sum += x[f] * (y_i[f] - y_j[f]);
    return sum;
}

/// The sum of a vector's lanes by halving (log₂ n dependent adds, where `@reduce(.Add, ·)` on
/// floats adds them one after another, in order).
fn sumLanes(comptime n: usize, v: @Vector(n, f32)) f32 {
    comptime assert(std.math.isPowerOfTwo(n));
    if (n == 1) return v[0];
    const half = n / 2;
    const low = comptime std.simd.iota(i32, half);
    const high = comptime low + @as(@Vector(half, i32), @splat(half));
    const halves = @shuffle(f32, v, undefined, low) + @shuffle(f32, v, undefined, high);
    return sumLanes(half, halves);
}

/// Whether the ascending `row` holds `item` (binary search).
pub fn contains(row: []const u32, item: u32) bool {
    var lo: usize = 0;
    var hi: usize = row.len;
    while (lo < hi) {
        const mid = lo + (hi - lo) / 2;
        if (row[mid] < item) lo = mid + 1 else hi = mid;
    }
    return lo < row.len and row[lo] == item;
}

/// One bit per item, set for the positives of one user (`hold`): a drawn negative is checked with
/// one load and test instead of `contains`, whose binary search over a long row of a heavy user
/// mispredicts a branch at about every other halving. Rows held in turn cost two passes over each
/// row (set, then clear), which the walk amortises over the user's run of steps.
pub const Marks = struct {
    words: []u64,
    /// The row whose items are set (empty at first).
    row: []const u32,

    /// Marks over `words`, which cover the items (64 per word) and must be all zero.
    pub fn init(words: []u64) Marks {
        for (words) |word| assert(word == 0);
        return .{ .words = words, .row = &.{} };
    }

    /// Sets the bits of `row` (its items < 64 · words.len) and clears those of the row held before.
    pub fn hold(self: *Marks, row: []const u32) void {
        if (row.ptr == self.row.ptr and row.len == self.row.len) return;
        // Only the held row's bits are set, so its words can be cleared whole.
        for (self.row) |item| self.words[item >> 6] = 0;
        for (row) |item| self.words[item >> 6] |= @as(u64, 1) << @truncate(item);
        self.row = row;
    }

    pub fn has(self: *const Marks, item: u32) bool {
        return (self.words[item >> 6] >> @truncate(item)) & 1 == 1;
    }
};

/// A user's positives as `drawNegative` checks them: the ascending row, and the `Marks` holding
/// that row when the caller keeps them.
pub const Positives = struct {
    row: []const u32,
    marks: ?*const Marks = null,

    pub fn has(self: Positives, item: u32) bool {
        if (self.marks) |marks| {
            assert(marks.row.ptr == self.row.ptr and marks.row.len == self.row.len);
            return marks.has(item);
        }
        return contains(self.row, item);
    }
};

/// A negative item for a user with `positives`, or null after `redraws_max` draws.
pub fn drawNegative(
    rng: *rng_mod.Rng,
    users: Rows,
    n_items: u32,
    positives: Positives,
    params: Params,
) ?u32 {
    assert(n_items >= 1);
    assert(users.index.len >= 1);
    var draw: u32 = 0;
    while (draw < redraws_max) : (draw += 1) {
        const j: u32 = switch (params.negatives) {
            .uniform => @intCast(rng.below(n_items)),
            .popularity => users.index[rng.below(users.index.len)],
        };
        if (!params.verify or !positives.has(j)) return j;
    }
    return null;
}

/// A seeded bijection of `0..n` with no table: a four-round Feistel network on the smallest even
/// number of bits that holds n, cycle-walking back into range (Black & Rogaway 2002). It gives
/// each pass of an epoch its own user order.
pub const Shuffle = struct {
    n: u32,
    half_bits: u6,
    keys: [4]u64,

    pub fn init(n: u32, seed: u64, id: u64) Shuffle {
        assert(n >= 1);
        var bits: u6 = 1;
        while ((@as(u64, 1) << bits) < n) bits += 1;
        assert(bits <= 32);
        var rng = rng_mod.Rng.stream(seed, id);
        var keys: [4]u64 = undefined;
        for (&keys) |*key| key.* = rng.next();
        return .{ .n = n, .half_bits = (bits + 1) / 2, .keys = keys };
    }

    /// The `index`-th element of the order.
    pub fn at(self: Shuffle, index: u32) u32 {
        assert(index < self.n);
        assert(self.half_bits >= 1 and self.half_bits <= 16);
        const domain: u64 = @as(u64, 1) << (2 * self.half_bits);
        var x: u64 = index;
        // x's cycle under the permutation holds index < n, so this returns within `domain` steps.
        var walks: u64 = 0;
        while (walks < domain) : (walks += 1) {
            x = self.permute(x);
            if (x < self.n) return @intCast(x);
        }
        unreachable;
    }

    fn permute(self: Shuffle, x: u64) u64 {
        const mask = (@as(u64, 1) << self.half_bits) - 1;
        var left = x >> self.half_bits;
        var right = x & mask;
        for (self.keys) |key| {
            var z = (right ^ key) *% 0x9E3779B97F4A7C15;
            z = (z ^ (z >> 29)) *% 0xBF58476D1CE4E5B9;
            const next_right = left ^ ((z ^ (z >> 32)) & mask);
            left = right;
            right = next_right;
        }
        return (left << self.half_bits) | right;
    }
};

/// The sequence an epoch's triples walk: pass after pass over the positives, each pass visiting
/// the users in its own seeded `Shuffle` order and each user's positives in a seeded order of the
/// run (a stride coprime to the row's length from a seeded start: every positive once, and not in
/// item order, which correlates successive steps and cost about 0.0025 NDCG@10 on
/// ml-latest-small).
/// An epoch takes `samples` consecutive entries from a seeded offset in `0..nnz`, so every
/// positive is visited samples / nnz times in expectation (⌊·⌋ or ⌈·⌉ times), with x_u and u's
/// positives hot in cache across the user's run and no search for the owner of an entry.
pub const Walk = struct {
    users: Rows,
    key_seed: u64,
    epoch: u32,
    pass: u64,
    shuffle: Shuffle,
    /// Position of `user` in the pass's order.
    rank: u32,
    user: u32,
    /// How far the run has come: entry in begin(user)..end counts the user's steps.
    entry: u64,
    end: u64,
    /// The current positive is users.index[slot]: slot in begin(user)..end, moved by `stride`.
    slot: u64,
    stride: u64,

    /// The seed of an epoch's offset and user orders, apart from the negatives' streams.
    pub fn keySeed(seed: u64) u64 {
        var state = seed ^ 0x6A09E667F3BCC909;
        return rng_mod.splitMix64(&state);
    }

    /// The epoch's first position: uniform in 0..nnz.
    pub fn offset(seed: u64, epoch_index: u32, nnz: u64) u64 {
        assert(nnz >= 1);
        var rng = rng_mod.Rng.stream(keySeed(seed) ^ 0xBB67AE8584CAA73B, epoch_index);
        return rng.below(nnz);
    }

    /// The walk at `position` (counted from the first entry of the epoch's pass 0).
    pub fn at(users: Rows, seed: u64, epoch_index: u32, position: u64) Walk {
        const nnz: u64 = users.index.len;
        assert(nnz >= 1);
        assert(users.count() >= 1);
        var walk: Walk = .{
            .users = users,
            .key_seed = keySeed(seed),
            .epoch = epoch_index,
            .pass = position / nnz,
            .shuffle = undefined,
            .rank = 0,
            .user = 0,
            .entry = 0,
            .end = 0,
            .slot = 0,
            .stride = 1,
        };
        walk.shuffle = walk.passOrder();
        const within = position % nnz;
        var before: u64 = 0;
        while (walk.rank < users.count()) : (walk.rank += 1) {
            walk.user = walk.shuffle.at(walk.rank);
            const length: u64 = users.end(walk.user) - users.begin(walk.user);
            if (within < before + length) {
                walk.entry = users.begin(walk.user) + (within - before);
                walk.end = users.end(walk.user);
                walk.enterRun();
                return walk;
            }
            before += length;
        }
        unreachable; // within < nnz = Σ lengths
    }

    fn passOrder(self: *const Walk) Shuffle {
        const id = (@as(u64, self.epoch) << 32) ^ self.pass;
        return Shuffle.init(self.users.count(), self.key_seed, id);
    }

    /// Moves to the next positive: the user's next, else the next non-empty user of the pass,
    /// else the first of the next pass.
    pub fn next(self: *Walk) void {
        assert(self.entry < self.end);
        self.entry += 1;
        if (self.entry < self.end) {
            self.slot += self.stride;
            if (self.slot >= self.end) self.slot -= self.end - self.users.begin(self.user);
            return;
        }
        const n_users = self.users.count();
        // At most one full round of the users: some user has a positive.
        var moves: u64 = 0;
        while (moves <= n_users) : (moves += 1) {
            self.rank += 1;
            if (self.rank == n_users) {
                self.rank = 0;
                self.pass += 1;
                self.shuffle = self.passOrder();
            }
            self.user = self.shuffle.at(self.rank);
            self.entry = self.users.begin(self.user);
            self.end = self.users.end(self.user);
            if (self.entry < self.end) {
                self.enterRun();
                return;
            }
        }
        unreachable;
    }

    /// Sets the run's stride and the slot of its `entry`-th step: a stride in 1..length coprime
    /// to the length and a start, both drawn from the seed, the epoch, the pass and the user.
    fn enterRun(self: *Walk) void {
        const begin: u64 = self.users.begin(self.user);
        assert(begin <= self.entry);
        assert(self.entry < self.end);
        const length = self.end - begin;
        var state = self.key_seed ^ 0x3C6EF372FE94F82B;
        state ^= (@as(u64, self.epoch) *% 0x9E3779B97F4A7C15) ^ (self.pass *% 0xA54FF53A5F1D36F1);
        state ^= @as(u64, self.user) *% 0x510E527FADE682D1;
        const start = rng_mod.splitMix64(&state) % length;
        var stride: u64 = 1;
        if (length >= 2) {
            stride = 1 + rng_mod.splitMix64(&state) % (length - 1);
            // 1 is coprime to every length, so this ends within `length` steps.
            var tries: u64 = 0;
            while (std.math.gcd(stride, length) != 1 and tries < length) : (tries += 1) stride -= 1;
        }
        assert(stride >= 1);
        assert(stride == 1 or stride < length);
        assert(std.math.gcd(stride, length) == 1);
        self.stride = stride;
        const step_count = self.entry - begin;
        self.slot = begin + (start + (step_count % length) * stride % length) % length;
        assert(self.slot >= begin);
        assert(self.slot < self.end);
    }

    pub fn item(self: *const Walk) u32 {
        return self.users.index[@intCast(self.slot)];
    }

    /// The user `ahead` ranks after the current one in this pass, if the pass has one.
    pub fn upcoming(self: *const Walk, ahead: u32) ?u32 {
        assert(ahead >= 1);
        const rank = @as(u64, self.rank) + ahead;
        if (rank >= self.users.count()) return null;
        return self.shuffle.at(@intCast(rank));
    }

    pub fn row(self: *const Walk) []const u32 {
        return self.users.index[self.users.begin(self.user)..@intCast(self.end)];
    }
};

/// Steps planned ahead, whose factor rows are prefetched while the current step runs.
const lookahead: u32 = 8;
const no_negative = std.math.maxInt(u32);

const Planned = struct { user: u32, item: u32, negative: u32 };

/// Starts loading every cache line `row` spans (rows need not start on a line).
fn prefetchRow(row: []const f32) void {
    assert(row.len >= 1);
    const line_bytes = 64;
    const first = @intFromPtr(row.ptr) & ~@as(usize, line_bytes - 1);
    const last = @intFromPtr(row.ptr + row.len - 1);
    var line = first;
    while (line <= last) : (line += line_bytes) {
        @prefetch(@as([*]const u8, @ptrFromInt(line)), .{ .rw = .write });
    }
}

const Epoch = struct {
    allocator: std.mem.Allocator,
    users: Rows,
    n_items: u32,
    user_factors: []f32,
    item_factors: []f32,
    item_bias: []f32,
    params: Params,
    parts: u32,
    results: []Result,

    fn run(self: *const Epoch, part: u32) void {
        assert(part < self.results.len);
        const range = threads_mod.partRange(self.params.samples, self.parts, part);
        const count: u64 = range.end - range.begin;
        const stream = @as(u64, self.params.epoch) * threads_mod.threads_max + part;
        var rng = rng_mod.Rng.stream(self.params.seed, stream);
        var result: Result = .{ .samples = count };
        if (count == 0) {
            self.results[part] = result;
            return;
        }
        const nnz: u64 = self.users.index.len;
        const start = Walk.offset(self.params.seed, self.params.epoch, nnz) + range.begin;
        var walk = Walk.at(self.users, self.params.seed, self.params.epoch, start);
        // The marks of the walk's user, when the checks need them and their words can be had;
        // else binary searches, with the same outcome.
        const words_count = (@as(usize, self.n_items) + 63) / 64;
        const words: ?[]u64 = if (self.params.verify)
            self.allocator.alloc(u64, words_count) catch null
        else
            null;
        defer if (words) |w| self.allocator.free(w);
        var marks_store: Marks = undefined;
        const marks: ?*Marks = if (words) |w| blk: {
            @memset(w, 0);
            marks_store = Marks.init(w);
            break :blk &marks_store;
        } else null;
        var ring: [lookahead]Planned = undefined;
        var planned: u64 = 0;
        while (planned < @min(count, lookahead)) : (planned += 1) {
            const first = planned == 0;
            ring[@intCast(planned)] = self.plan(&walk, &rng, marks, first, planned + 1 < count);
        }
        var s: u64 = 0;
        while (s < count) : (s += 1) {
            const slot: usize = @intCast(s % lookahead);
            const p = ring[slot];
            if (planned < count) {
                ring[slot] = self.plan(&walk, &rng, marks, false, planned + 1 < count);
                planned += 1;
            }
            if (p.negative == no_negative) {
                result.skipped += 1;
                continue;
            }
            if (self.update(p)) result.correct += 1;
        }
        assert(planned == count);
        self.results[part] = result;
    }

    /// The triple at the walk's position (its negative drawn now, checked against `marks` when
    /// there are), its rows prefetched (x_u only at the start of the user's run or, if `first`,
    /// of the part); then the walk moves on if `advance`.
    fn plan(
        self: *const Epoch,
        walk: *Walk,
        rng: *rng_mod.Rng,
        marks: ?*Marks,
        first: bool,
        advance: bool,
    ) Planned {
        const k: usize = self.params.k;
        const user = walk.user;
        const item = walk.item();
        const row = walk.row();
        if (marks) |m| m.hold(row);
        const positives: Positives = .{ .row = row, .marks = marks };
        const negative = drawNegative(rng, self.users, self.n_items, positives, self.params);
        // x_u stays in cache through the user's run: fetched at its start (or the part's).
        const fresh = first or walk.entry == self.users.begin(user);
        if (advance) {
            walk.next();
            if (walk.entry == self.users.begin(walk.user)) self.prefetchUsers(walk);
        }
        if (fresh) prefetchRow(self.user_factors[@as(usize, user) * k ..][0..k]);
        prefetchRow(self.item_factors[@as(usize, item) * k ..][0..k]);
        @prefetch(self.item_bias.ptr + item, .{ .rw = .write });
        if (negative) |j| {
            prefetchRow(self.item_factors[@as(usize, j) * k ..][0..k]);
            @prefetch(self.item_bias.ptr + j, .{ .rw = .write });
        }
        return .{ .user = user, .item = item, .negative = negative orelse no_negative };
    }

    /// On entering a user's run: starts loading the row pointers of the user after next, and the
    /// first positives and x_u of the next (whose row pointers were started one user earlier), so
    /// that the walk does not wait on them when it gets there.
    fn prefetchUsers(self: *const Epoch, walk: *const Walk) void {
        const k: usize = self.params.k;
        if (walk.upcoming(2)) |later| @prefetch(self.users.ptr.ptr + later, .{});
        if (walk.upcoming(1)) |next| {
            const begin = self.users.begin(next);
            if (begin < self.users.end(next)) {
                @prefetch(self.users.index.ptr + begin, .{});
                prefetchRow(self.user_factors[@as(usize, next) * k ..][0..k]);
            }
        }
    }

    fn update(self: *const Epoch, p: Planned) bool {
        const k: usize = self.params.k;
        assert(p.item < self.n_items);
        assert(p.negative < self.n_items);
        const triple: Triple = .{
            .x = self.user_factors[@as(usize, p.user) * k ..][0..k],
            .y_i = self.item_factors[@as(usize, p.item) * k ..][0..k],
            .y_j = self.item_factors[@as(usize, p.negative) * k ..][0..k],
            .b_i = &self.item_bias[p.item],
            .b_j = &self.item_bias[p.negative],
        };
        const params = self.params;
        return step(triple, params.learning_rate, params.lambda, params.lambda_bias);
    }
};

/// One epoch of `params.samples` triples over `threads` Hogwild threads. `users` is the CSR of
/// the training positives (`n_items` columns), factors are row-major `× k`. Each thread takes
/// n_items / 8 bytes of scratch from the C heap for its negative checks (binary searches instead
/// when that fails: the same outcome, slower).
pub fn epoch(
    users: Rows,
    n_items: u32,
    user_factors: []f32,
    item_factors: []f32,
    item_bias: []f32,
    params: Params,
    threads: u32,
) Result {
    const allocator = std.heap.c_allocator;
    return epochWith(
        allocator,
        users,
        n_items,
        user_factors,
        item_factors,
        item_bias,
        params,
        threads,
    );
}

/// `epoch` with the scratch from `allocator`.
pub fn epochWith(
    allocator: std.mem.Allocator,
    users: Rows,
    n_items: u32,
    user_factors: []f32,
    item_factors: []f32,
    item_bias: []f32,
    params: Params,
    threads: u32,
) Result {
    assert(params.valid());
    users.assertShape();
    assert(user_factors.len == @as(usize, users.count()) * params.k);
    assert(item_factors.len == @as(usize, n_items) * params.k);
    assert(item_bias.len == n_items);
    if (users.index.len == 0 or n_items == 0) {
        return .{ .samples = params.samples, .skipped = params.samples };
    }
    const parts = threads_mod.clampThreads(threads, params.samples, 4096);
    var results: [threads_mod.threads_max]Result = [_]Result{.{}} ** threads_mod.threads_max;
    const context: Epoch = .{
        .allocator = allocator,
        .users = users,
        .n_items = n_items,
        .user_factors = user_factors,
        .item_factors = item_factors,
        .item_bias = item_bias,
        .params = params,
        .parts = parts,
        .results = results[0..parts],
    };
    threads_mod.run(parts, &context, Epoch.run);
    var total: Result = .{};
    for (results[0..parts]) |r| {
        total.samples += r.samples;
        total.correct += r.correct;
        total.skipped += r.skipped;
    }
    assert(total.samples == params.samples);
    return total;
}

// ---------------------------------------------------------------------------------------------
// Tests

const testing = std.testing;

/// −ln σ(x̂_ui − x̂_uj) + (λ/2)(‖x‖² + ‖y_i‖² + ‖y_j‖²) + (λ_b/2)(b_i² + b_j²), in f64: the loss
/// whose gradient one `step` descends.
fn tripleLoss(
    x: []const f64,
    yi: []const f64,
    yj: []const f64,
    bi: f64,
    bj: f64,
    lambda: f64,
    lambda_bias: f64,
) f64 {
    var d = bi - bj;
    var norms: f64 = 0;
    for (x, yi, yj) |a, b, c| {
        d += a * (b - c);
        norms += a * a + b * b + c * c;
    }
    return @log(1 + @exp(-d)) + lambda / 2 * norms + lambda_bias / 2 * (bi * bi + bj * bj);
}

/// `tripleLoss` of the parameters laid out as x, y_i, y_j (k each), b_i, b_j.
fn tripleLossOf(params: []const f64, k: usize, lambda: f64, lambda_bias: f64) f64 {
    assert(params.len == 3 * k + 2);
    const x = params[0..k];
    const yi = params[k .. 2 * k];
    const yj = params[2 * k .. 3 * k];
    return tripleLoss(x, yi, yj, params[3 * k], params[3 * k + 1], lambda, lambda_bias);
}

test "one BPR step moves every parameter by −η × the finite-difference gradient" {
    const k = 19; // a SIMD part and a scalar tail
    var rng = rng_mod.Rng.stream(5, 0);
    var params: [3 * k + 2]f64 = undefined;
    for (&params) |*p| p.* = 0.4 * rng.normal();
    const lambda = 0.05;
    const lambda_bias = 0.02;
    const eta: f32 = 1e-3;
    var x: [k]f32 = undefined;
    var yi: [k]f32 = undefined;
    var yj: [k]f32 = undefined;
    for (0..k) |f| {
        x[f] = @floatCast(params[f]);
        yi[f] = @floatCast(params[k + f]);
        yj[f] = @floatCast(params[2 * k + f]);
    }
    // Work from the f32-rounded values in f64.
    for (0..k) |f| {
        params[f] = x[f];
        params[k + f] = yi[f];
        params[2 * k + f] = yj[f];
    }
    var bi: f32 = @floatCast(params[3 * k]);
    var bj: f32 = @floatCast(params[3 * k + 1]);
    params[3 * k] = bi;
    params[3 * k + 1] = bj;
    const before = params;
    const triple: Triple = .{ .x = &x, .y_i = &yi, .y_j = &yj, .b_i = &bi, .b_j = &bj };
    _ = step(triple, eta, lambda, lambda_bias);
    var after: [3 * k + 2]f64 = undefined;
    for (0..k) |f| {
        after[f] = x[f];
        after[k + f] = yi[f];
        after[2 * k + f] = yj[f];
    }
    after[3 * k] = bi;
    after[3 * k + 1] = bj;
    const h = 1e-6;
    for (0..params.len) |p| {
        var plus = before;
        var minus = before;
        plus[p] += h;
        minus[p] -= h;
        const f_plus = tripleLossOf(&plus, k, lambda, lambda_bias);
        const f_minus = tripleLossOf(&minus, k, lambda, lambda_bias);
        const gradient = (f_plus - f_minus) / (2 * h);
        const moved = (after[p] - before[p]) / -@as(f64, eta);
        try testing.expectApproxEqAbs(gradient, moved, 2e-3 * (1 + @abs(gradient)));
    }
}

/// The parameters of the negative-draw tests: uniform, verified negatives (the draw reads them).
const draw_test_params: Params = .{
    .k = 4,
    .learning_rate = 0.1,
    .lambda = 0,
    .lambda_bias = 0,
    .negatives = .uniform,
    .verify = true,
    .seed = 0,
    .epoch = 0,
    .samples = 0,
};

test "verified negatives are never among the user's positives; popularity draws follow counts" {
    // User 0 has items 0..7 of 10, user 1 items {3}.
    const ptr = [_]u32{ 0, 8, 9 };
    const index = [_]u32{ 0, 1, 2, 3, 4, 5, 6, 7, 3 };
    const values = [_]f32{1} ** 9;
    const users: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    var rng = rng_mod.Rng.stream(1, 2);
    var params = draw_test_params;
    for (0..2000) |_| {
        const own = drawNegative(&rng, users, 10, .{ .row = index[0..8] }, params).?;
        try testing.expect(own == 8 or own == 9);
        const j = drawNegative(&rng, users, 10, .{ .row = index[8..9] }, params).?;
        try testing.expect(j != 3 and j < 10);
    }
    params.negatives = .popularity;
    for (0..2000) |_| {
        // Popularity draws are items of positives: 0..7 (user 1's item 3 is refused).
        const j = drawNegative(&rng, users, 10, .{ .row = index[8..9] }, params).?;
        try testing.expect(j != 3 and j <= 7);
    }
    // A user with every item gets no negative.
    const all = [_]u32{ 0, 1 };
    params.negatives = .uniform;
    const none = drawNegative(&rng, users, 2, .{ .row = &all }, params);
    try testing.expectEqual(@as(?u32, null), none);
    // Unverified draws do hit positives.
    params.verify = false;
    var hits: u32 = 0;
    for (0..1000) |_| {
        const j = drawNegative(&rng, users, 10, .{ .row = index[0..8] }, params).?;
        if (contains(index[0..8], j)) hits += 1;
    }
    try testing.expect(hits > 700); // 80 % of uniform draws are positives
}

test "contains agrees with a linear scan" {
    const row = [_]u32{ 2, 5, 9 };
    for (0..12) |i| {
        try testing.expectEqual(i == 2 or i == 5 or i == 9, contains(&row, @intCast(i)));
    }
    try testing.expect(!contains(&.{}, 0));
}

test "marks held row after row agree with contains, and draw the same negatives" {
    const allocator = testing.allocator;
    const n_items = 300; // not a multiple of 64: the last word is partly used
    const words = try allocator.alloc(u64, (n_items + 63) / 64);
    defer allocator.free(words);
    @memset(words, 0);
    var marks = Marks.init(words);
    var rng = rng_mod.Rng.stream(8, 1);
    var rows: [6][n_items]u32 = undefined;
    var lengths: [6]usize = undefined;
    for (&rows, &lengths, 0..) |*row, *length, r| {
        // Row r keeps each item with probability (r + 1) / 7, so its length varies.
        length.* = 0;
        for (0..n_items) |item| {
            if (rng.below(7) <= r) {
                row[length.*] = @intCast(item);
                length.* += 1;
            }
        }
    }
    const one: Rows = .{ .ptr = &.{ 0, 1 }, .index = &.{0}, .values = &.{1} };
    const params = draw_test_params;
    for (0..3) |round| {
        for (&rows, lengths) |*row_store, length| {
            const row = row_store[0..length];
            marks.hold(row);
            marks.hold(row); // holding the held row again changes nothing
            for (0..n_items) |item| {
                try testing.expectEqual(contains(row, @intCast(item)), marks.has(@intCast(item)));
            }
            var searched = rng_mod.Rng.stream(round, length);
            var marked = searched;
            for (0..50) |_| {
                try testing.expectEqual(
                    drawNegative(&searched, one, n_items, .{ .row = row }, params),
                    drawNegative(&marked, one, n_items, .{ .row = row, .marks = &marks }, params),
                );
            }
        }
    }
    marks.hold(&.{});
    for (words) |word| try testing.expectEqual(@as(u64, 0), word);
}

test "a Shuffle is a bijection of 0..n, and seeds give different orders" {
    const sizes = [_]u32{ 1, 2, 3, 5, 17, 64, 100, 1000, 4097 };
    var seen: [4097]bool = undefined;
    for (sizes) |n| {
        for (0..3) |seed| {
            const shuffle = Shuffle.init(n, seed, 7);
            @memset(seen[0..n], false);
            for (0..n) |r| {
                const u = shuffle.at(@intCast(r));
                try testing.expect(u < n);
                try testing.expect(!seen[u]);
                seen[u] = true;
            }
        }
    }
    var same: u32 = 0;
    const a = Shuffle.init(1000, 1, 0);
    const b = Shuffle.init(1000, 2, 0);
    for (0..1000) |r| {
        if (a.at(@intCast(r)) == b.at(@intCast(r))) same += 1;
    }
    try testing.expect(same < 20); // about 1 expected
}

test "a walk visits every positive once per pass, each user's in one run" {
    // 6 users (two without positives), 9 positives.
    const ptr = [_]u32{ 0, 3, 3, 4, 8, 8, 9 };
    const index = [_]u32{ 1, 4, 6, 0, 2, 3, 5, 7, 4 };
    const values = [_]f32{1} ** 9;
    const users: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    for (0..5) |seed| {
        var walk = Walk.at(users, seed, 3, 0);
        var pass: u64 = 0;
        while (pass < 3) : (pass += 1) {
            var visits = [_]u32{0} ** 9;
            var runs: u32 = 0;
            var last_user: u32 = std.math.maxInt(u32);
            for (0..9) |_| {
                try testing.expectEqual(pass, walk.pass);
                try testing.expect(walk.entry >= ptr[walk.user]);
                try testing.expect(walk.entry < ptr[walk.user + 1]);
                try testing.expect(walk.slot >= ptr[walk.user]);
                try testing.expect(walk.slot < ptr[walk.user + 1]);
                try testing.expectEqual(index[@intCast(walk.slot)], walk.item());
                visits[@intCast(walk.slot)] += 1;
                if (walk.user != last_user) runs += 1;
                last_user = walk.user;
                walk.next();
            }
            try testing.expectEqualSlices(u32, &([_]u32{1} ** 9), &visits);
            try testing.expectEqual(@as(u32, 4), runs);
        }
        // Starting anywhere is the same as walking there.
        for (0..27) |position| {
            var from_start = Walk.at(users, seed, 3, 0);
            for (0..position) |_| from_start.next();
            const direct = Walk.at(users, seed, 3, position);
            try testing.expectEqual(from_start.pass, direct.pass);
            try testing.expectEqual(from_start.entry, direct.entry);
            try testing.expectEqual(from_start.slot, direct.slot);
        }
    }
}

test "a walk visits a user's positives in a seeded order, not in item order" {
    // One user with 12 positives: over seeds and passes, the run is rarely ascending and its
    // first positive is not always the smallest.
    const ptr = [_]u32{ 0, 12 };
    const index = [_]u32{ 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
    const values = [_]f32{1} ** 12;
    const users: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    var ascending: u32 = 0;
    var first_smallest: u32 = 0;
    var strides = [_]u32{0} ** 12;
    const runs = 200;
    for (0..runs) |seed| {
        var walk = Walk.at(users, seed, 1, 0);
        var sorted = true;
        var previous: ?u32 = null;
        if (walk.item() == 0) first_smallest += 1;
        strides[@intCast(walk.stride)] += 1;
        for (0..12) |_| {
            const item = walk.item();
            if (previous) |p| sorted = sorted and p < item;
            previous = item;
            walk.next();
        }
        if (sorted) ascending += 1;
    }
    try testing.expect(ascending < runs / 10);
    try testing.expect(first_smallest < runs / 4); // 1/12 expected
    // Every stride coprime to 12 (1, 5, 7, 11) is drawn, and no other.
    for (strides, 0..) |count, stride| {
        const coprime = std.math.gcd(stride, 12) == 1;
        try testing.expectEqual(coprime, count > 0);
    }
}

test "upcoming names the users a walk enters next in its pass" {
    // 7 users, users 1 and 4 without positives.
    const ptr = [_]u32{ 0, 2, 2, 5, 6, 6, 8, 9 };
    const index = [_]u32{ 1, 4, 0, 2, 3, 5, 1, 7, 4 };
    const values = [_]f32{1} ** 9;
    const users: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    for (0..5) |seed| {
        var walk = Walk.at(users, seed, 2, 0);
        var entered: u32 = 0;
        for (0..40) |_| {
            const pass = walk.pass;
            const user = walk.user;
            const next = walk.upcoming(1);
            const after_next = walk.upcoming(2);
            try testing.expectEqual(walk.rank + 1 >= users.count(), next == null);
            try testing.expectEqual(walk.rank + 2 >= users.count(), after_next == null);
            walk.next();
            if (walk.user == user) continue;
            entered += 1;
            if (walk.pass != pass) continue;
            // The next user of the pass, unless it has no positives (then the walk skips it and
            // the one after next, if not empty too, is entered).
            if (ptr[next.?] < ptr[next.? + 1]) {
                try testing.expectEqual(next.?, walk.user);
            } else if (after_next != null and ptr[after_next.?] < ptr[after_next.? + 1]) {
                try testing.expectEqual(after_next.?, walk.user);
            }
        }
        try testing.expect(entered >= 15); // 5 runs a pass, 40 steps of 9-positive passes
    }
}

test "over seeds, an epoch of fewer samples than positives visits each positive equally often" {
    // Users of 1, 5 and 2 positives; 3 samples per epoch: each positive 3/8 of the time.
    const ptr = [_]u32{ 0, 1, 6, 8 };
    const index = [_]u32{ 0, 0, 1, 2, 3, 4, 1, 2 };
    const values = [_]f32{1} ** 8;
    const users: Rows = .{ .ptr = &ptr, .index = &index, .values = &values };
    var visits = [_]u32{0} ** 8;
    const epochs = 4000;
    for (0..epochs) |e| {
        var walk = Walk.at(users, 11, @intCast(e), Walk.offset(11, @intCast(e), 8));
        for (0..3) |_| {
            visits[@intCast(walk.slot)] += 1;
            walk.next();
        }
    }
    for (visits) |v| {
        const share = @as(f64, @floatFromInt(v)) / epochs;
        try testing.expectApproxEqAbs(3.0 / 8.0, share, 0.04);
    }
}

test "epochs raise the training AUC, reproducibly with one thread, with or without marks" {
    const allocator = testing.allocator;
    // 200 users, 100 items: user u likes items with (u + i) % 4 == 0 (a planted structure).
    var ptr: [201]u32 = undefined;
    var index: std.ArrayList(u32) = .empty;
    defer index.deinit(allocator);
    ptr[0] = 0;
    for (0..200) |u| {
        for (0..100) |i| if ((u + i) % 4 == 0) try index.append(allocator, @intCast(i));
        ptr[u + 1] = @intCast(index.items.len);
    }
    const values = try allocator.alloc(f32, index.items.len);
    defer allocator.free(values);
    @memset(values, 1);
    const users: Rows = .{ .ptr = &ptr, .index = index.items, .values = values };
    const k = 8;
    var runs: [2][100 * k]f32 = undefined;
    for (0..2) |run| {
        // The second run gets no scratch: its checks are binary searches, with the same outcome.
        var failing = std.testing.FailingAllocator.init(allocator, .{ .fail_index = 0 });
        const scratch = if (run == 0) allocator else failing.allocator();
        const uf = try allocator.alloc(f32, 200 * k);
        defer allocator.free(uf);
        var rng = rng_mod.Rng.stream(3, 0);
        for (uf) |*v| v.* = @floatCast(0.1 * rng.normal());
        for (&runs[run]) |*v| v.* = @floatCast(0.1 * rng.normal());
        var bias = [_]f32{0} ** 100;
        var first_auc: f64 = 0;
        var last_auc: f64 = 0;
        for (0..20) |e| {
            const params: Params = .{
                .k = k,
                .learning_rate = 0.05,
                .lambda = 0.01,
                .lambda_bias = 0.01,
                .negatives = .uniform,
                .verify = true,
                .seed = 9,
                .epoch = @intCast(e),
                .samples = index.items.len,
            };
            const result = epochWith(scratch, users, 100, uf, &runs[run], &bias, params, 1);
            try testing.expectEqual(@as(u64, 0), result.skipped);
            const correct: f64 = @floatFromInt(result.correct);
            const auc = correct / @as(f64, @floatFromInt(result.samples));
            if (e == 0) first_auc = auc;
            last_auc = auc;
        }
        try testing.expect(first_auc < 0.7);
        try testing.expect(last_auc > 0.9);
    }
    try testing.expectEqualSlices(f32, &runs[0], &runs[1]);
}
