//! Status codes returned by every exported kernel function. 0 is success; the TypeScript wrapper
//! (lib/ffi/kernels.ts) turns every other code into an Error with a message built from `ErrorInfo`.
const std = @import("std");

pub const Status = enum(i32) {
    ok = 0,
    invalid_argument = 1,
    out_of_memory = 2,
    io_error = 3,
    empty_file = 10,
    bad_header = 11,
    too_few_fields = 12,
    too_many_fields = 13,
    not_a_number = 14,
    rating_out_of_range = 15,
    duplicate_pair = 16,
    index_out_of_range = 17,
    not_finite = 18,
    thread_spawn_failed = 19,
    not_converged = 20,
    no_ratings = 21,
    rating_off_grid = 22,
};

/// Where and why a call failed; filled by the failing call, read by the wrapper.
/// Layout is fixed: four u64 words, as the TypeScript side reads them.
pub const ErrorInfo = extern struct {
    /// 1-based line in the input file (0 where no line applies).
    line: u64 = 0,
    /// 1-based field on that line (0 where no field applies).
    field: u64 = 0,
    /// Call-specific first value (e.g. the offending dense user index, or a count).
    a: u64 = 0,
    /// Call-specific second value.
    b: u64 = 0,

    pub fn set(info: *ErrorInfo, line: u64, field: u64, a: u64, b: u64) void {
        info.* = .{ .line = line, .field = field, .a = a, .b = b };
    }
};

/// Keeps the error with the smallest line number: threads that each found an error report the
/// first one in the file, whatever the thread count.
pub const FirstError = struct {
    status: Status = .ok,
    info: ErrorInfo = .{},

    pub fn offer(self: *FirstError, status: Status, info: ErrorInfo) void {
        std.debug.assert(status != .ok);
        if (self.status == .ok or info.line < self.info.line) {
            self.status = status;
            self.info = info;
        }
    }
};

test "FirstError keeps the earliest line" {
    var first: FirstError = .{};
    first.offer(.not_a_number, .{ .line = 9 });
    first.offer(.too_few_fields, .{ .line = 3 });
    first.offer(.bad_header, .{ .line = 5 });
    try std.testing.expectEqual(Status.too_few_fields, first.status);
    try std.testing.expectEqual(@as(u64, 3), first.info.line);
}
