const std = @import("std");
const linalg = @import("linalg.zig");
pub fn main() !void {
    for ([_]usize{ 16, 32, 64, 128 }) |k| {
        const kp = linalg.padToLanes(k);
        const rows = @max(16, 4096 / kp);
        const stride = kp + linalg.lanes;
        var z: [256 * 128]f32 = undefined;
        for (&z, 0..) |*x, i| x.* = @floatFromInt(i % 13);
        var g: [136 * 136]f64 = undefined;
        @memset(&g, 0);
        const reps: usize = 200000 * 16 / k;
        var t = try std.time.Timer.start();
        for (0..reps) |_| linalg.gramAccumulate(&z, rows, k, kp, &g, stride, linalg.no_hook);
        const ns: f64 = @floatFromInt(t.read());
        const useful = @as(f64, @floatFromInt(reps * rows * k * (k + 1)));
        std.debug.print("k={d} rows={d}: {d:.1} useful GFLOP/s (upper triangle) {d}\n", .{ k, rows, useful / ns, g[5] });
    }
}
