//! Seeded, splittable randomness: SplitMix64 to derive stream seeds, xoshiro256** for the stream.
//! `Rng.stream(seed, id)` gives every row/user/partition its own generator, so results depend on
//! the seed only, never on which thread ran which row.
const std = @import("std");
const assert = std.debug.assert;

/// One SplitMix64 step: a good 64-bit mix of `state`, advancing it.
pub fn splitMix64(state: *u64) u64 {
    state.* +%= 0x9E3779B97F4A7C15;
    var z = state.*;
    z = (z ^ (z >> 30)) *% 0xBF58476D1CE4E5B9;
    z = (z ^ (z >> 27)) *% 0x94D049BB133111EB;
    return z ^ (z >> 31);
}

pub const Rng = struct {
    s: [4]u64,

    /// The generator for stream `id` under `seed`.
    pub fn stream(seed: u64, id: u64) Rng {
        var state = seed ^ (id *% 0xD1B54A32D192ED03);
        var rng: Rng = .{ .s = undefined };
        for (&rng.s) |*word| word.* = splitMix64(&state);
        assert(rng.s[0] | rng.s[1] | rng.s[2] | rng.s[3] != 0);
        return rng;
    }

    pub fn next(self: *Rng) u64 {
        const result = std.math.rotl(u64, self.s[1] *% 5, 7) *% 9;
        const t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = std.math.rotl(u64, self.s[3], 45);
        return result;
    }

    /// Uniform in [0, 1) with 53 random bits.
    pub fn float(self: *Rng) f64 {
        return @as(f64, @floatFromInt(self.next() >> 11)) * 0x1.0p-53;
    }

    /// Uniform integer in [0, bound), bound > 0 (Lemire's multiply-shift, negligible bias).
    pub fn below(self: *Rng, bound: u64) u64 {
        assert(bound > 0);
        return @intCast((@as(u128, self.next()) * bound) >> 64);
    }

    /// Standard normal by Box–Muller (one value per call; simple and deterministic).
    pub fn normal(self: *Rng) f64 {
        const u_1 = 1.0 - self.float(); // (0, 1]
        const u_2 = self.float();
        return @sqrt(-2.0 * @log(u_1)) * @cos(2.0 * std.math.pi * u_2);
    }
};

test "streams are deterministic and distinct" {
    var a = Rng.stream(42, 7);
    var b = Rng.stream(42, 7);
    var c = Rng.stream(42, 8);
    const first_a = a.next();
    try std.testing.expectEqual(first_a, b.next());
    try std.testing.expect(first_a != c.next());
}

test "float, below and normal have the right ranges and moments" {
    var rng = Rng.stream(1, 0);
    var sum: f64 = 0;
    var sum_squares: f64 = 0;
    const n: usize = 200_000;
    for (0..n) |_| {
        const f = rng.float();
        try std.testing.expect(f >= 0 and f < 1);
        try std.testing.expect(rng.below(10) < 10);
        const z = rng.normal();
        sum += z;
        sum_squares += z * z;
    }
    const mean = sum / n;
    try std.testing.expect(@abs(mean) < 0.01);
    try std.testing.expect(@abs(sum_squares / n - 1.0) < 0.02);
}
