//! Seeded random-mutation fuzzing of the ratings.csv parser (`parse.scan` + `parse.parse`, the code
//! behind `rs_ratings_scan`/`rs_ratings_parse`). Inputs are windows of real files (ml-latest-small
//! from ../shared when present, and built-in synthetic ones) mutated by bit flips, MovieLens-shaped
//! tokens (huge numbers, separators, line ends, off-grid ratings), deletions, duplications and
//! truncations. Every input is parsed with 1 and with 3 partitions, in ReleaseSafe (bounds and
//! overflow checked), and must give: no crash, the same status, line and field both ways, and when
//! it is accepted the same columns, ratings on the half-star grid within 0.5–5.
//!
//!   zig build test                         a bounded run (seconds) among the unit tests
//!   zig build fuzz -- --seconds 60 --seed 7 a longer run (`./run fuzz`), prints the figures
//!
//! To fuzz another byte decoder, write a `check(allocator, input) !bool` like `checkRatings` and
//! pass it to `run`.
const std = @import("std");
const assert = std.debug.assert;
const parse = @import("parse.zig");
const status_mod = @import("status.zig");

const Status = status_mod.Status;
const ErrorRecord = status_mod.ErrorRecord;

pub const input_bytes_max = 8 * 1024;
const window_lines_max = 48;

/// What a run did: inputs tried, accepted and refused (a clean status), and its duration.
pub const Stats = struct {
    inputs: u64 = 0,
    accepted: u64 = 0,
    refused: u64 = 0,
    nanoseconds: u64 = 0,
};

pub const Options = struct {
    seed: u64,
    inputs_max: u64,
    seconds_max: f64,
};

/// Tokens a MovieLens line is made of, and the edges of what the parser accepts.
const tokens = [_][]const u8{
    ",",   "\n",           "\r\n",       "\r",          ".",                    "-",
    " ",   "\xEF\xBB\xBF", "\xFF",       "0",           "0.5",                  "5.0",
    "5.5", "3.25",         "4294967295", "4294967296",  "99999999999999999999", "0.49999999",
    "1e3", "nan",          "inf",        "1,2,3.5,4\n", parse.header,           "",
};

/// A result of the parser over one input, comparable across partition counts.
const Outcome = struct {
    status: Status,
    line: u64,
    field: u64,
    rows: u64,
    digest: u64,
};

fn parseWith(allocator: std.mem.Allocator, input: []const u8, parts: u32) !Outcome {
    assert(parts >= 1);
    assert(parts <= 8);
    var offsets: [9]u64 = undefined;
    var lines: [8]u64 = undefined;
    var info: ErrorRecord = .{};
    const scanned = parse.scan(input, offsets[0 .. parts + 1], lines[0..parts], &info);
    if (scanned != .ok) {
        const line = info.line;
        return .{ .status = scanned, .line = line, .field = info.field, .rows = 0, .digest = 0 };
    }
    var rows: u64 = 0;
    for (lines[0..parts]) |count| rows += count;
    // Every line holds at least its newline or its last byte.
    if (rows == 0 or rows > input.len) return error.FuzzLineCount;
    const n: usize = @intCast(rows);
    const users = try allocator.alloc(u32, n);
    defer allocator.free(users);
    const movies = try allocator.alloc(u32, n);
    defer allocator.free(movies);
    const ratings = try allocator.alloc(f32, n);
    defer allocator.free(ratings);
    const times = try allocator.alloc(u32, n);
    defer allocator.free(times);
    const columns: parse.Columns = .{
        .users = users,
        .movies = movies,
        .ratings = ratings,
        .times = times,
    };
    const status = parse.parse(input, offsets[0 .. parts + 1], lines[0..parts], columns, &info);
    var digest: u64 = 0;
    if (status == .ok) {
        var hash = std.hash.Wyhash.init(0);
        for (ratings) |rating| {
            if (!(rating >= parse.rating_min)) return error.FuzzRatingRange;
            if (!(rating <= parse.rating_max)) return error.FuzzRatingRange;
            if (@round(rating * 2) != rating * 2) return error.FuzzRatingGrid;
        }
        hash.update(std.mem.sliceAsBytes(users));
        hash.update(std.mem.sliceAsBytes(movies));
        hash.update(std.mem.sliceAsBytes(ratings));
        hash.update(std.mem.sliceAsBytes(times));
        digest = hash.final();
    } else if (info.line < 2 or info.line > rows + 1 or info.field < 1 or info.field > 4) {
        return error.FuzzErrorPlace;
    }
    return .{
        .status = status,
        .line = info.line,
        .field = info.field,
        .rows = rows,
        .digest = digest,
    };
}

/// The oracle for one input: a clean status, the same outcome with 1 and 3 partitions.
pub fn checkRatings(allocator: std.mem.Allocator, input: []const u8) !bool {
    const one = try parseWith(allocator, input, 1);
    const three = try parseWith(allocator, input, 3);
    if (!std.meta.eql(one, three)) return error.FuzzPartitionsDisagree;
    return one.status == .ok;
}

/// Seed inputs: the synthetic ones below, plus ml-latest-small's ratings.csv when it is present.
pub const Seeds = struct {
    files: [4][]const u8,
    count: usize,
    owned: ?[]u8,

    pub fn load(allocator: std.mem.Allocator, real_path: []const u8) !Seeds {
        var seeds: Seeds = .{ .files = undefined, .count = 0, .owned = null };
        seeds.files[0] = parse.header ++ "\n1,31,2.5,1260759144\n1,1029,3.0,1260759179\n" ++
            "2,10,4,835355493\n7,2,.5,0\n";
        seeds.files[1] = parse.header ++ "\r\n1,1,4.0,964982703\r\n1,3,4.0,964981247\r\n" ++
            "610,170875,3.0,1493846415";
        seeds.files[2] = "\xEF\xBB\xBF" ++ parse.header ++
            "\n4294967295,4294967294,5.0,4294967295\n0,0,0.5,0\n\n";
        seeds.count = 3;
        const file = std.fs.cwd().openFile(real_path, .{}) catch return seeds;
        defer file.close();
        const bytes = try file.readToEndAlloc(allocator, 64 * 1024 * 1024);
        seeds.owned = bytes;
        seeds.files[3] = bytes;
        seeds.count = 4;
        return seeds;
    }

    pub fn deinit(self: Seeds, allocator: std.mem.Allocator) void {
        if (self.owned) |bytes| allocator.free(bytes);
    }
};

/// A window of whole lines of `file` after its header line, the header kept in front.
fn window(random: std.Random, file: []const u8, out: []u8) usize {
    assert(file.len >= 1);
    assert(out.len >= 1);
    const head_end = (std.mem.indexOfScalar(u8, file, '\n') orelse file.len - 1) + 1;
    var len = @min(head_end, out.len);
    @memcpy(out[0..len], file[0..len]);
    if (head_end >= file.len) return len;
    var begin = head_end + random.uintLessThan(usize, file.len - head_end);
    begin = if (std.mem.indexOfScalarPos(u8, file, begin, '\n')) |n| n + 1 else head_end;
    if (begin >= file.len) begin = head_end;
    var end = begin;
    var lines: usize = 0;
    const lines_wanted = random.uintAtMost(usize, window_lines_max);
    while (lines < lines_wanted and end < file.len) : (lines += 1) {
        end = if (std.mem.indexOfScalarPos(u8, file, end, '\n')) |n| n + 1 else file.len;
    }
    const take = @min(end - begin, out.len - len);
    @memcpy(out[len..][0..take], file[begin..][0..take]);
    len += take;
    return len;
}

/// Applies one to eight random mutations to `buffer[0..len]` in place; returns the new length.
fn mutate(random: std.Random, buffer: []u8, len_start: usize) usize {
    assert(len_start <= buffer.len);
    var len = len_start;
    var rounds = 1 + random.uintLessThan(u32, 8);
    while (rounds > 0) : (rounds -= 1) {
        switch (random.uintLessThan(u32, 6)) {
            0 => if (len > 0) {
                buffer[random.uintLessThan(usize, len)] ^= @as(u8, 1) << random.int(u3);
            },
            1 => if (len > 0) {
                buffer[random.uintLessThan(usize, len)] = random.int(u8);
            },
            2 => { // insert a token
                const token = tokens[random.uintLessThan(usize, tokens.len)];
                if (len + token.len > buffer.len) continue;
                const at = random.uintAtMost(usize, len);
                const moved = buffer[at + token.len .. len + token.len];
                std.mem.copyBackwards(u8, moved, buffer[at..len]);
                @memcpy(buffer[at..][0..token.len], token);
                len += token.len;
            },
            3 => if (len > 0) { // delete a range
                const at = random.uintLessThan(usize, len);
                const count = @min(len - at, 1 + random.uintLessThan(usize, 16));
                std.mem.copyForwards(u8, buffer[at .. len - count], buffer[at + count .. len]);
                len -= count;
            },
            4 => if (len > 0) { // duplicate a range
                const at = random.uintLessThan(usize, len);
                const count = @min(len - at, 1 + random.uintLessThan(usize, 64), buffer.len - len);
                std.mem.copyBackwards(u8, buffer[at + count .. len + count], buffer[at..len]);
                len += count;
            },
            else => len = random.uintAtMost(usize, len), // truncate
        }
    }
    assert(len <= buffer.len);
    return len;
}

/// Fuzzes `check` over mutated windows of `seeds` until `inputs_max` inputs or `seconds_max`.
/// Returns the first failing input's error (the input is left in `last_input` for a report).
pub fn run(
    allocator: std.mem.Allocator,
    seeds: Seeds,
    options: Options,
    comptime check: fn (std.mem.Allocator, []const u8) anyerror!bool,
    last_input: *[input_bytes_max]u8,
    last_len: *usize,
) !Stats {
    assert(seeds.count >= 1);
    assert(seeds.count <= seeds.files.len);
    assert(options.seconds_max >= 0);
    var prng = std.Random.DefaultPrng.init(options.seed);
    const random = prng.random();
    var timer = try std.time.Timer.start();
    const nanoseconds_max: u64 = @intFromFloat(options.seconds_max * std.time.ns_per_s);
    var stats: Stats = .{};
    while (stats.inputs < options.inputs_max) {
        if (stats.inputs % 64 == 0 and timer.read() >= nanoseconds_max) break;
        const seed_file = seeds.files[random.uintLessThan(usize, seeds.count)];
        var len = window(random, seed_file, last_input);
        // One input in eight is left unmutated: the seeds themselves must be accepted.
        if (random.uintLessThan(u32, 8) != 0) len = mutate(random, last_input, len);
        last_len.* = len;
        const accepted = try check(allocator, last_input[0..len]);
        stats.inputs += 1;
        if (accepted) stats.accepted += 1 else stats.refused += 1;
    }
    stats.nanoseconds = timer.read();
    return stats;
}

fn argValue(args: []const [:0]u8, name: []const u8) ?[]const u8 {
    for (args, 0..) |arg, i| {
        if (std.mem.eql(u8, arg, name) and i + 1 < args.len) return args[i + 1];
    }
    return null;
}

/// `zig build fuzz -- [--seconds S] [--seed N] [--inputs N] [--seeds PATH]`.
pub fn main() !void {
    var gpa: std.heap.GeneralPurposeAllocator(.{}) = .{};
    defer _ = gpa.deinit();
    const allocator = gpa.allocator();
    const args = try std.process.argsAlloc(allocator);
    defer std.process.argsFree(allocator, args);
    const seconds = try std.fmt.parseFloat(f64, argValue(args, "--seconds") orelse "30");
    const seed = try std.fmt.parseInt(u64, argValue(args, "--seed") orelse "1", 10);
    const inputs_text = argValue(args, "--inputs") orelse "18446744073709551615";
    const inputs = try std.fmt.parseInt(u64, inputs_text, 10);
    const path = argValue(args, "--seeds") orelse "../shared/data/ml-latest-small/ratings.csv";
    const seeds = try Seeds.load(allocator, path);
    defer seeds.deinit(allocator);
    var input: [input_bytes_max]u8 = undefined;
    var len: usize = 0;
    const options: Options = .{ .seed = seed, .inputs_max = inputs, .seconds_max = seconds };
    const stats = run(allocator, seeds, options, checkRatings, &input, &len) catch |err| {
        std.debug.print(
            "fuzz ratings parser: FAILED with {s} (seed {d}) on this input:\n{s}\n",
            .{ @errorName(err), seed, input[0..len] },
        );
        std.process.exit(1);
    };
    const elapsed_seconds = @as(f64, @floatFromInt(stats.nanoseconds)) / std.time.ns_per_s;
    std.debug.print(
        "fuzz ratings parser: {d} inputs in {d:.1} s ({d} accepted, {d} refused with a status), " ++
            "0 failures; seed {d}, seed files {d}\n",
        .{ stats.inputs, elapsed_seconds, stats.accepted, stats.refused, seed, seeds.count },
    );
}

test "fuzz: mutated ratings files give a clean status, the same with 1 and 3 partitions" {
    const allocator = std.testing.allocator;
    const seeds = try Seeds.load(allocator, "../shared/data/ml-latest-small/ratings.csv");
    defer seeds.deinit(allocator);
    var input: [input_bytes_max]u8 = undefined;
    var len: usize = 0;
    // A fixed number of inputs (the same every run); the time cap only guards a stuck machine.
    const options: Options = .{ .seed = 0xF022, .inputs_max = 10_000, .seconds_max = 120 };
    const stats = run(allocator, seeds, options, checkRatings, &input, &len) catch |err| {
        std.debug.print("fuzz failed with {s} on:\n{s}\n", .{ @errorName(err), input[0..len] });
        return err;
    };
    // Both kinds of input occur: the oracle saw accepted files and refused ones.
    try std.testing.expect(stats.accepted > 0);
    try std.testing.expect(stats.refused > 0);
}

test "fuzz: every seed file is accepted as it is" {
    const allocator = std.testing.allocator;
    const seeds = try Seeds.load(allocator, "../shared/data/ml-latest-small/ratings.csv");
    defer seeds.deinit(allocator);
    for (seeds.files[0..seeds.count]) |file| {
        try std.testing.expect(try checkRatings(allocator, file));
    }
}
