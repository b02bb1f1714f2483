const std = @import("std");
const linalg = @import("linalg.zig");
pub fn main() !void {
    for ([_]usize{ 17, 33, 65, 129 }) |p| {
        const stride = linalg.padToLanes(p) + linalg.lanes;
        var a: [129 * 144]f64 = undefined;
        var a0: [129 * 144]f64 = undefined;
        var u: [129 * 144]f32 = undefined;
        var rng = std.Random.DefaultPrng.init(1);
        @memset(&a0, 0);
        for (0..p) |r| for (r..p) |c| {
            a0[r * stride + c] = if (r == c) @as(f64, @floatFromInt(p)) * 2 else rng.random().float(f64) - 0.5;
        };
        var b: [129]f64 = undefined;
        var x32: [129]f32 = undefined;
        const reps: usize = 20000;
        var t = try std.time.Timer.start();
        var sink: f64 = 0;
        for (0..reps) |_| {
            @memcpy(a[0 .. p * stride], a0[0 .. p * stride]);
            sink += a[3];
        }
        const copy_ns = t.lap();
        for (0..reps) |_| {
            for (0..p) |row| for (row / linalg.lanes * linalg.lanes..p) |c| {
                u[row * stride + c] = @floatCast(a0[row * stride + c]);
            };
            _ = linalg.choleskyFactor(f32, &u, p, stride);
            sink += u[5];
        }
        const chol32_ns = t.lap();
        for (0..reps) |_| {
            for (x32[0..p], 0..) |*x, i| x.* = @floatFromInt(i);
            linalg.choleskySolve(f32, &u, p, stride, x32[0..p]);
            sink += x32[2];
        }
        const solve32_ns = t.lap();
        for (0..reps) |_| {
            @memcpy(a[0 .. p * stride], a0[0 .. p * stride]);
            _ = linalg.choleskyFactor(f64, &a, p, stride);
            for (b[0..p], 0..) |*x, i| x.* = @floatFromInt(i);
            linalg.choleskySolve(f64, &a, p, stride, b[0..p]);
            sink += b[2];
        }
        const chol64_ns = t.lap();
        var inv: [136]f32 = undefined;
        for (0..reps) |_| {
            for (0..p) |row| for (row / linalg.lanes * linalg.lanes..p) |c| {
                u[row * stride + c] = @floatCast(a0[row * stride + c]);
            };
            for (0..p) |row| u[row * stride + p] = 1;
            _ = linalg.choleskyFactorAugmented(f32, &u, p, p + 1, stride, &inv);
            sink += u[5];
        }
        const aug_ns = t.lap();
        for (0..reps) |_| {
            for (x32[0..p], 0..) |*x, i| x.* = @floatFromInt(i);
            linalg.solveLower(f32, &u, p, stride, &inv, x32[0..p]);
            linalg.solveUpper(f32, &u, p, stride, &inv, x32[0..p]);
            sink += x32[2];
        }
        const fast_ns = t.lap();
        const f = @as(f64, @floatFromInt(reps));
        std.debug.print("   aug factor {d:.0} ns, fast solve {d:.0} ns\n", .{ @as(f64, @floatFromInt(aug_ns)) / f, @as(f64, @floatFromInt(fast_ns)) / f });
        std.debug.print("p={d}: copy {d:.0} ns, f32 convert+chol {d:.0} ns, f32 solve {d:.0} ns, f64 chol+solve+copy {d:.0} ns  {d}\n", .{ p, @as(f64, @floatFromInt(copy_ns)) / f, @as(f64, @floatFromInt(chol32_ns)) / f, @as(f64, @floatFromInt(solve32_ns)) / f, @as(f64, @floatFromInt(chol64_ns)) / f, sink });
    }
}
