//! Factor rows packed for random reads: `count` rows of k floats copied into rows of kp floats
//! (k rounded up to whole SIMD vectors) that start on 64-byte cache lines. When k < kp the row's
//! bias goes into column k, so one read brings a rating's factors and bias together (a K = 15 row
//! is exactly one line); the rest of the padding is zero. ALS packs the other side once per
//! half-step. (Packing the model for a batch of pair predictions was measured too: at 1M pairs the
//! packing cost about what the fewer cache lines saved.)
const std = @import("std");
const assert = std.debug.assert;
const threads_mod = @import("threads.zig");

pub const cache_line = std.mem.Alignment.fromByteUnits(64);

/// Whether packed rows carry the bias in their padding (column k).
pub fn biasInRow(k: usize, kp: usize) bool {
    assert(k <= kp);
    return k < kp;
}

/// Packs `factors` (`bias.len` rows of k) into `dst` (rows of kp), one partition per thread.
pub fn packRows(
    factors: []const f32,
    bias: []const f32,
    k: usize,
    dst: []f32,
    kp: usize,
    threads: u32,
) void {
    assert(k >= 1);
    assert(k <= kp);
    assert(factors.len == bias.len * k);
    assert(dst.len == bias.len * kp);
    const parts = threads_mod.clampThreads(threads, bias.len, 1 << 12);
    const context: Pack = .{
        .factors = factors,
        .bias = bias,
        .k = k,
        .dst = dst,
        .kp = kp,
        .parts = parts,
    };
    threads_mod.run(parts, &context, Pack.run);
}

const Pack = struct {
    factors: []const f32,
    bias: []const f32,
    k: usize,
    dst: []f32,
    kp: usize,
    parts: u32,

    fn run(self: *const Pack, part: u32) void {
        assert(part < self.parts);
        const range = threads_mod.partRange(self.bias.len, self.parts, part);
        for (range.begin..range.end) |row| {
            const dst = self.dst[row * self.kp ..][0..self.kp];
            @memcpy(dst[0..self.k], self.factors[row * self.k ..][0..self.k]);
            @memset(dst[self.k..], 0);
            if (biasInRow(self.k, self.kp)) dst[self.k] = self.bias[row];
        }
    }
};

test "packRows copies rows, zero pads, and puts the bias in the padding when there is room" {
    const factors = [_]f32{ 1, 2, 3, 4, 5, 6 };
    const bias = [_]f32{ 7, 8 };
    var dst: [8]f32 = undefined;
    for ([_]u32{ 1, 2 }) |threads| {
        @memset(&dst, 9);
        packRows(&factors, &bias, 3, &dst, 4, threads);
        try std.testing.expectEqualSlices(f32, &.{ 1, 2, 3, 7, 4, 5, 6, 8 }, &dst);
    }
    var full: [6]f32 = undefined;
    packRows(&factors, &bias, 3, &full, 3, 1);
    try std.testing.expectEqualSlices(f32, &factors, &full);
}
