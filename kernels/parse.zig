//! ratings.csv parsing: `userId,movieId,rating,timestamp` lines, LF or CRLF, straight from the
//! mapped bytes. Two passes so that TypeScript can allocate the columns: `scan` checks the header,
//! cuts the data into one partition per thread at line starts and counts each partition's lines;
//! `parse` fills the columns, every partition writing at the offset the counts give it.
//!
//! Blank lines: those that end the file are ignored (`dataEnd`); a blank line with data after it
//! is an error, `too_few_fields` with `actual == 0` fields in the record, which the wrapper words
//! as "line N is blank": the rule of every MovieLens reader of this project (lib/data/_csv.ts for
//! the side files, lib/data/load_classic.ts for ML-100K and ML-1M).
const std = @import("std");
const assert = std.debug.assert;
const status_mod = @import("status.zig");
const threads_mod = @import("threads.zig");

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;
const FirstError = status_mod.FirstError;

pub const header = "userId,movieId,rating,timestamp";
pub const rating_min: f32 = 0.5;
pub const rating_max: f32 = 5.0;
const fields_count: u32 = 4;

/// The four output columns, one entry per data line, in file order.
pub const Columns = struct {
    users: []u32,
    movies: []u32,
    ratings: []f32,
    times: []u32,

    fn len(self: Columns) usize {
        assert(self.users.len == self.movies.len);
        assert(self.users.len == self.ratings.len);
        assert(self.users.len == self.times.len);
        return self.users.len;
    }
};

/// The largest raw ids of the parsed lines (0 when there are none).
pub const Maxima = struct {
    user: u32 = 0,
    movie: u32 = 0,

    fn merge(self: *Maxima, other: Maxima) void {
        self.user = @max(self.user, other.user);
        self.movie = @max(self.movie, other.movie);
    }
};

/// The byte offset just past the header line, or an error status when the header is wrong.
pub fn headerEnd(bytes: []const u8) struct { status: Status, end: usize } {
    if (bytes.len == 0) return .{ .status = .empty_file, .end = 0 };
    const newline = std.mem.indexOfScalar(u8, bytes, '\n') orelse bytes.len;
    const line = std.mem.trimRight(u8, bytes[0..newline], "\r");
    const bom = "\xEF\xBB\xBF";
    const text = if (std.mem.startsWith(u8, line, bom)) line[bom.len..] else line;
    if (!std.mem.eql(u8, text, header)) return .{ .status = .bad_header, .end = 0 };
    return .{ .status = .ok, .end = @min(newline + 1, bytes.len) };
}

/// Where the data ends: past the last line that is not blank, so blank lines (LF or CRLF) at the
/// end of the file are ignored, never read as rows. Never before `data_begin`.
pub fn dataEnd(bytes: []const u8, data_begin: usize) usize {
    assert(data_begin <= bytes.len);
    var end = bytes.len;
    while (end > data_begin and (bytes[end - 1] == '\n' or bytes[end - 1] == '\r')) end -= 1;
    return end;
}

/// Counts '\n' bytes, a SIMD vector at a time with a scalar tail.
pub fn countNewlines(bytes: []const u8) u64 {
    const lanes = std.simd.suggestVectorLength(u8) orelse 16;
    const V = @Vector(lanes, u8);
    const Mask = std.meta.Int(.unsigned, lanes);
    const newlines: V = @splat('\n');
    var count: u64 = 0;
    var i: usize = 0;
    while (i + lanes <= bytes.len) : (i += lanes) {
        const chunk: V = bytes[i..][0..lanes].*;
        const mask: Mask = @bitCast(chunk == newlines);
        count += @popCount(mask);
    }
    while (i < bytes.len) : (i += 1) count += @intFromBool(bytes[i] == '\n');
    return count;
}

/// Lines in `bytes`: newlines, plus one for a last line that lacks its newline.
fn countLines(bytes: []const u8) u64 {
    if (bytes.len == 0) return 0;
    return countNewlines(bytes) + @intFromBool(bytes[bytes.len - 1] != '\n');
}

/// Cuts `bytes[data_begin..]` into `offsets.len - 1` partitions that start at line starts.
/// `bytes` ends where the data ends (see `dataEnd`).
fn cutPartitions(bytes: []const u8, data_begin: usize, offsets: []u64) void {
    assert(offsets.len >= 2);
    assert(data_begin <= bytes.len);
    const parts = offsets.len - 1;
    const span = bytes.len - data_begin;
    offsets[0] = data_begin;
    offsets[parts] = bytes.len;
    var part: usize = 1;
    while (part < parts) : (part += 1) {
        var cut = @max(data_begin + span * part / parts, offsets[part - 1]);
        if (cut > data_begin and cut < bytes.len and bytes[cut - 1] != '\n') {
            const next = std.mem.indexOfScalarPos(u8, bytes, cut, '\n');
            cut = if (next) |n| n + 1 else bytes.len;
        }
        offsets[part] = cut;
    }
}

const ScanContext = struct {
    bytes: []const u8,
    offsets: []const u64,
    lines: []u64,

    fn work(self: *ScanContext, part: u32) void {
        const begin: usize = @intCast(self.offsets[part]);
        const end: usize = @intCast(self.offsets[part + 1]);
        self.lines[part] = countLines(self.bytes[begin..end]);
    }
};

/// Pass one: header check, partitions and their line counts. `offsets.len == lines.len + 1`;
/// `offsets[lines.len]` is `dataEnd(bytes, …)`. A file with no data line is `no_ratings`.
pub fn scan(bytes: []const u8, offsets: []u64, lines: []u64, info: *ErrorRecord) Status {
    assert(offsets.len == lines.len + 1);
    assert(lines.len >= 1);
    assert(lines.len <= threads_mod.threads_max);
    const head = headerEnd(bytes);
    if (head.status != .ok) {
        info.* = .{ .line = 1 };
        return head.status;
    }
    const data = bytes[0..dataEnd(bytes, head.end)];
    if (data.len == head.end) {
        info.* = .{};
        return .no_ratings;
    }
    cutPartitions(data, head.end, offsets);
    var context: ScanContext = .{ .bytes = data, .offsets = offsets, .lines = lines };
    threads_mod.run(@intCast(lines.len), &context, ScanContext.work);
    return .ok;
}

const LineError = error{
    BlankLine,
    TooFewFields,
    TooManyFields,
    NotANumber,
    RatingOutOfRange,
    RatingOffGrid,
};

/// A blank line is a line with too few fields (none): the status set stays as it is, and the
/// record's `actual == 0` tells the wrapper to say "blank".
fn statusOf(err: LineError) Status {
    return switch (err) {
        error.BlankLine, error.TooFewFields => .too_few_fields,
        error.TooManyFields => .too_many_fields,
        error.NotANumber => .not_a_number,
        error.RatingOutOfRange => .rating_out_of_range,
        error.RatingOffGrid => .rating_off_grid,
    };
}

/// A cursor over one line (without its line ending) that reads comma-separated fields.
const Cursor = struct {
    line: []const u8,
    pos: usize = 0,
    field: u32 = 1,

    /// Reads an unsigned decimal integer that fits `T`, then the separator (`,` or end of line).
    fn unsigned(self: *Cursor, comptime T: type, last: bool) LineError!T {
        const start = self.pos;
        var value: u64 = 0;
        while (self.pos < self.line.len) : (self.pos += 1) {
            const digit = self.line[self.pos] -% '0';
            if (digit > 9) break;
            value = value * 10 + digit;
            if (value > std.math.maxInt(T)) return error.NotANumber;
        }
        if (self.pos == start) {
            return if (self.pos == self.line.len) error.TooFewFields else error.NotANumber;
        }
        try self.separator(last);
        return @intCast(value);
    }

    /// Reads `d`, `d.`, `d.ddd` or `.ddd` as a rating, then the separator.
    fn rating(self: *Cursor) LineError!f32 {
        const start = self.pos;
        const whole = self.digits(9);
        var value: f64 = @floatFromInt(whole.value);
        var fraction_digits: usize = 0;
        if (self.pos < self.line.len and self.line[self.pos] == '.') {
            self.pos += 1;
            const fraction = self.digits(9);
            fraction_digits = fraction.count;
            const scale = std.math.pow(f64, 10, @floatFromInt(fraction.count));
            value += @as(f64, @floatFromInt(fraction.value)) / scale;
        }
        if (whole.count == 0 and fraction_digits == 0) {
            const ended = self.pos == self.line.len and self.pos == start;
            return if (ended) error.TooFewFields else error.NotANumber;
        }
        const result: f32 = @floatCast(value);
        if (result < rating_min or result > rating_max) {
            // A rating followed by junk is not a number, not out of range.
            if (self.pos < self.line.len and self.line[self.pos] != ',') return error.NotANumber;
            return error.RatingOutOfRange;
        }
        // MovieLens rates in half stars (whole stars before 2003): 0.5, 1, …, 5, nothing between.
        if (@round(value * 2) != value * 2) {
            if (self.pos < self.line.len and self.line[self.pos] != ',') return error.NotANumber;
            return error.RatingOffGrid;
        }
        try self.separator(false);
        return result;
    }

    fn digits(self: *Cursor, count_max: usize) struct { value: u64, count: usize } {
        var value: u64 = 0;
        var count: usize = 0;
        while (self.pos < self.line.len and count < count_max) : (self.pos += 1) {
            const digit = self.line[self.pos] -% '0';
            if (digit > 9) break;
            value = value * 10 + digit;
            count += 1;
        }
        return .{ .value = value, .count = count };
    }

    fn separator(self: *Cursor, last: bool) LineError!void {
        if (self.pos == self.line.len) {
            if (!last) return error.TooFewFields;
            return;
        }
        if (self.line[self.pos] != ',') return error.NotANumber;
        if (last) return error.TooManyFields;
        self.pos += 1;
        self.field += 1;
    }
};

const Row = struct { user: u32, movie: u32, rating: f32, time: u32 };

/// Where bad data line `line_number` failed. Too few fields also records how many fields the line
/// has (`actual`; 0 for a blank line) against the four expected; other errors name the field only.
fn lineRecord(err: LineError, line_number: u64, field: u32) ErrorRecord {
    assert(line_number >= 2);
    assert(field >= 1);
    assert(field <= fields_count);
    return switch (err) {
        error.BlankLine => .{ .line = line_number, .field = 1, .expected = fields_count },
        error.TooFewFields => .{
            .line = line_number,
            .field = field,
            .expected = fields_count,
            .actual = field,
        },
        else => .{ .line = line_number, .field = field },
    };
}

/// Parses one data line (line ending already removed). On error `field` says which field failed.
/// An empty line is `BlankLine` (blank lines that end the file never get here: see `dataEnd`).
pub fn parseLine(line: []const u8, field: *u32) LineError!Row {
    var cursor: Cursor = .{ .line = line };
    errdefer field.* = cursor.field;
    if (line.len == 0) return error.BlankLine;
    const user = try cursor.unsigned(u32, false);
    const movie = try cursor.unsigned(u32, false);
    const rating = try cursor.rating();
    const time = try cursor.unsigned(u32, true);
    assert(cursor.field == fields_count);
    return .{ .user = user, .movie = movie, .rating = rating, .time = time };
}

const ParseContext = struct {
    bytes: []const u8,
    offsets: []const u64,
    lines: []const u64,
    columns: Columns,
    errors: []FirstError,
    maxima: []Maxima,

    fn work(self: *ParseContext, part: u32) void {
        var row_index: u64 = 0;
        for (self.lines[0..part]) |count| row_index += count;
        const begin: usize = @intCast(self.offsets[part]);
        const end: usize = @intCast(self.offsets[part + 1]);
        const rows_end = row_index + self.lines[part];
        var pos = begin;
        var maxima: Maxima = .{};
        defer self.maxima[part] = maxima;
        while (pos < end) {
            assert(row_index < rows_end);
            const newline = std.mem.indexOfScalarPos(u8, self.bytes[0..end], pos, '\n') orelse end;
            const line = std.mem.trimRight(u8, self.bytes[pos..newline], "\r");
            var field: u32 = 0;
            if (parseLine(line, &field)) |row| {
                const i: usize = @intCast(row_index);
                self.columns.users[i] = row.user;
                self.columns.movies[i] = row.movie;
                self.columns.ratings[i] = row.rating;
                self.columns.times[i] = row.time;
                maxima.user = @max(maxima.user, row.user);
                maxima.movie = @max(maxima.movie, row.movie);
            } else |err| {
                // Line numbers are 1-based and the header is line 1.
                self.errors[part].offer(statusOf(err), lineRecord(err, row_index + 2, field));
                return;
            }
            row_index += 1;
            pos = newline + 1;
        }
        assert(row_index == rows_end);
    }
};

/// Pass two: fills `columns` from the partitions `scan` made. Reports the first bad line,
/// whatever the partition count.
pub fn parse(
    bytes: []const u8,
    offsets: []const u64,
    lines: []const u64,
    columns: Columns,
    info: *ErrorRecord,
) Status {
    var maxima: Maxima = .{};
    return parseMaxima(bytes, offsets, lines, columns, &maxima, info);
}

/// `parse`, also setting `maxima` to the largest raw ids.
pub fn parseMaxima(
    bytes: []const u8,
    offsets: []const u64,
    lines: []const u64,
    columns: Columns,
    maxima: *Maxima,
    info: *ErrorRecord,
) Status {
    assert(offsets.len == lines.len + 1);
    assert(lines.len >= 1);
    assert(lines.len <= threads_mod.threads_max);
    var total: u64 = 0;
    for (lines) |count| total += count;
    assert(total == columns.len());
    const parts_max = threads_mod.threads_max;
    var errors: [parts_max]FirstError = [_]FirstError{.{}} ** parts_max;
    var part_maxima: [parts_max]Maxima = [_]Maxima{.{}} ** parts_max;
    var context: ParseContext = .{
        .bytes = bytes,
        .offsets = offsets,
        .lines = lines,
        .columns = columns,
        .errors = errors[0..lines.len],
        .maxima = part_maxima[0..lines.len],
    };
    threads_mod.run(@intCast(lines.len), &context, ParseContext.work);
    var first: FirstError = .{};
    for (errors[0..lines.len]) |err| {
        if (err.status != .ok) first.offer(err.status, err.info);
    }
    maxima.* = .{};
    for (part_maxima[0..lines.len]) |part| maxima.merge(part);
    info.* = first.info;
    return first.status;
}

const testing = std.testing;

const Parsed = struct { status: Status, rows: usize, maxima: Maxima = .{} };

fn parseAll(bytes: []const u8, parts: u32, columns_buffer: *[16]Row, info: *ErrorRecord) !Parsed {
    var offsets: [9]u64 = undefined;
    var lines: [8]u64 = undefined;
    const scan_status = scan(bytes, offsets[0 .. parts + 1], lines[0..parts], info);
    if (scan_status != .ok) return .{ .status = scan_status, .rows = 0 };
    var total: usize = 0;
    for (lines[0..parts]) |count| total += @intCast(count);
    var users: [16]u32 = undefined;
    var movies: [16]u32 = undefined;
    var ratings: [16]f32 = undefined;
    var times: [16]u32 = undefined;
    try testing.expect(total <= 16);
    const columns: Columns = .{
        .users = users[0..total],
        .movies = movies[0..total],
        .ratings = ratings[0..total],
        .times = times[0..total],
    };
    var maxima: Maxima = .{};
    const status = parseMaxima(
        bytes,
        offsets[0 .. parts + 1],
        lines[0..parts],
        columns,
        &maxima,
        info,
    );
    for (0..total) |i| {
        columns_buffer[i] = .{
            .user = users[i],
            .movie = movies[i],
            .rating = ratings[i],
            .time = times[i],
        };
    }
    return .{ .status = status, .rows = total, .maxima = maxima };
}

test "parses LF and CRLF files the same, whatever the partition count" {
    const lf = "userId,movieId,rating,timestamp\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n" ++
        "2,10,4,835355493\n7,2,.5,0\n";
    const crlf = "userId,movieId,rating,timestamp\r\n1,31,2.5,1260759144\r\n" ++
        "1,1029,3.0,1260759179\r\n2,10,4,835355493\r\n7,2,.5,0";
    for ([_][]const u8{ lf, crlf }) |bytes| {
        var parts: u32 = 1;
        while (parts <= 8) : (parts += 1) {
            var rows: [16]Row = undefined;
            var info: ErrorRecord = .{};
            const result = try parseAll(bytes, parts, &rows, &info);
            try testing.expectEqual(Status.ok, result.status);
            try testing.expectEqual(@as(usize, 4), result.rows);
            const first: Row = .{ .user = 1, .movie = 31, .rating = 2.5, .time = 1260759144 };
            const third: Row = .{ .user = 2, .movie = 10, .rating = 4.0, .time = 835355493 };
            const fourth: Row = .{ .user = 7, .movie = 2, .rating = 0.5, .time = 0 };
            try testing.expectEqual(first, rows[0]);
            try testing.expectEqual(third, rows[2]);
            try testing.expectEqual(fourth, rows[3]);
            try testing.expectEqual(Maxima{ .user = 7, .movie = 1029 }, result.maxima);
        }
    }
}

/// An input and what parsing it must report.
const Case = struct {
    bytes: []const u8,
    status: Status,
    line: u64,
    field: u64,
    /// Fields on a line with too few (`expected` is 4 then), 0 for a blank line.
    actual: ?u64 = null,
};

fn bad(bytes: []const u8, status: Status, line: u64, field: u64) Case {
    return .{ .bytes = bytes, .status = status, .line = line, .field = field };
}

/// A line with too few fields: `actual` of them, 0 for a blank line.
fn few(bytes: []const u8, line: u64, field: u64, actual: u64) Case {
    const status: Status = .too_few_fields;
    return .{ .bytes = bytes, .status = status, .line = line, .field = field, .actual = actual };
}

test "bad lines report the first bad line and field" {
    const h = header;
    const cases = [_]Case{
        bad("", .empty_file, 1, 0),
        bad("user,movie,rating,timestamp\n1,2,3,4\n", .bad_header, 1, 0),
        bad(h ++ "\n1,2,3.5,4\n1,2,7,4\n", .rating_out_of_range, 3, 3),
        bad(h ++ "\n1,2,0,4\n", .rating_out_of_range, 2, 3),
        bad(h ++ "\n1,x,3,4\n", .not_a_number, 2, 2),
        few(h ++ "\n1,2,3\n", 2, 3, 3),
        few(h ++ "\n1\n", 2, 1, 1),
        few(h ++ "\n1,\r\n", 2, 2, 2),
        bad(h ++ "\n1,2,3,4,5\n", .too_many_fields, 2, 4),
        bad(h ++ "\n1,2,3,4\n1,2,3.5,12", .ok, 0, 0),
        few(h ++ "\n1,2,3,4\n1,2,3.", 3, 3, 3),
        // A blank line with data after it; a later bad line never hides it, an earlier one wins.
        few(h ++ "\n1,2,3,4\n\n3,4,5,6\n", 3, 1, 0),
        few(h ++ "\r\n\r\n1,2,3,4\r\n", 2, 1, 0),
        few(h ++ "\n1,2,3,4\n\n\n1,x\n\n", 3, 1, 0),
        bad(h ++ "\n1,2,9,4\n\n1,3,3,4\n", .rating_out_of_range, 2, 3),
        // Blank lines that end the file are ignored.
        bad(h ++ "\n1,2,3,4\n\n", .ok, 0, 0),
        bad(h ++ "\r\n1,2,3,4\r\n\r\n\r\n", .ok, 0, 0),
        bad(h ++ "\n", .no_ratings, 0, 0),
        bad(h, .no_ratings, 0, 0),
        bad(h ++ "\r\n\r\n\n", .no_ratings, 0, 0),
        bad(h ++ "\n1,2,3.5,4\n1,3,3.25,4\n", .rating_off_grid, 3, 3),
        bad(h ++ "\n1,2,4.50,4\n1,3,0.499,4\n", .rating_out_of_range, 3, 3),
        bad(h ++ "\n1,2,4.000000001,4\n", .rating_off_grid, 2, 3),
        bad(h ++ "\n1,2,3.25x,4\n", .not_a_number, 2, 3),
        bad(h ++ "\n-1,2,3,4\n", .not_a_number, 2, 1),
        bad(h ++ "\n1,2,3,99999999999\n", .not_a_number, 2, 4),
        bad(h ++ "\n1,2,3,4 \n", .not_a_number, 2, 4),
    };
    for (cases) |case| {
        var rows: [16]Row = undefined;
        var info: ErrorRecord = .{};
        const result = try parseAll(case.bytes, 3, &rows, &info);
        try testing.expectEqual(case.status, result.status);
        try testing.expectEqual(case.line, info.line);
        try testing.expectEqual(case.field, info.field);
        if (case.actual) |actual| {
            try testing.expectEqual(@as(u64, fields_count), info.expected);
            try testing.expectEqual(actual, info.actual);
        } else {
            try testing.expectEqual(@as(u64, 0), info.expected);
        }
    }
}

test "a blank line in the middle is found whichever partition holds it" {
    // Eight data lines, the sixth blank (line 7 of the file): with 1 to 8 partitions the blank
    // line starts, ends or sits inside a partition, and a later bad line never wins over it.
    const bytes = header ++ "\n1,1,1,1\n1,2,1,1\n1,3,1,1\n1,4,1,1\n1,5,1,1\n\n" ++
        "1,x,1,1\n1,7,1,1\n";
    var parts: u32 = 1;
    while (parts <= 8) : (parts += 1) {
        var rows: [16]Row = undefined;
        var info: ErrorRecord = .{};
        const result = try parseAll(bytes, parts, &rows, &info);
        try testing.expectEqual(Status.too_few_fields, result.status);
        try testing.expectEqual(@as(u64, 7), info.line);
        try testing.expectEqual(@as(u64, 1), info.field);
        try testing.expectEqual(@as(u64, 0), info.actual);
    }
}

test "countNewlines matches a scalar count across vector boundaries" {
    var bytes: [301]u8 = undefined;
    var expected: u64 = 0;
    for (&bytes, 0..) |*byte, i| {
        byte.* = if (i % 7 == 3) '\n' else 'a';
        expected += @intFromBool(byte.* == '\n');
    }
    var start: usize = 0;
    while (start < 40) : (start += 1) {
        var slice_expected: u64 = 0;
        for (bytes[start..]) |byte| slice_expected += @intFromBool(byte == '\n');
        try testing.expectEqual(slice_expected, countNewlines(bytes[start..]));
    }
}
