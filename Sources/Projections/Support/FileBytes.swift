#if canImport(Glibc)
import Glibc
#endif

/// Whole files read into memory (snapshots, scripts, event files): straight into an
/// array of the file's size, not zeroed first and not copied again; `nil` with `errno`
/// set when the file cannot be read.
public enum FileBytes {
    /// A file's bytes: one read of its size for a regular file, then whatever more
    /// there is (a pipe, a file still growing).
    public static func read(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd)
    }

    /// What is left to read of an open file, a pipe included.
    public static func readAll(_ fd: Int32) -> [UInt8]? {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return nil }
        if (info.st_mode & S_IFMT) == S_IFDIR { errno = EISDIR; return nil }
        var failed = false
        /// Reads into `buffer` until it is full or the file ends; how much it read.
        func fill(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
            var got = 0
            while got < buffer.count {
                let r = Glibc.read(fd, buffer.baseAddress! + got, buffer.count - got)
                if r < 0 && errno == EINTR { continue }
                if r < 0 { failed = true; break }
                if r == 0 { break }
                got += r
            }
            return got
        }
        // The size it has now, and one byte more to see that it ends there.
        let size = max(Int(info.st_size), 0) + 1
        var bytes = [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = fill(UnsafeMutableRawBufferPointer(buffer))
        }
        // Full: it grew, or it is a pipe (size 0). Read on to its end.
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while !failed && bytes.count >= size {
            let n = chunk.withUnsafeMutableBytes { fill($0) }
            if n == 0 { break }
            bytes.append(contentsOf: chunk[0..<n])
        }
        return failed ? nil : bytes
    }

    /// Writes all of `bytes` to `fd`, again after a short write or an interrupted one;
    /// `false`, with `errno` set, when it cannot (a full disk, a closed descriptor).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done)
            if n < 0, errno == EINTR { continue }
            guard n > 0 else { return false }
            done += n
        }
        return true
    }
}
