//! Status codes returned by every exported kernel function. 0 is success; the TypeScript wrapper
//! (lib/ffi/kernels.ts) turns every other code into an Error with a message built from
//! `ErrorRecord`.
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

/// What each status means, in the words of the error message. The TypeScript side
/// (lib/ffi/_status.ts) holds the same names and texts; lib/ffi/abi_test.ts parses both.
pub fn text(status: Status) []const u8 {
    return switch (status) {
        .ok => "ok",
        .invalid_argument => "invalid argument (null pointer, wrong length or an unvalidated view)",
        .out_of_memory => "out of memory",
        .io_error => "cannot open or read the file",
        .empty_file => "the file is empty; expected a header line",
        .bad_header => "wrong header",
        .too_few_fields => "too few fields",
        .too_many_fields => "too many fields",
        .not_a_number => "not a number",
        .rating_out_of_range => "rating outside 0.5–5",
        .duplicate_pair => "duplicate (user, movie) pair",
        .index_out_of_range => "index out of range",
        .not_finite => "value is not finite",
        .thread_spawn_failed => "could not start a thread",
        .not_converged => "did not converge",
        .no_ratings => "no ratings after the header",
        .rating_off_grid => "rating not on the half-star grid",
    };
}

/// Where and why a call failed: the named record of kernels/abi.zig.
pub const ErrorRecord = @import("abi.zig").ErrorRecord;

/// Keeps the error with the smallest line number: threads that each found an error report the
/// first one in the file, whatever the thread count.
pub const FirstError = struct {
    status: Status = .ok,
    info: ErrorRecord = .{},

    pub fn offer(self: *FirstError, status: Status, info: ErrorRecord) void {
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

test "every status has a text" {
    inline for (@typeInfo(Status).@"enum".fields) |field| {
        try std.testing.expect(text(@enumFromInt(field.value)).len > 0);
    }
}
