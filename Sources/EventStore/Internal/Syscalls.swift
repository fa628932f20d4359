#if canImport(Glibc)
import Glibc
#endif

/// A thin typed wrapper over an open file descriptor: every call retries on `EINTR`,
/// loops over short reads and writes, and throws a ``StoreError`` naming the path,
/// the offset and the errno.
///
/// It does not own the descriptor's lifetime implicitly: call ``close()``.
struct FileHandle: Sendable {
    let fd: Int32
    let path: String
    let faults: FaultInjector?

    /// Opens a file. New files get mode 0600: store files hold personal data.
    ///
    /// The corresponding C function is `open`.
    static func open(_ path: String, _ flags: Int32, mode: mode_t = 0o600, faults: FaultInjector? = nil) throws -> FileHandle {
        let fd = retryOnInterrupt { Glibc.open(path, flags | O_CLOEXEC, mode) }
        guard fd >= 0 else { throw StoreError.syscall("open", errno: errno, path: path) }
        return FileHandle(fd: fd, path: path, faults: faults)
    }

    /// The corresponding C function is `close`.
    func close() {
        _ = Glibc.close(fd)
    }

    /// Reads up to `buffer.count` bytes at `offset`, stopping early only at end of file.
    ///
    /// - Returns: The number of bytes read.
    /// - Complexity: O(n) in the bytes read.
    /// The corresponding C function is `pread`.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws -> Int {
        guard let base = buffer.baseAddress else { return 0 }
        var done = 0
        while done < buffer.count {
            let n = Glibc.pread(fd, base + done, buffer.count - done, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.syscall("pread", errno: errno, path: path, offset: offset + Int64(done))
            }
            if n == 0 { break }
            done += n
        }
        return done
    }

    /// Asks the kernel to start reading `length` bytes at `offset` from disk now: a hint,
    /// whose failure changes nothing.
    ///
    /// The corresponding C function is `posix_fadvise` with `POSIX_FADV_WILLNEED`.
    func willNeed(offset: Int64, length: Int64) {
        // Linux reads at most the device's read-ahead size (a few MB) per call.
        let chunk: Int64 = 2 << 20
        for at in stride(from: offset, to: offset + length, by: Int(chunk)) {
            _ = posix_fadvise(fd, off_t(at), off_t(min(chunk, offset + length - at)), POSIX_FADV_WILLNEED)
        }
    }

    /// Writes all of `bytes` at `offset`.
    ///
    /// A failure may leave a prefix written; the caller truncates it away.
    /// The corresponding C function is `pwrite`.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int64) throws {
        guard let base = bytes.baseAddress else { return }
        var done = 0
        while done < bytes.count {
            var want = bytes.count - done
            if let faults, let e = faults.beforeWrite(&want) {
                if want > 0 {
                    _ = Glibc.pwrite(fd, base + done, want, off_t(offset) + off_t(done))
                }
                throw StoreError.syscall("pwrite", errno: e, path: path, offset: offset + Int64(done + want))
            }
            let n = Glibc.pwrite(fd, base + done, want, off_t(offset) + off_t(done))
            if n < 0 {
                if errno == EINTR { continue }
                throw StoreError.syscall("pwrite", errno: errno, path: path, offset: offset + Int64(done))
            }
            done += n
        }
    }

    /// Flushes the file's data (and the metadata needed to read it back, such as its
    /// size) to stable storage.
    ///
    /// The corresponding C function is `fdatasync`.
    func dataSync() throws {
        if let e = faults?.beforeSync() { throw StoreError.syscall("fdatasync", errno: e, path: path) }
        let r = retryOnInterrupt { Glibc.fdatasync(fd) }
        guard r == 0 else { throw StoreError.syscall("fdatasync", errno: errno, path: path) }
    }

    /// Flushes the file's data and all of its metadata.
    ///
    /// The corresponding C function is `fsync`.
    func sync() throws {
        if let e = faults?.beforeSync() { throw StoreError.syscall("fsync", errno: e, path: path) }
        let r = retryOnInterrupt { Glibc.fsync(fd) }
        guard r == 0 else { throw StoreError.syscall("fsync", errno: errno, path: path) }
    }

    /// Cuts the file to `length` bytes.
    ///
    /// The corresponding C function is `ftruncate`.
    func truncate(to length: Int64) throws {
        let r = retryOnInterrupt { Glibc.ftruncate(fd, off_t(length)) }
        guard r == 0 else { throw StoreError.syscall("ftruncate", errno: errno, path: path, offset: length) }
    }

    /// The file's current size in bytes.
    ///
    /// The corresponding C function is `fstat`.
    func size() throws -> Int64 {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw StoreError.syscall("fstat", errno: errno, path: path) }
        return Int64(st.st_size)
    }

    /// Takes an exclusive advisory lock without waiting.
    ///
    /// - Returns: `false` when another open file description holds the lock.
    /// The corresponding C function is `flock`.
    func tryLockExclusive() throws -> Bool {
        let r = retryOnInterrupt { flock(fd, LOCK_EX | LOCK_NB) }
        if r == 0 { return true }
        if errno == EWOULDBLOCK { return false }
        throw StoreError.syscall("flock", errno: errno, path: path)
    }
}

/// Runs a system call again while it fails with `EINTR`.
@inline(__always)
func retryOnInterrupt<T: BinaryInteger>(_ body: () -> T) -> T {
    while true {
        let r = body()
        if r == -1 && errno == EINTR { continue }
        return r
    }
}

/// Directory and path operations.
enum FileSystem {
    /// Creates a directory with mode 0700 (owner only), with its missing parents.
    static func createDirectory(_ path: String) throws {
        if Glibc.mkdir(path, 0o700) == 0 { return }
        let e = errno
        if e == EEXIST { return }
        if e == ENOENT, let parent = parentPath(path), parent != path {
            try createDirectory(parent)
            if Glibc.mkdir(path, 0o700) == 0 || errno == EEXIST { return }
            throw StoreError.syscall("mkdir", errno: errno, path: path)
        }
        throw StoreError.syscall("mkdir", errno: e, path: path)
    }

    static func parentPath(_ path: String) -> String? {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        guard let slash = p.lastIndex(of: "/") else { return nil }
        let parent = String(p[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// Whether something exists at `path`.
    static func exists(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0
    }

    /// Whether `path` is a directory; throws when it cannot be examined.
    static func isDirectory(_ path: String) throws -> Bool {
        var st = stat()
        guard stat(path, &st) == 0 else { throw StoreError.syscall("stat", errno: errno, path: path) }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The names in a directory, unsorted, without `.` and `..`.
    static func list(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else { throw StoreError.syscall("opendir", errno: errno, path: path) }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// Flushes a directory's entries (a created, renamed or removed file) to disk.
    static func syncDirectory(_ path: String) throws {
        let h = try FileHandle.open(path, O_RDONLY | O_DIRECTORY)
        defer { h.close() }
        let r = retryOnInterrupt { Glibc.fsync(h.fd) }
        guard r == 0 else { throw StoreError.syscall("fsync", errno: errno, path: path) }
    }

    /// Atomically replaces `to` with `from`.
    static func rename(_ from: String, _ to: String) throws {
        guard Glibc.rename(from, to) == 0 else { throw StoreError.syscall("rename", errno: errno, path: to) }
    }

    /// Removes a file; a missing file is not an error.
    static func remove(_ path: String) throws {
        if Glibc.unlink(path) != 0 && errno != ENOENT { throw StoreError.syscall("unlink", errno: errno, path: path) }
    }

    /// Writes a small file atomically: a temporary file, fsync, rename, fsync of the
    /// directory. A crash leaves either the old file or the new one, never a mix.
    static func writeAtomically(_ bytes: [UInt8], to path: String, directory: String, faults: FaultInjector?) throws {
        let tmp = path + ".tmp"
        let h = try FileHandle.open(tmp, O_WRONLY | O_CREAT | O_TRUNC, faults: faults)
        do {
            try bytes.withUnsafeBytes { try h.write($0, at: 0) }
            try h.sync()
            h.close()
        } catch {
            h.close()
            try? remove(tmp)
            throw error
        }
        try rename(tmp, path)
        try syncDirectory(directory)
    }
}

/// A read-only memory mapping of a file: a sealed segment or an index (never written
/// again), or the active segment (read only below its committed length, which only
/// grows while it is mapped). Unmapped when the last reference goes away.
// @unchecked: the mapping is read-only, of a file that is never written again, and
// is unmapped only in deinit, when no reference is left.
final class MappedFile: @unchecked Sendable {
    let base: UnsafeRawPointer?
    let count: Int
    let path: String

    /// Maps `path` read-only.
    ///
    /// The corresponding C function is `mmap`.
    convenience init(path: String) throws {
        let h = try FileHandle.open(path, O_RDONLY)
        defer { h.close() }
        try self.init(handle: h, length: Int(try h.size()))
    }

    /// Maps the first `length` bytes of an open file read-only. `length` may exceed the
    /// file's size (to leave room for growth): only bytes inside the file may be read.
    ///
    /// The corresponding C function is `mmap`.
    init(handle: FileHandle, length: Int) throws {
        self.path = handle.path
        self.count = length
        if length == 0 {
            base = nil
            return
        }
        guard let p = mmap(nil, length, PROT_READ, MAP_SHARED, handle.fd, 0), p != MAP_FAILED else {
            throw StoreError.syscall("mmap", errno: errno, path: handle.path)
        }
        base = UnsafeRawPointer(p)
    }

    /// The mapped bytes.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Fills in the page tables of the whole mapping now (reading what is not in memory),
    /// so that later reads take no page faults: a hint, whose failure (a kernel before
    /// 5.14) changes nothing.
    ///
    /// The corresponding C function is `madvise` with `MADV_POPULATE_READ`.
    func populate() {
        guard let base, count > 0 else { return }
        _ = madvise(UnsafeMutableRawPointer(mutating: base), count, 22 /* MADV_POPULATE_READ */)
    }

    deinit {
        if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
    }
}

/// Bytes copied into memory this object owns and frees; never mutated after init.
// @unchecked: the buffer is written once in init and only read afterwards.
final class OwnedBytes: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer

    init(_ source: [UInt8]) {
        let m = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, source.count), alignment: 8)
        source.withUnsafeBytes { src in
            if let base = src.baseAddress, let dst = m.baseAddress { dst.copyMemory(from: base, byteCount: src.count) }
        }
        bytes = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(m)[0..<source.count])
    }

    deinit { UnsafeMutableRawPointer(mutating: bytes.baseAddress)?.deallocate() }
}
