//! Synthetic MovieLens ratings, the heavy half of lib/data/synthetic.ts. TypeScript plans the
//! dataset (how many ratings each user gives, item popularity, the planted low-rank + bias model,
//! each user's active time window); this file, for every user with its own random stream
//! `Rng.stream(seed, user)` so the bytes never depend on the thread count:
//!
//!   1. draws the user's movies without replacement with probability proportional to popularity
//!      (successive sampling: a Walker/Vose alias table plus a bitmap that rejects repeats, or, for
//!      users who rate a large share of the catalogue, the equivalent exponential race of
//!      Efraimidis & Spirakis),
//!   2. rates each one `μ + b_u + b_i + x_u·y_i + σ·ε`, ε ~ N(0, 1), rounded to half stars (to
//!      whole stars before the user's timestamp reaches `whole_stars_before`, as MovieLens had no
//!      half stars before February 2003) and clamped to the scale,
//!   3. timestamps each one uniformly inside the user's active window,
//!   4. writes the lines of ratings.csv (`userId,movieId,rating,timestamp`), by userId then
//!      movieId.
//!
//! It also tallies the "oracle" errors: the written rating against the noiseless planted
//! prediction, rounded the same way and unrounded (clamped), in integers so the sums are exact and
//! identical for every partition of the work.
const std = @import("std");
const assert = std.debug.assert;
const Rng = @import("rng.zig").Rng;
const threads_mod = @import("threads.zig");
const status_mod = @import("status.zig");

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;

/// Longest ratings.csv line: two u32 ids (10 digits each), "x.y", a u32 timestamp, 3 commas, CRLF.
pub const line_bytes_max: u32 = 10 + 1 + 10 + 1 + 3 + 1 + 10 + 2;
/// Largest planted rank accepted.
pub const factors_max: u32 = 1024;
/// A user who rates at least 1/`race_share_inverse` of the catalogue is sampled by the exponential
/// race (O(items)); everyone else by alias draws with rejection of repeats (O(count)).
pub const race_share_inverse: u64 = 16;
/// Fewest ratings per thread worth a thread of its own.
const grain_ratings: usize = 50_000;
/// `Result` slots. Sums of squares are exact integers: half-star differences squared, and the
/// unrounded squared errors in units of 2^-20.
pub const result_bytes: usize = 0;
pub const result_oracle_half_steps_squared: usize = 1;
pub const result_oracle_unrounded_fixed: usize = 2;
pub const result_histogram: usize = 3;
pub const result_len: usize = result_histogram + 10;
pub const unrounded_fixed_scale: f64 = 1 << 20;
pub const Result = [result_len]u64;

/// Walker's alias table over positive weights (Vose's construction): draw `i` uniformly, keep it
/// with probability `prob[i]`, else take `alias[i]`.
pub const Table = struct {
    weights: []const f64,
    prob: []const f64,
    alias: []const u32,

    /// One weighted draw from one 64-bit random word: the high half picks the column, the low half
    /// decides between the column and its alias.
    pub fn draw(table: Table, rng: *Rng) u32 {
        const n: u64 = table.prob.len;
        assert(n > 0);
        assert(n <= std.math.maxInt(u32));
        assert(table.alias.len == n);
        const word = rng.next();
        const column: u32 = @intCast(((word >> 32) * n) >> 32);
        const coin = @as(f64, @floatFromInt(word & 0xffff_ffff)) * 0x1.0p-32;
        return if (coin < table.prob[column]) column else table.alias[column];
    }
};

/// Builds the alias table of `weights` (all finite and > 0) into `prob` and `alias`; `work` is
/// scratch of the same length. Deterministic: the same weights give the same table.
pub fn buildAlias(weights: []const f64, prob: []f64, alias: []u32, work: []u32) Status {
    const n = weights.len;
    assert(prob.len == n);
    assert(alias.len == n);
    assert(work.len == n);
    if (n == 0 or n > std.math.maxInt(u32)) return .invalid_argument;
    var total: f64 = 0;
    for (weights) |weight| {
        if (!std.math.isFinite(weight)) return .not_finite;
        if (!(weight > 0)) return .invalid_argument;
        total += weight;
    }
    if (!std.math.isFinite(total)) return .not_finite;
    const scale = @as(f64, @floatFromInt(n)) / total;
    // Two stacks in `work`: "small" (prob < 1) grows from the front, "large" from the back.
    var small_len: usize = 0;
    var large_len: usize = 0;
    for (weights, prob, alias, 0..) |weight, *p, *a, i| {
        p.* = weight * scale;
        a.* = @intCast(i);
        if (p.* < 1.0) {
            work[small_len] = @intCast(i);
            small_len += 1;
        } else {
            large_len += 1;
            work[n - large_len] = @intCast(i);
        }
    }
    var steps: usize = 0;
    while (small_len > 0 and large_len > 0) : (steps += 1) {
        assert(steps < 2 * n);
        assert(small_len + large_len <= n);
        small_len -= 1;
        const small = work[small_len];
        const large = work[n - large_len];
        alias[small] = large;
        prob[large] = (prob[large] + prob[small]) - 1.0;
        if (prob[large] < 1.0) {
            large_len -= 1;
            work[small_len] = large;
            small_len += 1;
        }
    }
    // What is left is 1 up to rounding.
    for (work[0..small_len]) |i| prob[i] = 1.0;
    for (work[n - large_len ..]) |i| prob[i] = 1.0;
    return .ok;
}

/// Rearranges `values` (distinct) so that its `count` smallest come first, in no particular order
/// (quickselect, median-of-three pivot; expected linear time).
pub fn selectSmallest(values: []u64, count: usize) void {
    assert(count <= values.len);
    var lo: usize = 0;
    var hi: usize = values.len;
    var rounds: usize = 0;
    // Invariant: values[0..lo] are the lo smallest and values[hi..] hold none of the count
    // smallest.
    while (lo < count and count < hi) : (rounds += 1) {
        assert(rounds < values.len);
        const mid = lo + (hi - lo) / 2;
        const pivot = median3(values[lo], values[mid], values[hi - 1]);
        var store = lo;
        for (lo..hi) |i| {
            if (values[i] < pivot) {
                std.mem.swap(u64, &values[i], &values[store]);
                store += 1;
            }
        }
        // values[lo..store] < pivot <= values[store..hi]; put the pivot at `store`.
        for (store..hi) |i| {
            if (values[i] == pivot) {
                std.mem.swap(u64, &values[i], &values[store]);
                break;
            }
        }
        if (store < count) {
            lo = store + 1;
        } else {
            hi = store;
        }
    }
}

fn median3(a: u64, b: u64, c: u64) u64 {
    return @max(@min(a, b), @min(@max(a, b), c));
}

/// Per-thread scratch for sampling without replacement, reused across users.
pub const Sampler = struct {
    /// One bit per item: drawn already for the current user (all clear between users).
    seen: []u64,
    /// Race keys, one per item: f32 arrival time in the high half, item index in the low half.
    keys: []u64,

    pub fn init(allocator: std.mem.Allocator, n_items: u32) !Sampler {
        assert(n_items >= 1);
        const seen = try allocator.alloc(u64, (@as(usize, n_items) + 63) / 64);
        errdefer allocator.free(seen);
        @memset(seen, 0);
        const keys = try allocator.alloc(u64, n_items);
        return .{ .seen = seen, .keys = keys };
    }

    pub fn deinit(sampler: *Sampler, allocator: std.mem.Allocator) void {
        allocator.free(sampler.seen);
        allocator.free(sampler.keys);
        sampler.* = undefined;
    }

    /// Fills `out` with `out.len` distinct items drawn by successive weighted sampling, ascending.
    pub fn sample(sampler: *Sampler, table: Table, rng: *Rng, out: []u32) void {
        const n = table.prob.len;
        assert(out.len <= n);
        assert(sampler.keys.len == n);
        assert(sampler.seen.len == (n + 63) / 64);
        const by_race = out.len * race_share_inverse >= n;
        if (by_race or !sampler.rejection(table, rng, out)) sampler.race(table, rng, out);
        std.sort.pdq(u32, out, {}, std.sort.asc(u32));
    }

    /// Alias draws, repeats rejected. Gives up (false) after a generous number of draws, which only
    /// happens when the drawn items hold nearly all the weight.
    fn rejection(sampler: *Sampler, table: Table, rng: *Rng, out: []u32) bool {
        const draws_max = 64 * out.len + 1024;
        var filled: usize = 0;
        var draws: usize = 0;
        while (filled < out.len and draws < draws_max) : (draws += 1) {
            const item = table.draw(rng);
            const bit = @as(u64, 1) << @intCast(item & 63);
            if (sampler.seen[item >> 6] & bit != 0) continue;
            sampler.seen[item >> 6] |= bit;
            out[filled] = item;
            filled += 1;
        }
        for (out[0..filled]) |item| {
            sampler.seen[item >> 6] &= ~(@as(u64, 1) << @intCast(item & 63));
        }
        return filled == out.len;
    }

    /// The exponential race: item `i` arrives at time Exp(1) / w_i; the first `out.len` arrivals
    /// are, in order, a successive weighted sample without replacement.
    fn race(sampler: *Sampler, table: Table, rng: *Rng, out: []u32) void {
        assert(table.weights.len == sampler.keys.len);
        const time_max: f64 = std.math.floatMax(f32);
        for (sampler.keys, table.weights, 0..) |*key, weight, i| {
            const arrival = -@log(1.0 - rng.float()) / weight;
            const time: f32 = @floatCast(@min(arrival, time_max));
            key.* = (@as(u64, @as(u32, @bitCast(time))) << 32) | i;
        }
        selectSmallest(sampler.keys, out.len);
        for (out, sampler.keys[0..out.len]) |*item, key| item.* = @truncate(key);
    }
};

/// The planted model and everything else a user's lines depend on.
pub const Model = struct {
    seed: u64,
    /// Planted rank.
    k: u32,
    mu: f64,
    noise_sd: f64,
    /// Ratings before this timestamp are rounded to whole stars.
    whole_stars_before: u32,
    crlf: bool,
    user_counts: []const u32,
    user_time_begin: []const u32,
    user_time_span: []const u32,
    user_bias: []const f32,
    /// Row-major `n_users × k`.
    user_factors: []const f32,
    /// Raw movieId of each item index, ascending.
    movie_ids: []const u32,
    item_bias: []const f32,
    /// Row-major `n_items × k`.
    item_factors: []const f32,
    table: Table,

    pub fn nUsers(model: *const Model) usize {
        return model.user_counts.len;
    }

    pub fn nItems(model: *const Model) usize {
        return model.movie_ids.len;
    }

    /// The noiseless planted rating, summed in f64 left to right: ((μ + b_u) + b_i) + Σ_j x_j·y_j.
    pub fn predict(model: *const Model, user: usize, item: usize) f64 {
        const k: usize = model.k;
        const x = model.user_factors[user * k ..][0..k];
        const y = model.item_factors[item * k ..][0..k];
        var p: f64 = model.mu + @as(f64, model.user_bias[user]);
        p += @as(f64, model.item_bias[item]);
        for (x, y) |a, b| p += @as(f64, a) * @as(f64, b);
        return p;
    }
};

/// Checks what the lines rely on: k in 1..factors_max, finite μ, finite σ ≥ 0, finite biases and
/// factors, strictly ascending movieIds, a valid alias table. On failure `info.argument` says which
/// array and `info.index` where: 1 = user bias/factors, 2 = item bias/factors, 3 = movieIds,
/// 4 = alias table, 5 = μ or σ.
pub fn checkModel(model: *const Model, info: *ErrorRecord) Status {
    assert(model.nUsers() > 0);
    assert(model.nItems() > 0);
    assert(model.user_time_begin.len == model.nUsers());
    assert(model.user_time_span.len == model.nUsers());
    assert(model.user_bias.len == model.nUsers());
    assert(model.item_bias.len == model.nItems());
    assert(model.table.weights.len == model.nItems());
    assert(model.table.prob.len == model.nItems());
    assert(model.table.alias.len == model.nItems());
    if (model.k == 0 or model.k > factors_max) return .invalid_argument;
    assert(model.user_factors.len == model.nUsers() * model.k);
    assert(model.item_factors.len == model.nItems() * model.k);
    const mu_finite = std.math.isFinite(model.mu);
    if (!mu_finite or !std.math.isFinite(model.noise_sd) or !(model.noise_sd >= 0)) {
        info.* = .{ .argument = 5 };
        return .not_finite;
    }
    if (firstNotFinite(model.user_bias) orelse firstNotFinite(model.user_factors)) |index| {
        info.* = .{ .argument = 1, .index = index };
        return .not_finite;
    }
    if (firstNotFinite(model.item_bias) orelse firstNotFinite(model.item_factors)) |index| {
        info.* = .{ .argument = 2, .index = index };
        return .not_finite;
    }
    for (model.movie_ids[0 .. model.nItems() - 1], model.movie_ids[1..], 1..) |before, after, i| {
        if (after <= before) {
            info.* = .{ .argument = 3, .index = i };
            return .invalid_argument;
        }
    }
    const n = model.nItems();
    for (model.table.prob, model.table.alias, 0..) |p, a, i| {
        if (!(p >= 0 and p <= 1) or a >= n) {
            info.* = .{ .argument = 4, .index = i };
            return .invalid_argument;
        }
    }
    return .ok;
}

fn firstNotFinite(values: []const f32) ?u64 {
    for (values, 0..) |value, i| {
        if (!std.math.isFinite(value)) return i;
    }
    return null;
}

/// A rating in half stars (1 = 0.5 ★ … 10 = 5 ★): the nearest half star (or whole star when
/// `whole`), ties away from zero, clamped to 0.5–5 (1–5 for whole stars).
pub fn halfStars(value: f64, whole: bool) u8 {
    assert(std.math.isFinite(value));
    if (whole) return @intFromFloat(std.math.clamp(@round(value), 1.0, 5.0) * 2.0);
    return @intFromFloat(std.math.clamp(@round(value * 2.0), 1.0, 10.0));
}

/// Writes `value` in decimal at the start of `out`; returns the digits written (1–10).
pub fn writeDecimal(out: []u8, value: u32) usize {
    var digits: [10]u8 = undefined;
    var rest = value;
    var len: usize = 0;
    while (len < digits.len) {
        len += 1;
        digits[digits.len - len] = '0' + @as(u8, @intCast(rest % 10));
        rest /= 10;
        if (rest == 0) break;
    }
    assert(rest == 0);
    @memcpy(out[0..len], digits[digits.len - len ..]);
    return len;
}

/// One ratings.csv line, `userId,movieId,x.y,timestamp` + LF or CRLF; returns its length.
pub fn formatLine(
    out: []u8,
    user_id: u32,
    movie_id: u32,
    half_stars: u8,
    time: u32,
    crlf: bool,
) usize {
    assert(out.len >= line_bytes_max);
    assert(half_stars >= 1);
    assert(half_stars <= 10);
    var pos = writeDecimal(out, user_id);
    out[pos] = ',';
    pos += 1;
    pos += writeDecimal(out[pos..], movie_id);
    const tenths: u8 = if (half_stars % 2 == 1) '5' else '0';
    out[pos..][0..5].* = .{ ',', '0' + half_stars / 2, '.', tenths, ',' };
    pos += 5;
    pos += writeDecimal(out[pos..], time);
    if (crlf) {
        out[pos] = '\r';
        pos += 1;
    }
    out[pos] = '\n';
    pos += 1;
    assert(pos <= line_bytes_max);
    return pos;
}

/// Exact integer tallies of one partition.
const Tally = struct {
    result: Result = [_]u64{0} ** result_len,

    fn add(tally: *Tally, rating: u8, oracle: u8, prediction: f64) void {
        assert(rating >= 1);
        assert(rating <= 10);
        assert(oracle >= 1);
        assert(oracle <= 10);
        const steps: i64 = @as(i64, rating) - @as(i64, oracle);
        tally.result[result_oracle_half_steps_squared] += @intCast(steps * steps);
        const err = @as(f64, @floatFromInt(rating)) * 0.5 - std.math.clamp(prediction, 0.5, 5.0);
        const fixed = @round(err * err * unrounded_fixed_scale);
        tally.result[result_oracle_unrounded_fixed] += @intFromFloat(fixed);
        tally.result[result_histogram + rating - 1] += 1;
    }
};

/// Everything one thread needs, allocated before the threads start.
const Scratch = struct {
    sampler: Sampler,
    items: []u32,
    item_counts: []u32,
    tally: Tally = .{},
    bytes: usize = 0,

    fn init(allocator: std.mem.Allocator, n_items: u32) !Scratch {
        var sampler = try Sampler.init(allocator, n_items);
        errdefer sampler.deinit(allocator);
        const items = try allocator.alloc(u32, n_items);
        errdefer allocator.free(items);
        const item_counts = try allocator.alloc(u32, n_items);
        @memset(item_counts, 0);
        return .{ .sampler = sampler, .items = items, .item_counts = item_counts };
    }

    fn deinit(scratch: *Scratch, allocator: std.mem.Allocator) void {
        scratch.sampler.deinit(allocator);
        allocator.free(scratch.items);
        allocator.free(scratch.item_counts);
        scratch.* = undefined;
    }
};

/// Writes all lines of `user` to the start of `out`; returns the bytes written.
fn writeUser(model: *const Model, user: u32, scratch: *Scratch, out: []u8) usize {
    assert(user < model.nUsers());
    assert(model.user_counts[user] <= scratch.items.len);
    assert(out.len >= @as(usize, model.user_counts[user]) * line_bytes_max);
    var rng = Rng.stream(model.seed, user);
    const chosen = scratch.items[0..model.user_counts[user]];
    scratch.sampler.sample(model.table, &rng, chosen);
    const begin: u64 = model.user_time_begin[user];
    const span: u64 = model.user_time_span[user];
    var pos: usize = 0;
    for (chosen) |item| {
        const time: u32 = @intCast(begin + rng.below(span + 1));
        const whole = time < model.whole_stars_before;
        const prediction = model.predict(user, item);
        const rating = halfStars(prediction + model.noise_sd * rng.normal(), whole);
        scratch.tally.add(rating, halfStars(prediction, whole), prediction);
        scratch.item_counts[item] += 1;
        pos += formatLine(out[pos..], user + 1, model.movie_ids[item], rating, time, model.crlf);
    }
    return pos;
}

const Job = struct {
    model: *const Model,
    out: []u8,
    /// Part `p` writes users `user_bounds[p] .. user_bounds[p + 1]` into the region that starts
    /// at byte `rating_bounds[p] * line_bytes_max` of `out`.
    user_bounds: [threads_mod.threads_max + 1]u32 = undefined,
    rating_bounds: [threads_mod.threads_max + 1]u64 = undefined,
    scratch: [threads_mod.threads_max]Scratch = undefined,

    fn work(job: *Job, part: u32) void {
        assert(part < threads_mod.threads_max);
        const scratch = &job.scratch[part];
        const rating_begin = job.rating_bounds[part];
        const rating_end = job.rating_bounds[part + 1];
        assert(rating_begin <= rating_end);
        const region_bytes = (rating_end - rating_begin) * line_bytes_max;
        const region = job.out[rating_begin * line_bytes_max ..][0..region_bytes];
        var pos: usize = 0;
        var user = job.user_bounds[part];
        while (user < job.user_bounds[part + 1]) : (user += 1) {
            pos += writeUser(job.model, user, scratch, region[pos..]);
        }
        scratch.bytes = pos;
    }
};

/// Checks the users of `user_begin..user_end` (count within the catalogue, window inside u32) and
/// returns their total ratings, or null with `info.row` = the user and `info.actual` the offending
/// value.
fn chunkRatings(model: *const Model, user_begin: u32, user_end: u32, info: *ErrorRecord) ?u64 {
    assert(user_begin <= user_end);
    assert(user_end <= model.nUsers());
    var total: u64 = 0;
    var user = user_begin;
    while (user < user_end) : (user += 1) {
        const count = model.user_counts[user];
        if (count > model.nItems()) {
            info.* = .{ .row = user, .expected = model.nItems(), .actual = count };
            return null;
        }
        const end = @as(u64, model.user_time_begin[user]) + model.user_time_span[user];
        if (end > std.math.maxInt(u32)) {
            info.* = .{ .row = user, .expected = std.math.maxInt(u32), .actual = end };
            return null;
        }
        total += count;
    }
    return total;
}

/// Writes the ratings.csv lines of users `user_begin..user_end` into `out` (which must hold
/// `line_bytes_max` bytes per rating), on up to `threads` threads. Adds each item's new ratings to
/// `item_counts`; sets `result` (bytes written, oracle tallies, histogram of this call).
pub fn ratingsCsv(
    allocator: std.mem.Allocator,
    model: *const Model,
    user_begin: u32,
    user_end: u32,
    threads: u32,
    out: []u8,
    item_counts: []u32,
    result: *Result,
    info: *ErrorRecord,
) !Status {
    return ratingsCsvGrain(
        allocator,
        model,
        user_begin,
        user_end,
        threads,
        grain_ratings,
        out,
        item_counts,
        result,
        info,
    );
}

fn ratingsCsvGrain(
    allocator: std.mem.Allocator,
    model: *const Model,
    user_begin: u32,
    user_end: u32,
    threads: u32,
    grain: usize,
    out: []u8,
    item_counts: []u32,
    result: *Result,
    info: *ErrorRecord,
) !Status {
    assert(user_begin <= user_end);
    assert(user_end <= model.nUsers());
    assert(item_counts.len == model.nItems());
    assert(grain >= 1);
    const total = chunkRatings(model, user_begin, user_end, info) orelse return .invalid_argument;
    if (total * line_bytes_max > out.len) {
        info.* = .{ .expected = total * line_bytes_max, .actual = out.len };
        return .invalid_argument;
    }
    const parts = threads_mod.clampThreads(threads, total, grain);
    var job: Job = .{ .model = model, .out = out };
    splitByRatings(model.user_counts, user_begin, user_end, total, parts, &job);

    var ready: u32 = 0;
    defer for (job.scratch[0..ready]) |*scratch| scratch.deinit(allocator);
    while (ready < parts) : (ready += 1) {
        job.scratch[ready] = try Scratch.init(allocator, @intCast(model.nItems()));
    }
    threads_mod.run(parts, &job, Job.work);

    // Close the gaps between the parts' regions, then merge their tallies in part order.
    result.* = [_]u64{0} ** result_len;
    var written: usize = 0;
    for (job.scratch[0..parts], job.rating_bounds[0..parts]) |*scratch, rating_begin| {
        const source: usize = rating_begin * line_bytes_max;
        assert(written <= source);
        std.mem.copyForwards(u8, out[written..][0..scratch.bytes], out[source..][0..scratch.bytes]);
        written += scratch.bytes;
        for (result, scratch.tally.result) |*sum, value| sum.* += value;
        for (item_counts, scratch.item_counts) |*sum, value| sum.* += value;
    }
    result[result_bytes] = written;
    return .ok;
}

/// Cuts `user_begin..user_end` into `parts` runs of consecutive users with about equal ratings.
fn splitByRatings(
    counts: []const u32,
    user_begin: u32,
    user_end: u32,
    total: u64,
    parts: u32,
    job: *Job,
) void {
    assert(parts >= 1);
    assert(parts <= threads_mod.threads_max);
    assert(user_begin <= user_end);
    assert(user_end <= counts.len);
    job.user_bounds[0] = user_begin;
    job.rating_bounds[0] = 0;
    var part: u32 = 1;
    var ratings: u64 = 0;
    var user = user_begin;
    while (user < user_end) : (user += 1) {
        while (part < parts and ratings >= total * part / parts) : (part += 1) {
            job.user_bounds[part] = user;
            job.rating_bounds[part] = ratings;
        }
        ratings += counts[user];
    }
    assert(ratings == total);
    while (part <= parts) : (part += 1) {
        job.user_bounds[part] = user_end;
        job.rating_bounds[part] = total;
    }
}

// ---------------------------------------------------------------------------------------------
// Tests.

const testing = std.testing;

test "buildAlias reproduces the weights exactly" {
    const weights = [_]f64{ 1, 2, 3, 0.5, 10, 0.01, 7 };
    var prob: [weights.len]f64 = undefined;
    var alias: [weights.len]u32 = undefined;
    var work: [weights.len]u32 = undefined;
    try testing.expectEqual(Status.ok, buildAlias(&weights, &prob, &alias, &work));
    var total: f64 = 0;
    for (weights) |w| total += w;
    var mass = [_]f64{0} ** weights.len;
    for (prob, alias, 0..) |p, a, i| {
        try testing.expect(p >= 0 and p <= 1);
        mass[i] += p;
        mass[a] += 1 - p;
    }
    for (weights, mass) |w, m| try testing.expectApproxEqAbs(w / total, m / weights.len, 1e-12);
    const zero = [_]f64{ 1, 0 };
    const status_zero = buildAlias(&zero, prob[0..2], alias[0..2], work[0..2]);
    try testing.expectEqual(Status.invalid_argument, status_zero);
    const nan = [_]f64{ 1, std.math.nan(f64) };
    const status_nan = buildAlias(&nan, prob[0..2], alias[0..2], work[0..2]);
    try testing.expectEqual(Status.not_finite, status_nan);
}

test "selectSmallest puts the smallest first for every count" {
    var rng = Rng.stream(3, 0);
    var original: [200]u64 = undefined;
    for (&original, 0..) |*v, i| v.* = (rng.next() & ~@as(u64, 0xffff)) | i;
    var sorted = original;
    std.sort.pdq(u64, &sorted, {}, std.sort.asc(u64));
    for (0..original.len + 1) |count| {
        var values = original;
        selectSmallest(&values, count);
        std.sort.pdq(u64, values[0..count], {}, std.sort.asc(u64));
        try testing.expectEqualSlices(u64, sorted[0..count], values[0..count]);
    }
}

/// Inclusion probabilities of a 2-of-4 successive weighted sample, computed exactly.
fn inclusionTwoOfFour(weights: [4]f64) [4]f64 {
    var total: f64 = 0;
    for (weights) |w| total += w;
    var p = [_]f64{0} ** 4;
    for (0..4) |first| {
        const p_first = weights[first] / total;
        p[first] += p_first;
        for (0..4) |second| {
            if (second == first) continue;
            p[second] += p_first * weights[second] / (total - weights[first]);
        }
    }
    return p;
}

fn checkSampler(count: usize, weights: []const f64, expected: ?[4]f64) !void {
    const n: u32 = @intCast(weights.len);
    const prob = try testing.allocator.alloc(f64, n);
    defer testing.allocator.free(prob);
    const alias = try testing.allocator.alloc(u32, n);
    defer testing.allocator.free(alias);
    const work = try testing.allocator.alloc(u32, n);
    defer testing.allocator.free(work);
    try testing.expectEqual(Status.ok, buildAlias(weights, prob, alias, work));
    const table: Table = .{ .weights = weights, .prob = prob, .alias = alias };
    var sampler = try Sampler.init(testing.allocator, n);
    defer sampler.deinit(testing.allocator);
    const out = try testing.allocator.alloc(u32, count);
    defer testing.allocator.free(out);
    var hits = [_]f64{0} ** 4;
    const trials: usize = if (expected == null) 50 else 200_000;
    for (0..trials) |trial| {
        var rng = Rng.stream(11, trial);
        sampler.sample(table, &rng, out);
        for (out, 0..) |item, j| {
            try testing.expect(item < n);
            if (j > 0) try testing.expect(out[j - 1] < item); // distinct and ascending
            if (item < 4) hits[item] += 1;
        }
        for (sampler.seen) |word| try testing.expectEqual(@as(u64, 0), word);
    }
    if (expected) |p| {
        for (hits, p) |h, q| {
            try testing.expectApproxEqAbs(q, h / @as(f64, @floatFromInt(trials)), 0.005);
        }
    }
}

test "both samplers draw distinct items with the successive-sampling inclusion probabilities" {
    // 2 of 4 by the race (2 * 16 >= 4); 2 of 4 among 4 + 60 light items by rejection.
    const four = [_]f64{ 1, 2, 3, 4 };
    try checkSampler(2, &four, inclusionTwoOfFour(four));
    var many: [64]f64 = undefined;
    for (&many, 0..) |*w, i| w.* = if (i < 4) four[i] * 1000 else 1e-9;
    try checkSampler(2, &many, inclusionTwoOfFour(four));
    // Whole catalogue, nearly whole, and heavy weights that force the rejection fallback.
    var skewed: [300]f64 = undefined;
    for (&skewed, 0..) |*w, i| w.* = if (i < 10) 1e12 else 1.0 + @as(f64, @floatFromInt(i % 7));
    try checkSampler(300, &skewed, null);
    try checkSampler(299, &skewed, null);
    try checkSampler(18, &skewed, null);
    try checkSampler(0, &skewed, null);
}

test "halfStars rounds to the nearest half (or whole) star and clamps" {
    try testing.expectEqual(@as(u8, 7), halfStars(3.6, false));
    try testing.expectEqual(@as(u8, 8), halfStars(3.75, false));
    try testing.expectEqual(@as(u8, 8), halfStars(3.6, true));
    try testing.expectEqual(@as(u8, 6), halfStars(3.4, true));
    try testing.expectEqual(@as(u8, 1), halfStars(-2.0, false));
    try testing.expectEqual(@as(u8, 2), halfStars(0.2, true));
    try testing.expectEqual(@as(u8, 10), halfStars(9.0, false));
    try testing.expectEqual(@as(u8, 10), halfStars(4.6, true));
}

test "formatLine writes GroupLens lines" {
    var buf: [line_bytes_max]u8 = undefined;
    var len = formatLine(&buf, 1, 296, 10, 1147880044, false);
    try testing.expectEqualStrings("1,296,5.0,1147880044\n", buf[0..len]);
    len = formatLine(&buf, 200948, 7, 1, 789652004, true);
    try testing.expectEqualStrings("200948,7,0.5,789652004\r\n", buf[0..len]);
    const big = std.math.maxInt(u32);
    len = formatLine(&buf, big, big, 7, big, true);
    try testing.expectEqualStrings("4294967295,4294967295,3.5,4294967295\r\n", buf[0..len]);
    try testing.expectEqual(@as(usize, line_bytes_max), len);
    len = formatLine(&buf, 10, 0, 4, 0, false);
    try testing.expectEqualStrings("10,0,2.0,0\n", buf[0..len]);
}

/// A small planted model for the ratingsCsv tests.
const TestModel = struct {
    const n_users = 60;
    const n_items = 45;
    const k = 3;
    counts: [n_users]u32 = undefined,
    begin: [n_users]u32 = undefined,
    span: [n_users]u32 = undefined,
    user_bias: [n_users]f32 = undefined,
    user_factors: [n_users * k]f32 = undefined,
    movie_ids: [n_items]u32 = undefined,
    item_bias: [n_items]f32 = undefined,
    item_factors: [n_items * k]f32 = undefined,
    weights: [n_items]f64 = undefined,
    prob: [n_items]f64 = undefined,
    alias: [n_items]u32 = undefined,

    fn fill(t: *TestModel) !Model {
        var rng = Rng.stream(5, 5);
        for (&t.counts, &t.begin, &t.span, &t.user_bias, 0..) |*c, *b, *s, *bias, u| {
            c.* = if (u == 7) n_items else 20 + @as(u32, @intCast(rng.below(20)));
            b.* = 1_000_000_000 + @as(u32, @intCast(rng.below(100_000_000)));
            s.* = @intCast(rng.below(50_000_000));
            bias.* = @floatCast(0.3 * rng.normal());
        }
        for (&t.user_factors) |*x| x.* = @floatCast(0.5 * rng.normal());
        for (&t.item_factors) |*y| y.* = @floatCast(0.5 * rng.normal());
        for (&t.movie_ids, &t.item_bias, &t.weights, 0..) |*id, *bias, *w, i| {
            id.* = @intCast(3 * i + 1);
            bias.* = @floatCast(0.3 * rng.normal());
            w.* = @exp(2.0 * rng.normal());
        }
        var work: [n_items]u32 = undefined;
        try testing.expectEqual(Status.ok, buildAlias(&t.weights, &t.prob, &t.alias, &work));
        return .{
            .seed = 99,
            .k = k,
            .mu = 3.5,
            .noise_sd = 0.8,
            .whole_stars_before = 1_045_526_400,
            .crlf = false,
            .user_counts = &t.counts,
            .user_time_begin = &t.begin,
            .user_time_span = &t.span,
            .user_bias = &t.user_bias,
            .user_factors = &t.user_factors,
            .movie_ids = &t.movie_ids,
            .item_bias = &t.item_bias,
            .item_factors = &t.item_factors,
            .table = .{ .weights = &t.weights, .prob = &t.prob, .alias = &t.alias },
        };
    }
};

fn generate(
    model: *const Model,
    chunks: []const u32,
    threads: u32,
    text: *std.ArrayList(u8),
    result: *Result,
    item_counts: []u32,
) !void {
    var buffer: [TestModel.n_users * TestModel.n_items * line_bytes_max]u8 = undefined;
    result.* = [_]u64{0} ** result_len;
    var begin: u32 = 0;
    for (chunks) |end| {
        var part: Result = undefined;
        var info: ErrorRecord = .{};
        const status = try ratingsCsvGrain(
            testing.allocator,
            model,
            begin,
            end,
            threads,
            1,
            &buffer,
            item_counts,
            &part,
            &info,
        );
        try testing.expectEqual(Status.ok, status);
        try text.appendSlice(testing.allocator, buffer[0..part[result_bytes]]);
        for (result[1..], part[1..]) |*sum, value| sum.* += value;
        begin = end;
    }
}

test "ratingsCsv output is the same for any thread count and chunking, and well formed" {
    var t: TestModel = .{};
    const model = try t.fill();
    var one: std.ArrayList(u8) = .empty;
    defer one.deinit(testing.allocator);
    var many: std.ArrayList(u8) = .empty;
    defer many.deinit(testing.allocator);
    var result_one: Result = undefined;
    var result_many: Result = undefined;
    var counts_one = [_]u32{0} ** TestModel.n_items;
    var counts_many = [_]u32{0} ** TestModel.n_items;
    try generate(&model, &.{TestModel.n_users}, 1, &one, &result_one, &counts_one);
    try generate(&model, &.{ 13, 14, 40, TestModel.n_users }, 3, &many, &result_many, &counts_many);
    try testing.expectEqualStrings(one.items, many.items);
    try testing.expectEqualSlices(u64, &result_one, &result_many);
    try testing.expectEqualSlices(u32, &counts_one, &counts_many);

    // Parse it back: users ascending with their exact counts, movies ascending within a user,
    // ratings on the half-star scale (whole stars before the cutoff), times inside the window.
    var lines = std.mem.splitScalar(u8, one.items[0 .. one.items.len - 1], '\n');
    var previous_user: u32 = 0;
    var previous_movie: u32 = 0;
    var seen_in_user: u32 = 0;
    var rows: u64 = 0;
    var histogram = [_]u64{0} ** 10;
    while (lines.next()) |line| : (rows += 1) {
        var fields = std.mem.splitScalar(u8, line, ',');
        const user_id = try std.fmt.parseInt(u32, fields.next().?, 10);
        const movie_id = try std.fmt.parseInt(u32, fields.next().?, 10);
        const rating = try std.fmt.parseFloat(f64, fields.next().?);
        const time = try std.fmt.parseInt(u32, fields.next().?, 10);
        try testing.expect(fields.next() == null);
        if (user_id != previous_user) {
            if (previous_user != 0) {
                try testing.expectEqual(t.counts[previous_user - 1], seen_in_user);
            }
            try testing.expectEqual(previous_user + 1, user_id);
            seen_in_user = 0;
            previous_movie = 0;
        }
        try testing.expect(seen_in_user == 0 or movie_id > previous_movie);
        try testing.expect(movie_id % 3 == 1);
        const half: u8 = @intFromFloat(rating * 2);
        try testing.expect(half >= 1);
        try testing.expect(half <= 10);
        try testing.expect(@as(f64, @floatFromInt(half)) == rating * 2);
        if (time < model.whole_stars_before) try testing.expect(half % 2 == 0);
        histogram[half - 1] += 1;
        const u = user_id - 1;
        try testing.expect(time >= t.begin[u] and time <= t.begin[u] + t.span[u]);
        previous_user = user_id;
        previous_movie = movie_id;
        seen_in_user += 1;
    }
    try testing.expectEqual(t.counts[TestModel.n_users - 1], seen_in_user);
    var total: u64 = 0;
    for (t.counts) |c| total += c;
    try testing.expectEqual(total, rows);
    try testing.expectEqualSlices(u64, &histogram, result_one[result_histogram..]);
    var counted: u64 = 0;
    for (counts_one) |c| counted += c;
    try testing.expectEqual(total, counted);
    try testing.expect(result_one[result_oracle_half_steps_squared] > 0);
}

test "ratingsCsv rejects a count above the catalogue and a too small buffer" {
    var t: TestModel = .{};
    var model = try t.fill();
    var buffer: [100 * line_bytes_max]u8 = undefined;
    var counts = [_]u32{0} ** TestModel.n_items;
    var result: Result = undefined;
    var info: ErrorRecord = .{};
    const allocator = testing.allocator;
    var status = try ratingsCsv(allocator, &model, 0, 10, 1, &buffer, &counts, &result, &info);
    try testing.expectEqual(Status.invalid_argument, status);
    try testing.expectEqual(@as(u64, 100 * line_bytes_max), info.actual);
    t.counts[2] = TestModel.n_items + 1;
    model.user_counts = &t.counts;
    status = try ratingsCsv(allocator, &model, 0, 3, 1, &buffer, &counts, &result, &info);
    try testing.expectEqual(Status.invalid_argument, status);
    try testing.expectEqual(@as(u64, 2), info.row);
}
